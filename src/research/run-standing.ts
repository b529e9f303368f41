import { MEASURED_PHASES, TERMINAL_PHASES, type ExperimentNode } from './experiment-node.ts';
import { choosePrimaryMetric, type MetricChoice } from './primary-metric.ts';
import type { ResearchConfig } from './research-config.ts';
import { currentBest, effectiveMetric } from './verdict.ts';

/** Where the run stands, derived from the experiments alone (so it can never disagree with them). */
export interface RunStanding {
  metric: MetricChoice;
  baseline?: ExperimentNode;
  headspace?: ExperimentNode;
  best?: ExperimentNode;
  /** A measured headspace run at the best's configuration (see the closing headspace). */
  headspaceAtBest?: ExperimentNode;
  bestValue?: number;
  baselineValue?: number;
  /** Finished (or planning) experiments after the seeds, measured since the best was. */
  plateauCount: number;
  /** Experiments created after the seeds, not counting repeats and headspace measurements. */
  iteration: number;
  practicesTried: string[];
  inFlight: ExperimentNode[];
  finished: ExperimentNode[];
}

export function computeStanding(nodes: readonly ExperimentNode[], config: ResearchConfig): RunStanding {
  const baseline = nodes.find((node) => node.seed === 'baseline');
  const headspace = nodes.find((node) => node.seed === 'headspace');
  const metric = choosePrimaryMetric(config.primary_metric, baseline?.metrics);
  const best = currentBest(nodes, metric);
  const finished = nodes.filter((node) => TERMINAL_PHASES.has(node.phase));

  return {
    metric,
    baseline,
    headspace,
    best,
    headspaceAtBest: best && nodes.filter((node) => node.is_headspace && node.parent_id === best.id && isMeasured(node) && node.metrics).at(-1),
    bestValue: best && effectiveMetric(best, nodes, metric),
    baselineValue: baseline && effectiveMetric(baseline, nodes, metric),
    plateauCount: plateauSince(best, nodes.filter((node) => finished.includes(node) || node.phase === 'planning')),
    iteration: nodes.filter((node) => !node.seed && !node.repeat_of && !node.is_headspace).length,
    practicesTried: [...new Set(nodes.filter((node) => !node.seed || node.seed === 'subprocess').flatMap((node) => node.practices))],
    inFlight: nodes.filter((node) => !TERMINAL_PHASES.has(node.phase)),
    finished,
  };
}

/** True once the node's own measurement is in (it may still be analyzing or planning). */
export function isMeasured(node: ExperimentNode): boolean {
  return MEASURED_PHASES.has(node.phase) || node.phase === 'failed';
}

function plateauSince(best: ExperimentNode | undefined, finished: readonly ExperimentNode[]): number {
  const since = best?.ended_at ?? '';
  return finished.filter((node) => !node.is_headspace && !node.seed && (node.ended_at ?? '') > since).length;
}
