import type { CandidateMove } from './candidate-move.ts';

/**
 * Picks up to `count` distinct moves, best score first, spreading them over axes: a first pass
 * takes at most one move per axis, a second pass fills what is left. Equal scores are ordered by
 * a hash of `seed` and the configuration, so the same input always gives the same pick.
 */
export function selectMoves(moves: readonly CandidateMove[], count: number, seed: number): CandidateMove[] {
  const ranked = [...moves].sort(
    (first, second) => second.score - first.score || tieBreak(seed, first.key) - tieBreak(seed, second.key),
  );
  const chosen: CandidateMove[] = [];
  const keys = new Set<string>();
  const axes = new Set<string>();

  const take = (move: CandidateMove, isSpreading: boolean): void => {
    const axis = move.changes.map((change) => change.dimension.name).join('+');
    if (chosen.length >= count || keys.has(move.key) || (isSpreading && axes.has(axis))) return;
    chosen.push(move);
    keys.add(move.key);
    axes.add(axis);
  };

  for (const move of ranked) take(move, true);
  for (const move of ranked) take(move, false);
  return chosen;
}

// FNV-1a over the seed and key: stable across runs and platforms, unlike Math.random.
function tieBreak(seed: number, key: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${key}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
