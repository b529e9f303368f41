import { z } from 'zod';

/** Per-stage statistics of a staged pipeline (SPDL-style), as parsed from its logs. */
export const stageStatsSchema = z.object({
  name: z.string().min(1),
  throughputPerS: z.number().nonnegative().optional(),
  meanTaskTimeMs: z.number().nonnegative().optional(),
  concurrency: z.number().int().positive().optional(),
  /** How full the stage's output queue was on average, 0–100. */
  outputOccupancyPct: z.number().min(0).max(100).optional(),
});

/** Summary metrics of one run. A metric that was not measured is absent, never zero. */
export const runMetricsSchema = z.object({
  steadyStepTimeMs: z.number().positive().optional(),
  throughputSamplesPerS: z.number().positive().optional(),
  /** Share of step time not spent waiting for data, 0–100. */
  dataReadinessPct: z.number().min(0).max(100).optional(),
  fetchTimeMs: z.number().nonnegative().optional(),
  computeTimeMs: z.number().nonnegative().optional(),
  stages: z.array(stageStatsSchema).default([]),
});

/**
 * The primary metric of this run against its parent's, higher better (the caller converts a
 * step time), with the noise margin in the metric's unit. `minEffectFraction` (default 0.02,
 * 0–1) is the smallest relative change that counts even when the margin is smaller.
 */
export const parentComparisonSchema = z.object({
  metric: z.number().finite(),
  parentMetric: z.number().finite(),
  noiseMargin: z.number().nonnegative().default(0),
  minEffectFraction: z.number().min(0).max(1).default(0.02),
});

/**
 * What the offline analysis reads: this run's metrics, the baseline's steady step time, the
 * headspace floor (the step time with a cached loader) when known, and the comparison with the
 * parent when the run tested a hypothesis.
 */
export const analysisInputSchema = z.object({
  metrics: runMetricsSchema,
  baselineStepTimeMs: z.number().positive().optional(),
  headspaceFloorMs: z.number().positive().optional(),
  comparison: parentComparisonSchema.optional(),
});

/** Where the time goes, and what the verdict rests on. */
export const bottleneckSchema = z.enum(['data_loading', 'compute', 'balanced', 'unknown']);

/**
 * The analysis. `headspaceGapFraction` is (baseline step − floor) / baseline step: the most that
 * data-loading work could win; `remainingGapFraction` is the same for this run. `hypothesis` is
 * `held` when the metric beat the parent's by more than the margin, `refuted` when it fell by
 * more, `inconclusive` within the margin, `untested` without a comparison.
 */
export const offlineAnalysisSchema = z.object({
  bottleneck: bottleneckSchema,
  basis: z.enum(['headspace', 'data_readiness', 'fetch_time', 'none']),
  headspaceGapFraction: z.number().optional(),
  remainingGapFraction: z.number().optional(),
  bottleneckStage: z.string().optional(),
  hypothesis: z.enum(['held', 'refuted', 'inconclusive', 'untested']),
  /** The sentence behind `hypothesis`: the change against the parent and the margin. */
  hypothesisReason: z.string().optional(),
  changeFraction: z.number().optional(),
  findings: z.array(z.string()),
});

/** Per-stage statistics. */
export type StageStats = z.output<typeof stageStatsSchema>;
/** Summary metrics of one run. */
export type RunMetrics = z.output<typeof runMetricsSchema>;
/** What the offline analysis reads, as a caller may write it. */
export type AnalysisInputOptions = z.input<typeof analysisInputSchema>;
/** What the offline analysis reads, with defaults filled in. */
export type AnalysisInput = z.output<typeof analysisInputSchema>;
/** The bottleneck verdict. */
export type Bottleneck = z.output<typeof bottleneckSchema>;
/** The offline analysis of one run. */
export type OfflineAnalysis = z.output<typeof offlineAnalysisSchema>;
