import { configurationKey, type Configuration } from './configuration.ts';
import type { CandidateMove, MoveKind } from './candidate-move.ts';
import type { DimensionEvidence } from './dimension-evidence.ts';
import { compareOutcome, type MeasuredPoint } from './measured-points.ts';
import type { SearchDimension } from './search-dimension.ts';
import type { SearchSpace } from './search-space.ts';

/** Assumed importance of an axis never moved yet: optimistic, so every axis gets tried early. */
export const UNTRIED_IMPORTANCE = 0.15;

/**
 * Least score of a move along an axis not yet moved around the current best. Other knobs have
 * moved since its effect was measured, so it may matter now even if it did not before.
 */
export const RETEST_FLOOR = 0.06;

/** What {@link localMoves} reads. */
export interface SearchContext {
  readonly space: SearchSpace;
  readonly dimensions: readonly SearchDimension[];
  readonly points: ReadonlyMap<string, MeasuredPoint>;
  readonly pendingKeys: ReadonlySet<string>;
  readonly pendingConfigurations: readonly Configuration[];
  readonly center: Configuration;
  readonly best: MeasuredPoint | undefined;
  readonly evidence: ReadonlyMap<string, DimensionEvidence>;
  readonly minEffectFraction: number;
}

/**
 * One-axis moves around the best, at most one per axis and direction: a step into an unmeasured
 * direction (larger after a gain that way), a point between the best and a worse result further
 * out, or a point past a result within noise. A direction with a move in flight waits for it.
 */
export function localMoves(context: SearchContext): CandidateMove[] {
  const moves: CandidateMove[] = [];
  for (const dimension of context.dimensions) {
    const origin = dimension.indexOf(context.center);
    if (origin === -1) continue;

    for (const direction of [1, -1] as const) {
      const move = directionMove(context, dimension, origin, direction);
      if (move !== undefined) moves.push(move);
    }
  }
  return moves;
}

interface LinePoint {
  readonly index: number;
  readonly state: 'pending' | 'measured';
  readonly point?: MeasuredPoint;
}

function directionMove(
  context: SearchContext,
  dimension: SearchDimension,
  origin: number,
  direction: 1 | -1,
): CandidateMove | undefined {
  const nearest = nearestOnLine(context, dimension, origin, direction);
  const base = baseScore(context.evidence.get(dimension.name), direction);
  if (nearest === undefined) return stepMove(context, dimension, origin, direction, base);
  if (nearest.state === 'pending' || context.best === undefined) return undefined;

  const outcome = compareOutcome(nearest.point as MeasuredPoint, context.best, context.minEffectFraction);
  const distance = Math.abs(nearest.index - origin);

  // A better point beside the best means the best is stale here: go on past that point.
  if (outcome === 'better') return beyond(context, dimension, origin, nearest.index, direction, base);

  // A gap between the best and a worse or equal result may hold the peak: split it.
  if (distance >= 2) {
    const target = origin + direction * Math.floor(distance / 2);
    const factor = outcome === 'worse' ? 0.3 : 0.2;
    return candidate(context, dimension, origin, target, 'narrow', base * factor, { referenceIndex: nearest.index });
  }

  // Within noise one step away: the effect may only clear the noise further on.
  if (outcome === 'worse') return undefined;
  return beyond(context, dimension, origin, nearest.index, direction, base * 0.6);
}

function stepMove(
  context: SearchContext,
  dimension: SearchDimension,
  origin: number,
  direction: 1 | -1,
  base: number,
): CandidateMove | undefined {
  const momentum = context.evidence.get(dimension.name)?.momentum;
  const isMomentum = momentum?.direction === direction;
  const lengthening = hasHelpedBefore(context, dimension, direction) ? 2 : 1;
  const step = isMomentum ? 2 * momentum.stepSize : freshStep(dimension) * lengthening;
  const target = stepTarget(context, dimension, origin, direction, step);
  if (target === origin) return undefined;

  const kind: MoveKind = isMomentum ? 'momentum' : 'explore';
  const isRetest = nearestOnLine(context, dimension, origin, -direction as 1 | -1) === undefined;
  const hasFailedThere = failedValues(context, dimension).has(target);
  const floored = isRetest ? Math.max(base, RETEST_FLOOR) : base;
  // The same setting already running in another context will soon say whether it helps.
  const isRunningElsewhere = pendingExplorations(context, dimension).has(target);
  const score = hasFailedThere ? base * 0.1 : isRunningElsewhere ? floored * 0.3 : floored;
  return candidate(context, dimension, origin, target, kind, score, { lastGainFraction: momentum?.gainFraction });
}

