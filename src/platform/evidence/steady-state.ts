import {
  interquartileRange,
  mean,
  median,
  medianAbsoluteDeviation,
  percentile,
} from './sample-statistics.ts';

/** How the warm-up is cut off before steady-state figures are taken. */
export interface WarmupOptions {
  /** Steps always dropped from the start (TTFB, first compilations). Default 5, at least 0. */
  readonly warmupMinSteps?: number;
  /**
   * Share of all steps dropped from the start when that is more than `warmupMinSteps`.
   * Default 0.1, between 0 and 0.9.
   */
  readonly warmupFraction?: number;
  /**
   * Fewest steps kept for the steady state: on a short run the warm-up cut shrinks to keep
   * them, and a run with fewer steps keeps all of them. Default 3, at least 1.
   */
  readonly minSteadySteps?: number;
}

/** {@link WarmupOptions} with every default applied. */
export type WarmupState = Required<WarmupOptions>;

/** Applies the defaults of {@link WarmupOptions} and clamps each to its bounds. */
export function resolveWarmup(options: WarmupOptions = {}): WarmupState {
  return {
    warmupMinSteps: Math.max(0, Math.floor(options.warmupMinSteps ?? 5)),
    warmupFraction: Math.min(0.9, Math.max(0, options.warmupFraction ?? 0.1)),
    minSteadySteps: Math.max(1, Math.floor(options.minSteadySteps ?? 3)),
  };
}

/** How many leading items of `count` are warm-up under `warmup`. */
export function warmupCount(count: number, warmup: WarmupState): number {
  const preferred = Math.max(warmup.warmupMinSteps, Math.ceil(warmup.warmupFraction * count));
  return Math.min(preferred, Math.max(0, count - warmup.minSteadySteps));
}

/** The items after the warm-up. */
export function steadySlice<T>(items: readonly T[], warmup: WarmupState): T[] {
  return items.slice(warmupCount(items.length, warmup));
}

/** Center and spread of a steady-state sample; every figure is absent for an empty sample. */
export interface SteadySpread {
  readonly sampleCount: number;
  readonly warmupDropped: number;
  readonly median?: number;
  readonly mean?: number;
  readonly mad?: number;
  readonly iqr?: number;
  readonly p10?: number;
  readonly p90?: number;
  readonly min?: number;
  readonly max?: number;
}

/**
 * Drops the warm-up from `values` (in the order they were measured) and describes the rest.
 *
 * @example
 * summarizeSteady([900, 120, 101, 99, 100, 98, 102, 100], resolveWarmup({ warmupMinSteps: 2 }));
 * // { sampleCount: 6, warmupDropped: 2, median: 100, mad: 1, … }
 */
export function summarizeSteady(values: readonly number[], warmup: WarmupState): SteadySpread {
  const dropped = warmupCount(values.length, warmup);
  const steady = values.slice(dropped);
  if (steady.length === 0) return { sampleCount: 0, warmupDropped: dropped };

  return {
    sampleCount: steady.length,
    warmupDropped: dropped,
    median: median(steady),
    mean: mean(steady),
    mad: medianAbsoluteDeviation(steady),
    iqr: interquartileRange(steady),
    p10: percentile(steady, 10),
    p90: percentile(steady, 90),
    min: steady.reduce((a, b) => Math.min(a, b)),
    max: steady.reduce((a, b) => Math.max(a, b)),
  };
}
