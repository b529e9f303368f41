import type { MetricKey, RunView } from './run-view.ts';

/** How one metric is titled, formatted and compared in pictures. */
export interface MetricSpec {
  readonly key: MetricKey;
  /** Panel title, e.g. `Steady step time`. */
  readonly title: string;
  /** Short name used inside node labels, e.g. `step`. */
  readonly shortName: string;
  readonly unit: string;
  /** Direction used when the metric is not the run's primary one. */
  readonly isHigherBetter: boolean;
  readonly fractionDigits: number;
}

/** The metrics the pictures know, in panel order. */
export const metricCatalog: readonly MetricSpec[] = [
  {
    key: 'duration_s',
    title: 'Job duration',
    shortName: 'duration',
    unit: 's',
    isHigherBetter: false,
    fractionDigits: 1,
  },
  {
    key: 'steady_step_time_ms',
    title: 'Steady step time',
    shortName: 'step',
    unit: 'ms',
    isHigherBetter: false,
    fractionDigits: 1,
  },
  {
    key: 'throughput_samples_per_s',
    title: 'Throughput',
    shortName: 'throughput',
    unit: 'samples/s',
    isHigherBetter: true,
    fractionDigits: 1,
  },
  {
    key: 'sm_util_pct',
    title: 'SM utilization',
    shortName: 'SM util',
    unit: '%',
    isHigherBetter: true,
    fractionDigits: 0,
  },
  {
    key: 'data_readiness_pct',
    title: 'Data readiness',
    shortName: 'data ready',
    unit: '%',
    isHigherBetter: true,
    fractionDigits: 0,
  },
];

/** The spec of `key`, with the direction the run declares when `key` is its primary metric. */
export function metricSpecFor(view: RunView, key: MetricKey): MetricSpec {
  const spec = metricCatalog.find((candidate) => candidate.key === key) as MetricSpec;
  if (view.primaryMetric.key !== key) return spec;
  return { ...spec, isHigherBetter: view.primaryMetric.isHigherBetter };
}

/** Formats a value with its unit, e.g. `142.3 ms`, `87%`. */
export function formatMetric(spec: MetricSpec, value: number): string {
  const number = value.toFixed(spec.fractionDigits);
  return spec.unit === '%' ? `${number}%` : `${number} ${spec.unit}`;
}