// The step, clamped to the grid and shortened so it stops short of a setting that failed in
// another context (an out-of-memory batch size fails wherever the other knobs are).
function stepTarget(
  context: SearchContext,
  dimension: SearchDimension,
  origin: number,
  direction: 1 | -1,
  step: number,
): number {
  const failed = failedValues(context, dimension);
  let target = Math.min(Math.max(origin + direction * step, 0), dimension.grid.length - 1);
  while (target - direction !== origin && target !== origin && failed.has(target)) target -= direction;
  return target;
}

function pendingExplorations(context: SearchContext, dimension: SearchDimension): Set<number> {
  const origin = dimension.indexOf(context.center);
  const indexes = new Set<number>();
  for (const configuration of context.pendingConfigurations) {
    const index = dimension.indexOf(configuration);
    if (index !== origin) indexes.add(index);
  }
  return indexes;
}

function failedValues(context: SearchContext, dimension: SearchDimension): Set<number> {
  const failed = new Set<number>();
  for (const point of context.points.values()) {
    if (point.metric === undefined) failed.add(dimension.indexOf(point.configuration));
  }
  return failed;
}

// A direction that helped in another context is likely to help again, so it starts with a
// longer step, whose larger effect stands out of the noise more often.
function hasHelpedBefore(context: SearchContext, dimension: SearchDimension, direction: 1 | -1): boolean {
  const evidence = context.evidence.get(dimension.name);
  return (direction === 1 ? evidence?.up : evidence?.down)?.outcome === 'better';
}

// A first step of about a third of the grid moves the metric more than the noise more often than
// a single grid point does; a worse result is then split by a narrowing move.
function freshStep(dimension: SearchDimension): number {
  return Math.max(1, Math.round(dimension.grid.length / 3));
}

function beyond(
  context: SearchContext,
  dimension: SearchDimension,
  origin: number,
  reference: number,
  direction: 1 | -1,
  score: number,
): CandidateMove | undefined {
  const next = nearestOnLine(context, dimension, reference, direction);
  const target = reference + direction;
  if (target < 0 || target >= dimension.grid.length || next?.index === target) return undefined;
  return candidate(context, dimension, origin, target, 'extend', score, { referenceIndex: reference });
}

function nearestOnLine(
  context: SearchContext,
  dimension: SearchDimension,
  from: number,
  direction: 1 | -1,
): LinePoint | undefined {
  for (let index = from + direction; index >= 0 && index < dimension.grid.length; index += direction) {
    const key = configurationKey(context.space, dimension.withIndex(context.center, index));
    if (context.pendingKeys.has(key)) return { index, state: 'pending' };

    const point = context.points.get(key);
    if (point !== undefined) return { index, state: 'measured', point };
  }
  return undefined;
}

// Scores are rough expected relative gains. Momentum runs first; then a direction by its latest
// measured effect in any context (a gain repeats more often than not, a loss rarely flips); a
// direction never measured is as promising as the axis has been important.
function baseScore(evidence: DimensionEvidence | undefined, direction: 1 | -1): number {
  const importance = evidence?.importance ?? UNTRIED_IMPORTANCE;
  if (evidence?.momentum?.direction === direction) return 2 * Math.max(importance, evidence.momentum.gainFraction);

  const same = direction === 1 ? evidence?.up : evidence?.down;
  if (same?.outcome === 'better') return Math.max(same.effectFraction, UNTRIED_IMPORTANCE / 3);
  if (same?.outcome === 'neutral' && same.effectFraction > 0) return Math.max(0.4 * importance, same.effectFraction);
  if (same?.outcome === 'neutral') return 0.25 * importance;
  if (same?.outcome === 'worse') return 0.1 * importance;

  const opposite = direction === 1 ? evidence?.down : evidence?.up;
  if (opposite?.outcome === 'worse') return importance;
  if (opposite?.outcome === 'better') return 0.3 * importance;
  return 0.75 * importance;
}

function candidate(
  context: SearchContext,
  dimension: SearchDimension,
  fromIndex: number,
  toIndex: number,
  kind: MoveKind,
  score: number,
  extra: Pick<CandidateMove, 'referenceIndex' | 'lastGainFraction'>,
): CandidateMove {
  const configuration = dimension.withIndex(context.center, toIndex);
  return {
    key: configurationKey(context.space, configuration),
    configuration,
    changes: [{ dimension, fromIndex, toIndex }],
    kind,
    score,
    ...extra,
    importance: context.evidence.get(dimension.name)?.importance,
  };
}
