import type { ExperimentNode } from './experiment-node.ts';
import { metricOf, type MetricChoice } from './primary-metric.ts';

/** How many standard deviations a gain must clear to count. */
export const SCREEN_Z = 1;
export const CONFIRM_Z = 2;

/**
 * How far apart two results must be, in percent of the reference, before one counts as better:
 * `z` standard deviations of their difference, and never below the configured minimum effect.
 *
 * Two sources of noise are measured from the run itself:
 * - between runs: repeats of one configuration (the baseline repeat, confirmation runs) give the
 *   spread of a single run (machine load, caches): for a pair, |a − b| has a median of about
 *   0.954 σ, so σ ≈ median |a − b| / 0.954. A mean of n runs has σ / √n;
 * - within a run: the spread of per-step times gives the standard error of each run's median
 *   (about 1.25 σ_step / √steps), which matters when few repeats exist yet.
 */
export function noiseMarginPct(
  candidate: ExperimentNode,
  reference: ExperimentNode,
  allNodes: readonly ExperimentNode[],
  metric: MetricChoice,
  minEffectPct: number,
  z = CONFIRM_Z,
): number {
  const runs = (node: ExperimentNode) => 1 + allNodes.filter((other) => other.repeat_of === node.id && other.id !== node.id).length;
  const sigma = runSigmaPct(allNodes, metric);
  const between = sigma ** 2 * (1 / runs(candidate) + 1 / runs(reference));
  const within = standardErrorPct(candidate) ** 2 + standardErrorPct(reference) ** 2;
  return Math.max(minEffectPct, z * Math.sqrt(between + within));
}

function standardErrorPct(node: ExperimentNode): number {
  const spread = node.metrics?.step_time_spread_pct;
  const steps = node.metrics?.steps;
  if (spread === undefined || !steps) return 0;
  return (1.25 * spread) / Math.sqrt(steps);
}

/**
 * The standard deviation of a single run, in percent, estimated from the repeats measured so far
 * (0 before any repeat finished).
 */
export function runSigmaPct(allNodes: readonly ExperimentNode[], metric: MetricChoice): number {
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
  const middle = differences.length / 2;
  const median = differences.length % 2 ? differences[Math.floor(middle)]! : (differences[middle - 1]! + differences[middle]!) / 2;
  return median / 0.954;
}
