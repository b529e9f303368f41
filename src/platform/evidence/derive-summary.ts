import type { AutoresearchReadings } from './parse-autoresearch-lines.ts';
import { mean, median } from './sample-statistics.ts';
import { steadySlice, summarizeSteady, type SteadySpread, type WarmupState } from './steady-state.ts';
import type { SummaryMetrics } from './summary-metrics.ts';
import type { GpuSample, SystemSamples } from './system-samples.ts';

/** What {@link deriveSummary} works from. */
export interface SummaryInputs {
  readonly readings: AutoresearchReadings;
  readonly system?: SystemSamples;
  /** Epoch milliseconds of launch and exit; duration is absent unless both are known. */
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly warmup: WarmupState;
}

/** The headline figures plus the spread of the steady step time behind them. */
export interface DerivedSummary {
  readonly metrics: SummaryMetrics;
  readonly stepTimeSpread: SteadySpread;
}

/**
 * Derives the headline figures of a job from what it printed and what was sampled while it ran.
 * Pure: the same inputs give the same figures. A figure without the data to support it is left
 * out rather than set to zero.
 */
export function deriveSummary(inputs: SummaryInputs): DerivedSummary {
  const { readings, warmup } = inputs;
  const stepTimes = readings.steps.map((step) => step.stepTimeMs);
  const stepTimeSpread = summarizeSteady(stepTimes, warmup);
  const ttfbS = readings.scalars['ttfb_s'];

  const metrics: SummaryMetrics = {
    steady_step_time_ms: stepTimeSpread.median,
    step_time_ms: mean(stepTimes),
    throughput_samples_per_s: throughput(readings, stepTimeSpread.median, warmup),
    ttfb_s: ttfbS !== undefined && ttfbS >= 0 ? ttfbS : undefined,
    data_readiness_pct: dataReadinessPct(readings, warmup),
    duration_s: durationS(inputs.startedAtMs, inputs.endedAtMs),
    cpu_util_pct: mean((inputs.system?.cpu ?? []).map((sample) => sample.cpuUtilPctOfAllCores)),
    ...smUtilization(inputs, ttfbS),
  };
  return { metrics: withoutAbsent(metrics), stepTimeSpread };
}

/** The batch size the job ran with: its own `batch_size` line, else the steps' median. */
export function batchSizeOf(readings: AutoresearchReadings): number | undefined {
  const reported = readings.scalars['batch_size'];
  if (reported !== undefined && reported > 0) return reported;

  return median(readings.steps.flatMap((step) => (step.batchSize === undefined ? [] : [step.batchSize])));
}

function throughput(
  readings: AutoresearchReadings,
  steadyStepTimeMs: number | undefined,
  warmup: WarmupState,
): number | undefined {
  // What the pipeline measured itself beats a derivation: it knows partial batches and rank count.
  const reported = median(steadySlice(readings.reportedThroughputs, warmup));
  if (reported !== undefined) return reported;

  const batchSize = batchSizeOf(readings);
  if (batchSize === undefined || steadyStepTimeMs === undefined || steadyStepTimeMs <= 0) return undefined;
  return (batchSize * 1000) / steadyStepTimeMs;
}

function dataReadinessPct(readings: AutoresearchReadings, warmup: WarmupState): number | undefined {
  const timed = steadySlice(readings.steps, warmup).filter((step) => step.fetchTimeMs !== undefined);
  const stepTotalMs = timed.reduce((sum, step) => sum + step.stepTimeMs, 0);
  if (timed.length === 0 || stepTotalMs <= 0) return undefined;

  const fetchTotalMs = timed.reduce((sum, step) => sum + (step.fetchTimeMs ?? 0), 0);
  return Math.min(100, Math.max(0, 100 * (1 - fetchTotalMs / stepTotalMs)));
}

function durationS(startedAtMs: number | undefined, endedAtMs: number | undefined): number | undefined {
  if (startedAtMs === undefined || endedAtMs === undefined || endedAtMs < startedAtMs) return undefined;
  return (endedAtMs - startedAtMs) / 1000;
}

function smUtilization(inputs: SummaryInputs, ttfbS: number | undefined): Partial<SummaryMetrics> {
  const readable = (inputs.system?.gpu ?? []).filter((sample) => sample.smUtilPct !== undefined);
  const steady = steadyGpuSamples(readable, inputs, ttfbS);
  return {
    sm_util_pct: mean(readable.map((sample) => sample.smUtilPct!)),
    steady_sm_util_pct: median(steady.map((sample) => sample.smUtilPct!)),
  };
}

/**
 * GPU samples taken once batches flowed: after launch + TTFB when both are known, else after the
 * same warm-up share as steps. Keeps the idle start-up from dragging the figure down.
 */
function steadyGpuSamples(
  samples: readonly GpuSample[],
  inputs: SummaryInputs,
  ttfbS: number | undefined,
): GpuSample[] {
  const ordered = [...samples].sort((a, b) => a.atMs - b.atMs);
  if (inputs.startedAtMs === undefined || ttfbS === undefined) return steadySlice(ordered, inputs.warmup);

  const firstBatchAtMs = inputs.startedAtMs + ttfbS * 1000;
  return ordered.filter((sample) => sample.atMs >= firstBatchAtMs);
}

function withoutAbsent(metrics: SummaryMetrics): SummaryMetrics {
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => value !== undefined));
}
