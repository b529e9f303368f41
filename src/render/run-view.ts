import { z } from 'zod';

/**
 * The metrics a picture can show, in the order their panels appear. A run shows a panel only
 * for the metrics that at least one of its experiments measured.
 */
export const metricKeys = [
  'duration_s',
  'steady_step_time_ms',
  'throughput_samples_per_s',
  'sm_util_pct',
  'data_readiness_pct',
] as const;

/** One of {@link metricKeys}. */
export const MetricKeySchema = z.enum(metricKeys);
export type MetricKey = z.infer<typeof MetricKeySchema>;

/** Every phase of the experiment lifecycle, from `queued` to `completed` or `failed`. */
export const ExperimentStatusSchema = z.enum([
  'queued',
  'preparing',
  'building',
  'launching',
  'running',
  'collecting',
  'analyzing',
  'planning',
  'completed',
  'failed',
]);
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

/**
 * The caller's judgement of an experiment: `improved` means it was kept as a new best at the
 * time it finished. Pictures draw this verdict; they never judge results themselves.
 */
export const VerdictSchema = z.enum(['improved', 'no_gain', 'failed', 'pending']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** Measured values; a metric that was not measured is absent, never zero. */
export const MetricValuesSchema = z
  .object({
    duration_s: z.number().nonnegative(),
    steady_step_time_ms: z.number().nonnegative(),
    throughput_samples_per_s: z.number().nonnegative(),
    sm_util_pct: z.number().min(0).max(100),
    data_readiness_pct: z.number().min(0).max(100),
  })
  .partial();
export type MetricValues = z.infer<typeof MetricValuesSchema>;

/** One experiment as the pictures see it. */
export const ExperimentViewSchema = z.object({
  id: z.string().min(1),
  /** Experiment number, shown on the x axis and in labels (`#12`). */
  order: z.number().int().nonnegative(),
  name: z.string(),
  /** `null` for a seed; an id that is not in the run is drawn as a seed too. */
  parentId: z.string().nullable(),
  status: ExperimentStatusSchema,
  isHeadspace: z.boolean(),
  verdict: VerdictSchema,
  /** The current best of the run; at most one experiment should carry it. */
  isBest: z.boolean(),
  /** A short description of the change, e.g. `prefetch 4 batches`. */
  changeSummary: z.string(),
  metrics: MetricValuesSchema,
});
export type ExperimentView = z.infer<typeof ExperimentViewSchema>;

/**
 * A self-contained view of a run, filled in by the research workflow. Everything the pictures
 * and the mermaid text show comes from here.
 */
export const RunViewSchema = z.object({
  title: z.string(),
  /** The metric that decides improvements, and its direction. */
  primaryMetric: z.object({ key: MetricKeySchema, isHigherBetter: z.boolean() }),
  /** Values measured by the headspace run, drawn as they are (never rescaled). */
  headspaceFloor: z.partialRecord(MetricKeySchema, z.number().nonnegative()),
  /** Ids from a seed to the best experiment, in that order; empty when there is no best yet. */
  bestPath: z.array(z.string()),
  experiments: z.array(ExperimentViewSchema),
});
export type RunView = z.infer<typeof RunViewSchema>;

/** Statuses of an experiment that has started and not yet finished. */
export function isInFlight(status: ExperimentStatus): boolean {
  return status !== 'queued' && status !== 'completed' && status !== 'failed';
}
