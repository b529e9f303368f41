import type { ExperimentNode } from './experiment-node.ts';
import { metricOf, type MetricChoice } from './primary-metric.ts';

/**
 * How far apart two results must be, in percent of the reference, before one counts as better.
 *
 * Two sources of noise are measured from the run itself:
 * - within a run: the spread of per-step times gives the standard error of each run's median
 *   (about 1.25 σ / √n for a median), combined for the two runs compared;
 * - between runs: repeats of one configuration (the baseline repeat, confirmation runs) differ
 *   by more than their per-step spread suggests (machine load, caches); their typical relative
 *   difference is that noise.
 * The margin is twice the larger of the two, and never below the configured minimum effect.
 */
export function noiseMarginPct(
  candidate: ExperimentNode,
  reference: ExperimentNode,
  allNodes: readonly ExperimentNode[],
  metric: MetricChoice,
  minEffectPct: number,
): number {
  const withinPct = Math.hypot(standardErrorPct(candidate), standardErrorPct(reference));
  const betweenPct = runToRunNoisePct(allNodes, metric);
  return Math.max(minEffectPct, 2 * Math.max(withinPct, betweenPct));
}

function standardErrorPct(node: ExperimentNode): number {
  const spread = node.metrics?.step_time_spread_pct;
  const steps = node.metrics?.steps;
  if (spread === undefined || !steps) return 0;
  return (1.25 * spread) / Math.sqrt(steps);
}

/**
 * Median relative difference between a repeat and the run it repeats, in percent; 0 when the
 * run has no repeats yet.
 */
export function runToRunNoisePct(allNodes: readonly ExperimentNode[], metric: MetricChoice): number {
  const byId = new Map(allNodes.map((node) => [node.id, node]));
  const differences: number[] = [];
  for (const node of allNodes) {
    const original = node.repeat_of ? byId.get(node.repeat_of) : undefined;
    const a = original && metricOf(original, metric);
    const b = metricOf(node, metric);
    if (a === undefined || b === undefined || !a) continue;
    differences.push((Math.abs(a - b) / ((a + b) / 2)) * 100);
  }
  if (differences.length === 0) return 0;
  differences.sort((x, y) => x - y);
  return differences[Math.floor(differences.length / 2)]!;
}
