import type { ExperimentNode, MeasuredMetrics } from './experiment-node.ts';
import type { PrimaryMetric } from './research-config.ts';

/** The metric that decides "improved", and its direction. */
export interface MetricChoice {
  key: 'throughput_samples_per_s' | 'steady_step_time_ms' | 'duration_s';
  higherIsBetter: boolean;
}

/**
 * Resolves `auto`: throughput when the reference run reports it (throughput stays comparable when
 * the batch size changes, step time does not), else steady step time, else duration.
 */
export function choosePrimaryMetric(setting: PrimaryMetric, reference: MeasuredMetrics | undefined): MetricChoice {
  if (setting === 'throughput_samples_per_s' || (setting === 'auto' && reference?.throughput_samples_per_s !== undefined)) {
    return { key: 'throughput_samples_per_s', higherIsBetter: true };
  }
  if (setting === 'steady_step_time_ms' || (setting === 'auto' && reference?.steady_step_time_ms !== undefined)) {
    return { key: 'steady_step_time_ms', higherIsBetter: false };
  }
  return { key: 'duration_s', higherIsBetter: false };
}

/** The node's primary metric, or undefined when it was not measured. */
export function metricOf(node: ExperimentNode, metric: MetricChoice): number | undefined {
  const value = node.metrics?.[metric.key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Relative gain of `candidate` over `reference` in percent, positive when better. */
export function gainPct(candidate: number, reference: number, metric: MetricChoice): number {
  const delta = metric.higherIsBetter ? candidate - reference : reference - candidate;
  return (delta / Math.abs(reference)) * 100;
}
