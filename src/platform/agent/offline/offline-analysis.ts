import {
  analysisInputSchema,
  offlineAnalysisSchema,
  type AnalysisInput,
  type AnalysisInputOptions,
  type Bottleneck,
  type OfflineAnalysis,
  type RunMetrics,
  type StageStats,
} from './analysis-schema.ts';

/** A gap to the headspace floor at least this large means data loading still costs time. */
export const DATA_BOUND_GAP_FRACTION = 0.1;
/** A gap at most this large means the run is at the compute floor. */
export const COMPUTE_BOUND_GAP_FRACTION = 0.03;
/** Data readiness below this (percent) means the loop waits for data. */
export const DATA_BOUND_READINESS_PCT = 90;
/** Data readiness at or above this (percent) means data is almost always ready. */
export const COMPUTE_BOUND_READINESS_PCT = 97;

interface Verdict {
  bottleneck: Bottleneck;
  basis: OfflineAnalysis['basis'];
}

/**
 * Analyzes one run from its numbers alone: the bottleneck (data loading or compute), the
 * headspace gap, the slowest stage, whether the hypothesis held against the parent once noise is
 * accounted for, and a few findings sentences built from the numbers. Deterministic and pure.
 *
 * The verdict trusts the most direct evidence present: the gap to the headspace floor, else
 * data readiness, else the share of step time spent fetching.
 *
 * @example
 * analyzeOffline({ metrics: { steadyStepTimeMs: 150 }, baselineStepTimeMs: 150, headspaceFloorMs: 95 });
 * // → bottleneck 'data_loading', headspaceGapFraction ≈ 0.367
 */
export function analyzeOffline(options: AnalysisInputOptions): OfflineAnalysis {
  const input = analysisInputSchema.parse(options);
  const { metrics } = input;
  const headspaceGapFraction = gapFraction(input.baselineStepTimeMs, input.headspaceFloorMs);
  const remainingGapFraction = gapFraction(metrics.steadyStepTimeMs, input.headspaceFloorMs);
  const verdict = bottleneckVerdict(metrics, remainingGapFraction ?? headspaceGapFraction);
  const stage = slowestStage(metrics.stages);
  const comparison = compareWithParent(input);
  const hypothesisReason = comparisonFinding(input, comparison);

  return offlineAnalysisSchema.parse({
    ...verdict,
    headspaceGapFraction,
    remainingGapFraction,
    bottleneckStage: stage?.name,
    hypothesis: comparison.hypothesis,
    hypothesisReason,
    changeFraction: comparison.changeFraction,
    findings: [
      ...measurementFindings(metrics),
      ...headspaceFindings(input, headspaceGapFraction, remainingGapFraction),
      ...stageFindings(metrics.stages, stage),
      ...(hypothesisReason ? [hypothesisReason] : []),
      verdictFinding(verdict),
    ],
  });
}

function gapFraction(stepTimeMs: number | undefined, floorMs: number | undefined): number | undefined {
  if (stepTimeMs === undefined || floorMs === undefined) return undefined;
  return Math.max(0, (stepTimeMs - floorMs) / stepTimeMs);
}

function bottleneckVerdict(metrics: RunMetrics, gap: number | undefined): Verdict {
  // The headspace run measures the compute floor directly: the strongest evidence.
  if (gap !== undefined) {
    return { bottleneck: band(gap, COMPUTE_BOUND_GAP_FRACTION, DATA_BOUND_GAP_FRACTION), basis: 'headspace' };
  }

  // Readiness is measured every step, but it misses loading work that steals the loop's CPU.
  const readiness = metrics.dataReadinessPct;
  if (readiness !== undefined) {
    const waiting = (100 - readiness) / 100;
    const bottleneck = band(waiting, 1 - COMPUTE_BOUND_READINESS_PCT / 100, 1 - DATA_BOUND_READINESS_PCT / 100);
    return { bottleneck, basis: 'data_readiness' };
  }

  const { fetchTimeMs, computeTimeMs } = metrics;
  if (fetchTimeMs !== undefined && computeTimeMs !== undefined && fetchTimeMs + computeTimeMs > 0) {
    const share = fetchTimeMs / (fetchTimeMs + computeTimeMs);
    return { bottleneck: band(share, COMPUTE_BOUND_GAP_FRACTION, DATA_BOUND_GAP_FRACTION), basis: 'fetch_time' };
  }
  return { bottleneck: 'unknown', basis: 'none' };
}

function band(dataShare: number, computeAtMost: number, dataAtLeast: number): Bottleneck {
  if (dataShare >= dataAtLeast) return 'data_loading';
  if (dataShare <= computeAtMost) return 'compute';
  return 'balanced';
}

