import { configurationKey, normalizeConfiguration, type Configuration } from './configuration.ts';
import type { FinishedExperiment } from './plan-request.ts';
import type { SearchSpace } from './search-space.ts';

/**
 * Every measurement of one configuration, merged: repeats are averaged, and their spread widens
 * the noise margin. A point whose runs all failed has no metric.
 */
export interface MeasuredPoint {
  readonly key: string;
  readonly configuration: Configuration;
  readonly ids: readonly string[];
  readonly metric: number | undefined;
  readonly noiseMargin: number;
  /** Position of its latest run in the history, to tell newer evidence from older. */
  readonly order: number;
}

/** How a point compares with a reference once noise is accounted for. */
export type Outcome = 'better' | 'worse' | 'neutral';

/** The measured configurations of a history, headspace runs left out (they are no configuration). */
export function measuredPoints(space: SearchSpace, history: readonly FinishedExperiment[]): Map<string, MeasuredPoint> {
  const groups = new Map<string, { experiments: FinishedExperiment[]; order: number }>();
  history.forEach((experiment, order) => {
    if (experiment.isHeadspace) return;
    const key = configurationKey(space, experiment.configuration);
    const group = groups.get(key) ?? { experiments: [], order };
    group.experiments.push(experiment);
    group.order = order;
    groups.set(key, group);
  });

  const points = new Map<string, MeasuredPoint>();
  for (const [key, group] of groups) points.set(key, mergeRuns(space, key, group.experiments, group.order));
  return points;
}

/**
 * Compares `point` with `reference`: a difference within the larger of both noise margins and
 * `minEffectFraction` of the reference is no difference. A failed point is worse.
 */
export function compareOutcome(point: MeasuredPoint, reference: MeasuredPoint, minEffectFraction: number): Outcome {
  if (point.metric === undefined) return 'worse';
  if (reference.metric === undefined) return 'better';

  const margin = Math.max(point.noiseMargin, reference.noiseMargin, minEffectFraction * Math.abs(reference.metric));
  const difference = point.metric - reference.metric;
  if (difference > margin) return 'better';
  if (difference < -margin) return 'worse';
  return 'neutral';
}

function mergeRuns(space: SearchSpace, key: string, runs: FinishedExperiment[], order: number): MeasuredPoint {
  const metrics = runs
    .filter((run) => run.status === 'completed' && run.metric !== undefined)
    .map((run) => run.metric as number);
  const margins = runs.map((run) => run.noiseMargin ?? 0);
  const spread = metrics.length > 1 ? (Math.max(...metrics) - Math.min(...metrics)) / 2 : 0;

  return {
    key,
    configuration: normalizeConfiguration(space, (runs[0] as FinishedExperiment).configuration),
    ids: runs.map((run) => run.id),
    metric: metrics.length > 0 ? metrics.reduce((sum, metric) => sum + metric, 0) / metrics.length : undefined,
    noiseMargin: Math.max(spread, ...margins),
    order,
  };
}
