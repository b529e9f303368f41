import { configurationKey } from './configuration.ts';
import { compareOutcome, type MeasuredPoint, type Outcome } from './measured-points.ts';
import type { SearchDimension } from './search-dimension.ts';
import type { SearchSpace } from './search-space.ts';

/** A move along one axis that produced the current best. */
export interface Momentum {
  readonly direction: -1 | 1;
  readonly stepSize: number;
  /** Relative gain of that move over the best before it. */
  readonly gainFraction: number;
}

/** The latest measured effect of moving along an axis in one direction, in any context. */
export interface DirectionEffect {
  /** Relative change of the metric, signed: positive when the move helped. */
  readonly effectFraction: number;
  readonly outcome: Outcome;
}

/** What the history says about one axis, across every context it was moved in. */
export interface DimensionEvidence {
  /** Largest relative change of the metric seen when only this axis moved; undefined if never. */
  readonly importance: number | undefined;
  /** Latest effect of moving up the grid (towards higher indexes), if ever measured. */
  readonly up: DirectionEffect | undefined;
  /** Latest effect of moving down the grid, if ever measured. */
  readonly down: DirectionEffect | undefined;
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
      importance: pairs.length > 0 ? Math.max(...pairs.map((pair) => pair.magnitude)) : undefined,
      up: latest(pairs)?.upEffect,
      down: latest(pairs)?.downEffect,
      momentum: momentum?.dimension === dimension ? momentum.move : undefined,
    });
  }
  return evidence;
}

interface AxisPair {
  /** Relative difference of the two metrics; 0 when one failed (a failure says nothing of size). */
  readonly magnitude: number;
  readonly upEffect: DirectionEffect;
  readonly downEffect: DirectionEffect;
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
  const magnitude = low.metric === undefined || high.metric === undefined
    ? 0
    : Math.abs(high.metric - low.metric) / Math.max(Math.abs(high.metric), Math.abs(low.metric), 1e-12);
  return {
    magnitude,
    upEffect: directionEffect(low, high, minEffectFraction),
    downEffect: directionEffect(high, low, minEffectFraction),
    order: Math.max(low.order, high.order),
  };
}

// A failed destination counts as a total loss, so the planner does not walk back into it.
function directionEffect(from: MeasuredPoint, to: MeasuredPoint, minEffectFraction: number): DirectionEffect {
  const outcome = compareOutcome(to, from, minEffectFraction);
  if (to.metric === undefined) return { effectFraction: -1, outcome };
  if (from.metric === undefined) return { effectFraction: 0, outcome };
  return { effectFraction: (to.metric - from.metric) / Math.max(Math.abs(from.metric), 1e-12), outcome };
}

function latest(pairs: readonly AxisPair[]): AxisPair | undefined {
  let found: AxisPair | undefined;
  for (const pair of pairs) if (found === undefined || pair.order > found.order) found = pair;
  return found;
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
