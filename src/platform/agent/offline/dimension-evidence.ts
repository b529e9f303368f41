import { configurationKey } from './configuration.ts';
import { compareOutcome, type MeasuredPoint } from './measured-points.ts';
import type { SearchDimension } from './search-dimension.ts';
import type { SearchSpace } from './search-space.ts';

/** A move along one axis that produced the current best. */
export interface Momentum {
  readonly direction: -1 | 1;
  readonly stepSize: number;
  /** Relative gain of that move over the best before it. */
  readonly gainFraction: number;
}

/** What the history says about one axis, across every context it was moved in. */
export interface DimensionEvidence {
  /** Largest relative change of the metric seen when only this axis moved; undefined if never. */
  readonly importance: number | undefined;
  /** Direction of the most recent move along this axis that helped beyond noise; 0 if none. */
  readonly preferredDirection: -1 | 0 | 1;
  /** Present when the current best came from a move along this axis. */
  readonly momentum: Momentum | undefined;
}

/** Inputs of {@link dimensionEvidence}. */
export interface EvidenceSources {
  readonly space: SearchSpace;
  readonly dimensions: readonly SearchDimension[];
  readonly points: ReadonlyMap<string, MeasuredPoint>;
  readonly best: MeasuredPoint | undefined;
  /** Kept configurations in the order they were kept. */
  readonly keptTrail: readonly MeasuredPoint[];
  readonly minEffectFraction: number;
}

/** Gathers, for every axis, its importance, the direction that last helped, and momentum. */
export function dimensionEvidence(sources: EvidenceSources): Map<string, DimensionEvidence> {
  const evidence = new Map<string, DimensionEvidence>();
  const momentum = lastMove(sources);

  for (const dimension of sources.dimensions) {
    const pairs = singleAxisPairs(sources, dimension);
    evidence.set(dimension.name, {
      importance: pairs.length > 0 ? Math.max(...pairs.map((pair) => pair.effect)) : undefined,
      preferredDirection: latestHelpfulDirection(pairs),
      momentum: momentum?.dimension === dimension ? momentum.move : undefined,
    });
  }
  return evidence;
}

interface AxisPair {
  readonly effect: number;
  /** +1 when the higher grid index was better beyond noise, -1 when lower, 0 when neither. */
  readonly direction: -1 | 0 | 1;
  readonly order: number;
}

// Every two measured points that differ only along this axis, in any context.
function singleAxisPairs(sources: EvidenceSources, dimension: SearchDimension): AxisPair[] {
  const pairs: AxisPair[] = [];
  for (const low of sources.points.values()) {
    const lowIndex = dimension.indexOf(low.configuration);
    for (let index = lowIndex + 1; lowIndex >= 0 && index < dimension.grid.length; index += 1) {
      const high = sources.points.get(configurationKey(sources.space, dimension.withIndex(low.configuration, index)));
      if (high !== undefined) pairs.push(describePair(low, high, sources.minEffectFraction));
    }
  }
  return pairs;
}

function describePair(low: MeasuredPoint, high: MeasuredPoint, minEffectFraction: number): AxisPair {
  const order = Math.max(low.order, high.order);
  const outcome = compareOutcome(high, low, minEffectFraction);
  const direction = outcome === 'better' ? 1 : outcome === 'worse' ? -1 : 0;
  if (low.metric === undefined || high.metric === undefined) return { effect: 0, direction, order };

  const effect = Math.abs(high.metric - low.metric) / Math.max(Math.abs(high.metric), Math.abs(low.metric), 1e-12);
  return { effect, direction, order };
}

function latestHelpfulDirection(pairs: readonly AxisPair[]): -1 | 0 | 1 {
  let latest: AxisPair | undefined;
  for (const pair of pairs) {
    if (pair.direction !== 0 && (latest === undefined || pair.order > latest.order)) latest = pair;
  }
  return latest?.direction ?? 0;
}

// The best's momentum: the latest earlier kept point that differs from it along one axis only.
// Searching back (not just one step) still finds it when concurrent results were kept in between.
function lastMove(sources: EvidenceSources): { dimension: SearchDimension; move: Momentum } | undefined {
  const best = sources.best;
  if (best?.metric === undefined) return undefined;

  for (let index = sources.keptTrail.length - 1; index >= 0; index -= 1) {
    const earlier = sources.keptTrail[index] as MeasuredPoint;
    const dimension = soleDifference(sources.dimensions, earlier, best);
    if (dimension === undefined || earlier.metric === undefined) continue;

    const step = dimension.indexOf(best.configuration) - dimension.indexOf(earlier.configuration);
    const gainFraction = (best.metric - earlier.metric) / Math.max(Math.abs(earlier.metric), 1e-12);
    return { dimension, move: { direction: step > 0 ? 1 : -1, stepSize: Math.abs(step), gainFraction } };
  }
  return undefined;
}

function soleDifference(
  dimensions: readonly SearchDimension[],
  first: MeasuredPoint,
  second: MeasuredPoint,
): SearchDimension | undefined {
  const differing = dimensions.filter(
    (dimension) => dimension.indexOf(first.configuration) !== dimension.indexOf(second.configuration),
  );
  return differing.length === 1 ? differing[0] : undefined;
}
