import { z } from 'zod';

const figure = z.number().nonnegative().optional();
const pct = z.number().min(0).max(100).optional();

/**
 * The headline figures of one job, keyed by their `master_table.tsv` column names. A figure that
 * could not be measured is absent, never zero.
 *
 * - `steady_step_time_ms`: median step time after the warm-up.
 * - `step_time_ms`: mean over every reported step, warm-up included.
 * - `throughput_samples_per_s`: as reported by the pipeline, else batch size × 1000 / steady step time.
 * - `ttfb_s`: time to first batch, as reported.
 * - `data_readiness_pct`: share of steady step time not spent waiting for data.
 * - `duration_s`: wall-clock time from launch to exit.
 * - `cpu_util_pct`: mean CPU use of the job's processes, as a share of all cores.
 * - `sm_util_pct`, `steady_sm_util_pct`: mean GPU utilization, and its median once batches flowed.
 */
export const SummaryMetricsSchema = z.object({
  steady_step_time_ms: figure,
  step_time_ms: figure,
  throughput_samples_per_s: figure,
  ttfb_s: figure,
  data_readiness_pct: pct,
  duration_s: figure,
  cpu_util_pct: figure,
  sm_util_pct: pct,
  steady_sm_util_pct: pct,
});

/** See {@link SummaryMetricsSchema}. */
export type SummaryMetrics = z.infer<typeof SummaryMetricsSchema>;

/** The column names of {@link SummaryMetrics}, in table order. */
export const SUMMARY_METRIC_KEYS = Object.keys(SummaryMetricsSchema.shape) as Array<keyof SummaryMetrics>;
