import { configurationKey, type Configuration } from './configuration.ts';
import type { AxisChange, CandidateMove } from './candidate-move.ts';
import type { SearchContext } from './local-moves.ts';

/** Spaces up to this many configurations are enumerated once the nearer moves are used up. */
export const MAX_ENUMERATED_CONFIGURATIONS = 20_000;

/**
 * Moves for when no local move is left: the untried rest of each axis through the best, nearest
 * first; then two axes at once by one grid step each; then, for spaces small enough to list,
 * every unmeasured configuration, nearest first. Scores stay far below any local move.
 */
export function fallbackMoves(context: SearchContext): CandidateMove[] {
  const line = lineFill(context);
  if (line.length > 0) return line;

  const pairs = pairMoves(context);
  if (pairs.length > 0) return pairs;
  return enumeratedMoves(context);
}

function lineFill(context: SearchContext): CandidateMove[] {
  const moves: CandidateMove[] = [];
  for (const dimension of context.dimensions) {
    const origin = dimension.indexOf(context.center);
    dimension.grid.forEach((_, index) => {
      if (index === origin) return;
      const changes = [{ dimension, fromIndex: origin, toIndex: index }];
      const move = fallback(context, changes, 'fill', 0.01 / (1 + Math.abs(index - origin)));
      if (move !== undefined) moves.push(move);
    });
  }
  return moves;
}

function pairMoves(context: SearchContext): CandidateMove[] {
  const moves: CandidateMove[] = [];
  context.dimensions.forEach((first, position) => {
    for (const second of context.dimensions.slice(position + 1)) {
      for (const [firstStep, secondStep] of [[1, 1], [1, -1], [-1, 1], [-1, -1]] as const) {
        const changes = [step(context.center, first, firstStep), step(context.center, second, secondStep)];
        const move = changes.every(isInGrid) ? fallback(context, changes, 'pair', 0.001) : undefined;
        if (move !== undefined) moves.push(move);
      }
    }
  });
  return moves;
}

function enumeratedMoves(context: SearchContext): CandidateMove[] {
  const size = context.dimensions.reduce((product, dimension) => product * dimension.grid.length, 1);
  if (size > MAX_ENUMERATED_CONFIGURATIONS) return [];

  const moves: CandidateMove[] = [];
  for (const indexes of allIndexes(context.dimensions.map((dimension) => dimension.grid.length))) {
    const changes = context.dimensions
      .map((dimension, position) => ({
        dimension,
        fromIndex: dimension.indexOf(context.center),
        toIndex: indexes[position] as number,
      }))
      .filter((change) => change.fromIndex !== change.toIndex);
    const distance = changes.reduce((sum, change) => sum + Math.abs(change.toIndex - change.fromIndex), 0);
    const move = changes.length > 0 ? fallback(context, changes, 'pair', 0.0001 / (1 + distance)) : undefined;
    if (move !== undefined) moves.push(move);
  }
  return moves;
}

function* allIndexes(lengths: readonly number[]): Generator<number[]> {
  if (lengths.length === 0) {
    yield [];
    return;
  }
  for (const rest of allIndexes(lengths.slice(1))) {
    for (let index = 0; index < (lengths[0] as number); index += 1) yield [index, ...rest];
  }
}

function step(center: Configuration, dimension: AxisChange['dimension'], direction: number): AxisChange {
  const fromIndex = dimension.indexOf(center);
  return { dimension, fromIndex, toIndex: fromIndex + direction };
}

function isInGrid(change: AxisChange): boolean {
  return change.fromIndex !== -1 && change.toIndex >= 0 && change.toIndex < change.dimension.grid.length;
}

function fallback(
  context: SearchContext,
  changes: AxisChange[],
  kind: 'fill' | 'pair',
  score: number,
): CandidateMove | undefined {
  let configuration = context.center;
  for (const change of changes) configuration = change.dimension.withIndex(configuration, change.toIndex);

  const key = configurationKey(context.space, configuration);
  if (context.points.has(key) || context.pendingKeys.has(key)) return undefined;
  return { key, configuration, changes, kind, score };
}
