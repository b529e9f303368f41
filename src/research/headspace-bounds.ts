import { gainPct, metricOf } from './primary-metric.ts';
import type { RunStanding } from './run-standing.ts';

/**
 * What the headspace runs say about the best, in sentences for summary.md and the final report.
 *
 * The seed headspace run bounds what loading work can win at the baseline's settings; a change
 * to the compute side (a larger batch) moves that bound, which is how the best can pass it. The
 * closing headspace run, at the best's own settings, gives the bound that still applies.
 */
export function headspaceBounds(standing: RunStanding, bestValue: number | undefined, unit: string): string[] {
  const { headspace, headspaceAtBest, metric, best } = standing;
  const lines: string[] = [];

  const seedFloor = headspace && metricOf(headspace, metric);
  if (seedFloor !== undefined) {
    const where = `At the baseline's configuration (${headspace!.id}) the headspace bound is ${seedFloor.toFixed(2)} ${unit}`;
    if (bestValue === undefined) lines.push(`${where}.`);
    else if (gainPct(bestValue, seedFloor, metric) > 0) lines.push(`${where}; the best passed it by changing the compute side (for example the batch size), which moves the bound.`);
    else lines.push(`${where}; the best is ${Math.abs(gainPct(bestValue, seedFloor, metric)).toFixed(1)}% short of it.`);
  }

  const bestFloor = headspaceAtBest && metricOf(headspaceAtBest, metric);
  if (bestFloor !== undefined && bestValue !== undefined) {
    const left = gainPct(bestFloor, bestValue, metric);
    const where = `At the best's configuration (${headspaceAtBest!.id}, on ${best!.id}) the bound is ${bestFloor.toFixed(2)} ${unit}`;
    lines.push(left > 0
      ? `${where}: loading work could still win up to ${left.toFixed(1)}% on top of the best.`
      : `${where}: the best already reaches it, so loading is no longer what limits this pipeline.`);
  }
  return lines;
}
