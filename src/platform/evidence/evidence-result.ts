import { z } from 'zod';

import { MetricsMissingFailureSchema } from './evidence-failure.ts';
import { StageStatsSchema } from './stage-stats.ts';
import { StepSampleSchema } from './step-sample.ts';
import { SummaryMetricsSchema } from './summary-metrics.ts';
import { SystemSamplesSchema } from './system-samples.ts';

const count = z.number().int().nonnegative();
const optionalFigure = z.number().optional();

/** Center and spread of the steady step times, in milliseconds; see `summarizeSteady`. */
export const StepTimeSpreadSchema = z.object({
  sampleCount: count,
  warmupDropped: count,
  median: optionalFigure,
  mean: optionalFigure,
  mad: optionalFigure,
  iqr: optionalFigure,
  p10: optionalFigure,
  p90: optionalFigure,
  min: optionalFigure,
  max: optionalFigure,
});

/** How much of the output could be read; the basis for trusting the figures. */
export const ParseCountsSchema = z.object({
  markerLineCount: count,
  skippedLineCount: count,
  skippedTokenCount: count,
  spdlReportCount: count,
  spdlSkippedLineCount: count,
});

/**
 * Everything the evidence of one job holds. `summary` keeps every figure that could be measured
 * even when `failure` is set (a `metrics_missing` job may still have a duration and CPU use).
 */
export const EvidenceResultSchema = z.object({
  summary: SummaryMetricsSchema,
  stepTimeSpread: StepTimeSpreadSchema,
  steps: z.array(StepSampleSchema),
  stages: z.array(StageStatsSchema),
  system: SystemSamplesSchema.optional(),
  batchSize: z.number().positive().optional(),
  counts: ParseCountsSchema,
  logTail: z.object({ stdout: z.array(z.string()), stderr: z.array(z.string()) }),
  errorSummary: z.string().optional(),
  progressSeen: z.boolean(),
  exitCode: z.number().int().optional(),
  failure: MetricsMissingFailureSchema.optional(),
  /** The raw files written under the metrics folder, as absolute paths. */
  files: z.array(z.string()),
});

/** See {@link EvidenceResultSchema}. */
export type EvidenceResult = z.infer<typeof EvidenceResultSchema>;
