import type { MetricKey, RunView } from '../render/run-view.ts';
import type { ExperimentNode } from './experiment-node.ts';
import type { RunStanding } from './run-standing.ts';

const PICTURE_METRICS: readonly MetricKey[] = ['duration_s', 'steady_step_time_ms', 'throughput_samples_per_s', 'sm_util_pct', 'data_readiness_pct'];

/**
 * The run as the pictures see it. Verdicts and the best come from the research workflow's one
 * decision rule; the renderer draws them and decides nothing.
 */
export function runViewOf(runName: string, nodes: readonly ExperimentNode[], standing: RunStanding): RunView {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return {
    title: `autoresearch ${runName}`,
    primaryMetric: { key: standing.metric.key, isHigherBetter: standing.metric.higherIsBetter },
    headspaceFloor: floorOf(standing.headspace),
    bestPath: pathTo(standing.best, byId),
    experiments: nodes.map((node) => ({
      id: node.id,
      order: node.order,
      name: node.name,
      parentId: node.parent_id && byId.has(node.parent_id) ? node.parent_id : null,
      status: node.phase,
      isHeadspace: node.is_headspace,
      verdict: node.phase === 'failed' ? 'failed' : node.verdict,
      isBest: node.id === standing.best?.id,
      changeSummary: node.change_summary || node.name,
      metrics: pictureMetrics(node),
    })),
  };
}

function pictureMetrics(node: ExperimentNode): RunView['experiments'][number]['metrics'] {
  const metrics: Partial<Record<MetricKey, number>> = {};
  for (const key of PICTURE_METRICS) {
    const value = node.metrics?.[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) metrics[key] = key.endsWith('_pct') ? Math.min(100, value) : value;
  }
  return metrics;
}

/** The headspace run's step time and throughput are the floor and the ceiling of loading work. */
function floorOf(headspace: ExperimentNode | undefined): RunView['headspaceFloor'] {
  const floor: RunView['headspaceFloor'] = {};
  const metrics = headspace?.phase === 'completed' ? headspace.metrics : undefined;
  if (metrics?.steady_step_time_ms !== undefined) floor.steady_step_time_ms = metrics.steady_step_time_ms;
  if (metrics?.throughput_samples_per_s !== undefined) floor.throughput_samples_per_s = metrics.throughput_samples_per_s;
  return floor;
}

function pathTo(best: ExperimentNode | undefined, byId: Map<string, ExperimentNode>): string[] {
  const path: string[] = [];
  for (let node = best; node; node = node.parent_id ? byId.get(node.parent_id) : undefined) {
    if (path.includes(node.id)) break;
    path.unshift(node.id);
  }
  return path;
}
