/**
 * Order statistics over plain number arrays. Every function returns `undefined` for an empty
 * input instead of `NaN` or `0`, so that "not measured" never reads as a value downstream.
 */

/** Sorts a copy ascending; the input is left untouched. */
export function sortedAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The `p`-th percentile (0–100) by linear interpolation between closest ranks (the method most
 * tools call "type 7"), so p50 of an even-length sample is the mean of the two middle values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;

  const sorted = sortedAscending(values);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (rank - lower);
}

/** The median (p50). */
export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}

/** The arithmetic mean. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Median absolute deviation from the median, unscaled. Robust to the occasional GC pause or
 * checkpoint save that would inflate a standard deviation.
 */
export function medianAbsoluteDeviation(values: readonly number[]): number | undefined {
  const center = median(values);
  if (center === undefined) return undefined;
  return median(values.map((value) => Math.abs(value - center)));
}

/** Interquartile range, p75 − p25. */
export function interquartileRange(values: readonly number[]): number | undefined {
  const p25 = percentile(values, 25);
  const p75 = percentile(values, 75);
  return p25 === undefined || p75 === undefined ? undefined : p75 - p25;
}
