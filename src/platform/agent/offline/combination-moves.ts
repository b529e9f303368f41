import { configurationKey } from './configuration.ts';
import type { AxisChange, CandidateMove } from './candidate-move.ts';
import type { SearchContext } from './local-moves.ts';
import { compareOutcome } from './measured-points.ts';

/** At most this many axes are combined, so a combination stays readable and attributable. */
export const MAX_COMBINED_AXES = 3;

// A gain that stays within noise is only partly real, on average.
const PARTIAL_GAIN_CREDIT = 1.5;

interface NearGain {
  readonly change: AxisChange;
  readonly gainFraction: number;
}

/**
 * Combinations of one-knob moves from the best that each measured above it without clearing the
 * noise margin. Under a noise margin the last few percent of a search are made of such small
 * gains; together they can clear it. Each subset of two or more of the strongest axes is offered.
 */
export function combinationMoves(context: SearchContext): CandidateMove[] {
  const gains = nearGains(context).slice(0, MAX_COMBINED_AXES);
  const moves: CandidateMove[] = [];

  for (const subset of subsets(gains)) {
    if (subset.length < 2) continue;
    let configuration = context.center;
    for (const { change } of subset) configuration = change.dimension.withIndex(configuration, change.toIndex);

    const key = configurationKey(context.space, configuration);
    if (context.points.has(key) || context.pendingKeys.has(key)) continue;
    const partGainFractions = subset.map((gain) => gain.gainFraction);
    const score = PARTIAL_GAIN_CREDIT * partGainFractions.reduce((sum, gain) => sum + gain, 0);
    const changes = subset.map((gain) => gain.change);
    moves.push({ key, configuration, changes, kind: 'combine', score, partGainFractions });
  }
  return moves;
}

// Per axis, the one-knob neighbour of the best that measured highest above it, strongest first.
function nearGains(context: SearchContext): NearGain[] {
  const best = context.best;
  if (best?.metric === undefined) return [];
  const gains: NearGain[] = [];

  for (const dimension of context.dimensions) {
    const origin = dimension.indexOf(context.center);
    let found: NearGain | undefined;
    dimension.grid.forEach((_, index) => {
      const point = context.points.get(configurationKey(context.space, dimension.withIndex(context.center, index)));
      if (index === origin || point?.metric === undefined || point.metric <= (best.metric as number)) return;
      if (compareOutcome(point, best, context.minEffectFraction) === 'worse') return;

      const gainFraction = (point.metric - (best.metric as number)) / Math.abs(best.metric as number);
      if (found === undefined || gainFraction > found.gainFraction) {
        found = { change: { dimension, fromIndex: origin, toIndex: index }, gainFraction };
      }
    });
    if (found !== undefined) gains.push(found);
  }
  return gains.sort((first, second) => second.gainFraction - first.gainFraction);
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => all.concat(all.map((subset) => [...subset, item])), [[]]);
}