// The stage that moves the fewest items per second limits the whole pipeline.
function slowestStage(stages: readonly StageStats[]): StageStats | undefined {
  const rate = (stage: StageStats): number | undefined =>
    stage.throughputPerS ??
    (stage.meanTaskTimeMs ? ((stage.concurrency ?? 1) * 1000) / stage.meanTaskTimeMs : undefined);

  let slowest: StageStats | undefined;
  for (const stage of stages) {
    const stageRate = rate(stage);
    if (stageRate !== undefined && (slowest === undefined || stageRate < (rate(slowest) as number))) slowest = stage;
  }
  return slowest;
}

interface Comparison {
  hypothesis: OfflineAnalysis['hypothesis'];
  changeFraction?: number;
  marginFraction?: number;
}

function compareWithParent(input: AnalysisInput): Comparison {
  const comparison = input.comparison;
  if (comparison === undefined) return { hypothesis: 'untested' };

  const scale = Math.max(Math.abs(comparison.parentMetric), 1e-12);
  const margin = Math.max(comparison.noiseMargin, comparison.minEffectFraction * scale);
  const difference = comparison.metric - comparison.parentMetric;
  const hypothesis = difference > margin ? 'held' : difference < -margin ? 'refuted' : 'inconclusive';
  return { hypothesis, changeFraction: difference / scale, marginFraction: margin / scale };
}

function measurementFindings(metrics: RunMetrics): string[] {
  const findings: string[] = [];
  if (metrics.steadyStepTimeMs !== undefined) {
    const throughput = metrics.throughputSamplesPerS === undefined ? '' : `, ${round(metrics.throughputSamplesPerS, 1)} samples/s`;
    findings.push(`Steady step time ${round(metrics.steadyStepTimeMs, 1)} ms${throughput}.`);
  }
  if (metrics.dataReadinessPct !== undefined) {
    findings.push(`Data was ready for ${round(metrics.dataReadinessPct, 1)}% of the step time; the loop waited for data in the other ${round(100 - metrics.dataReadinessPct, 1)}%.`);
  }
  const { fetchTimeMs, computeTimeMs } = metrics;
  if (fetchTimeMs !== undefined && computeTimeMs !== undefined && fetchTimeMs + computeTimeMs > 0) {
    const share = (100 * fetchTimeMs) / (fetchTimeMs + computeTimeMs);
    findings.push(`Fetching took ${round(fetchTimeMs, 1)} ms per step against ${round(computeTimeMs, 1)} ms of compute (${round(share, 1)}% of the two).`);
  }
  return findings;
}

function headspaceFindings(input: AnalysisInput, gap: number | undefined, remaining: number | undefined): string[] {
  const findings: string[] = [];
  if (gap !== undefined) {
    findings.push(`The headspace floor is ${round(input.headspaceFloorMs as number, 1)} ms against a baseline step of ${round(input.baselineStepTimeMs as number, 1)} ms: data loading accounts for at most ${percent(gap)} of the baseline step.`);
  }
  if (remaining !== undefined) {
    findings.push(`This run's step is ${percent(remaining)} above the floor; that is what data-loading work can still win.`);
  }
  return findings;
}

function stageFindings(stages: readonly StageStats[], slowest: StageStats | undefined): string[] {
  if (slowest === undefined || stages.length < 2) return [];
  const occupancy = slowest.outputOccupancyPct === undefined ? '' : ` and its output queue is ${round(slowest.outputOccupancyPct, 1)}% full on average`;
  return [`Stage "${slowest.name}" moves the fewest items per second${occupancy}: it limits the pipeline.`];
}

function comparisonFinding(input: AnalysisInput, comparison: Comparison): string | undefined {
  if (input.comparison === undefined || comparison.changeFraction === undefined) return undefined;
  const change = `${comparison.changeFraction >= 0 ? '+' : ''}${percent(comparison.changeFraction)}`;
  const words = {
    held: 'the hypothesis held',
    refuted: 'the hypothesis is refuted',
    inconclusive: 'within noise, so no effect is shown',
    untested: '',
  };
  return `Against its parent the metric changed by ${change} (margin ±${percent(comparison.marginFraction as number)}): ${words[comparison.hypothesis]}.`;
}

function verdictFinding(verdict: Verdict): string {
  const basis = {
    headspace: 'the gap to the headspace floor',
    data_readiness: 'data readiness',
    fetch_time: 'the share of time spent fetching',
    none: '',
  };
  switch (verdict.bottleneck) {
    case 'data_loading':
      return `Data loading is the bottleneck, judging by ${basis[verdict.basis]}.`;
    case 'compute':
      return `Compute is the bottleneck, judging by ${basis[verdict.basis]}: data-loading changes have little left to win.`;
    case 'balanced':
      return `Data loading and compute are close, judging by ${basis[verdict.basis]}: gains from loading will be small.`;
    default:
      return 'No step timing, readiness or headspace result was measured, so the bottleneck is unknown.';
  }
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

function percent(fraction: number): string {
  return `${round(fraction * 100, 1)}%`;
}
