import { describe, expect, it } from 'vitest';

import { deriveSummary } from '../../../src/platform/evidence/derive-summary.ts';
import { findMissingMetrics } from '../../../src/platform/evidence/evidence-failure.ts';
import { parseAutoresearchLines } from '../../../src/platform/evidence/parse-autoresearch-lines.ts';
import { resolveWarmup, summarizeSteady, warmupCount } from '../../../src/platform/evidence/steady-state.ts';
import { fixture } from './fixtures.ts';

const warmup = resolveWarmup();

function stepLines(stepTimesMs: readonly number[], extra = (_index: number) => ''): string {
  return stepTimesMs.map((ms, index) => `[autoresearch] step=${index} step_time_ms=${ms}${extra(index)}`).join('\n');
}

describe('steady state', () => {
  it.each([
    [4, 1, 'a short run keeps at least three steady steps'],
    [20, 5, 'the minimum of five steps applies below fifty steps'],
    [200, 20, 'ten percent applies on long runs'],
    [2, 0, 'a run shorter than three steps keeps every step'],
  ])('drops the warm-up of %i steps as %i (%s)', (count, dropped) => {
    expect(warmupCount(count, warmup)).toBe(dropped);
  });

  it('takes the median and spread after the warm-up', () => {
    const spread = summarizeSteady([5000, 900, 400, 300, 200, 100, 102, 98, 101, 99, 100, 140], warmup);

    expect(spread).toMatchObject({ sampleCount: 7, warmupDropped: 5, median: 100, mad: 1, min: 98, max: 140 });
    expect(spread.iqr).toBeCloseTo(2, 9);
    expect(spread.p10).toBeCloseTo(98.6, 9);
    expect(spread.p90).toBeCloseTo(117.2, 9);
  });

  it('honours a configured warm-up', () => {
    const spread = summarizeSteady([900, 100, 100, 100], resolveWarmup({ warmupMinSteps: 1, minSteadySteps: 1 }));

    expect(spread).toMatchObject({ warmupDropped: 1, median: 100 });
  });

  it('describes an empty sample with absent figures', () => {
    expect(summarizeSteady([], warmup)).toEqual({ sampleCount: 0, warmupDropped: 0 });
  });
});

describe('deriveSummary', () => {
  it('derives the headline figures of the interleaved fixture', () => {
    const readings = parseAutoresearchLines(fixture('autoresearch-interleaved.txt'));
    const { metrics, stepTimeSpread } = deriveSummary({ readings, warmup, startedAtMs: 1_000, endedAtMs: 13_500 });

    // Steady steps (after 5): 99, 102, 98, 100, 250, 100.5 → median 100.25.
    expect(stepTimeSpread).toMatchObject({ sampleCount: 6, warmupDropped: 5 });
    expect(metrics.steady_step_time_ms).toBe(100.25);
    expect(metrics.throughput_samples_per_s).toBeCloseTo((32 * 1000) / 100.25, 9);
    expect(metrics.ttfb_s).toBe(2.45);
    expect(metrics.duration_s).toBe(12.5);
  });

  it('derives throughput from batch size when the pipeline does not report it', () => {
    const readings = parseAutoresearchLines(`[autoresearch] batch_size=64\n${stepLines(Array(10).fill(200))}`);

    expect(deriveSummary({ readings, warmup }).metrics.throughput_samples_per_s).toBe(320);
  });

  it('prefers the throughput the pipeline reported, after its warm-up', () => {
    const text = stepLines(Array(10).fill(200), (index) => ` throughput_samples_per_s=${index < 5 ? 10 : 300}`);
    const readings = parseAutoresearchLines(`[autoresearch] batch_size=64\n${text}`);

    expect(deriveSummary({ readings, warmup }).metrics.throughput_samples_per_s).toBe(300);
  });

  it('leaves throughput absent without batch size or reported value', () => {
    const readings = parseAutoresearchLines(stepLines(Array(10).fill(200)));

    expect(deriveSummary({ readings, warmup }).metrics).not.toHaveProperty('throughput_samples_per_s');
  });

  it('computes data readiness as the share of steady step time not spent fetching', () => {
    const text = stepLines([1000, 1000, 1000, 1000, 1000, 100, 100, 100, 100], (index) => ` fetch_time_ms=${index < 5 ? 900 : 25}`);
    const { metrics } = deriveSummary({ readings: parseAutoresearchLines(text), warmup });

    expect(metrics.data_readiness_pct).toBe(75);
    expect(metrics.step_time_ms).toBeCloseTo(5400 / 9, 9);
  });

  it('leaves every unmeasured figure absent, never zero', () => {
    const { metrics } = deriveSummary({ readings: parseAutoresearchLines(''), warmup, system: { cpu: [] } });

    expect(metrics).toEqual({});
  });

  it('reads GPU utilization after the first batch arrived', () => {
    const gpu = [0, 0, 80, 90, 100].map((smUtilPct, index) => ({ atMs: 1_000 + index * 1_000, gpuIndex: 0, smUtilPct }));
    const readings = parseAutoresearchLines('[autoresearch] ttfb_s=2');
    const { metrics } = deriveSummary({ readings, warmup, startedAtMs: 1_000, system: { cpu: [], gpu } });

    expect(metrics.sm_util_pct).toBe(54);
    expect(metrics.steady_sm_util_pct).toBe(90);
  });
});

describe('findMissingMetrics', () => {
  it('reports metrics_missing with what was found when no step time was readable', () => {
    const readings = parseAutoresearchLines('[autoresearch] ttfb_s=3\n[autoresearch] step=1 step_time_ms=oops\n[autoresearch] ###');
    const failure = findMissingMetrics(readings, { logPaths: ['run/stdout.log', 'run/stderr.log'], exitCode: 0 });

    expect(failure).toEqual({
      kind: 'metrics_missing',
      message:
        'Expected "[autoresearch] step=<n> step_time_ms=<ms>" lines in run/stdout.log and run/stderr.log, found 2 readable ' +
        '[autoresearch] line(s) without a step time and 1 unreadable one(s). Check that the pipeline is instrumented and ran past its first step.',
      details: {
        logPaths: ['run/stdout.log', 'run/stderr.log'],
        markerLineCount: 2, skippedLineCount: 1, skippedTokenCount: 2, stepCount: 0, exitCode: 0,
      },
    });
  });

  it('says so when the output held no marker at all', () => {
    const failure = findMissingMetrics(parseAutoresearchLines('Segmentation fault'), { logPaths: ['out.log'] });

    expect(failure?.message).toContain('found no [autoresearch] line at all');
  });

  it('finds nothing missing once a step time was read', () => {
    expect(findMissingMetrics(parseAutoresearchLines(stepLines([100])), { logPaths: [] })).toBeUndefined();
  });
});
