import { describe, expect, it } from 'vitest';

import { analyzeOffline } from '../../../../src/platform/agent/offline/offline-analysis.ts';

describe('analyzeOffline', () => {
  it.each([
    ['a wide gap to the headspace floor means data loading', { metrics: { steadyStepTimeMs: 150 }, baselineStepTimeMs: 150, headspaceFloorMs: 95 }, 'data_loading', 'headspace'],
    ['a run at the floor is compute bound', { metrics: { steadyStepTimeMs: 96 }, baselineStepTimeMs: 150, headspaceFloorMs: 95 }, 'compute', 'headspace'],
    ['a gap between the bands is balanced', { metrics: { steadyStepTimeMs: 100 }, headspaceFloorMs: 95 }, 'balanced', 'headspace'],
    ['low data readiness means data loading', { metrics: { dataReadinessPct: 70 } }, 'data_loading', 'data_readiness'],
    ['high data readiness means compute', { metrics: { dataReadinessPct: 99 } }, 'compute', 'data_readiness'],
    ['a large fetch share means data loading', { metrics: { fetchTimeMs: 30, computeTimeMs: 120 } }, 'data_loading', 'fetch_time'],
    ['no timing at all is unknown', { metrics: {} }, 'unknown', 'none'],
  ] as const)('%s', (_rule, input, bottleneck, basis) => {
    const analysis = analyzeOffline(input);
    expect(analysis.bottleneck).toBe(bottleneck);
    expect(analysis.basis).toBe(basis);
  });

  it('computes the headspace gap from the baseline and the floor', () => {
    const analysis = analyzeOffline({ metrics: { steadyStepTimeMs: 120 }, baselineStepTimeMs: 150, headspaceFloorMs: 90 });
    expect(analysis.headspaceGapFraction).toBeCloseTo(0.4);
    expect(analysis.remainingGapFraction).toBeCloseTo(0.25);
    expect(analysis.findings).toContain('The headspace floor is 90 ms against a baseline step of 150 ms: data loading accounts for at most 40% of the baseline step.');
  });

  it.each([
    ['a gain beyond the margin holds', 112, 'held'],
    ['a loss beyond the margin refutes', 90, 'refuted'],
    ['a change within the margin is inconclusive', 104, 'inconclusive'],
  ] as const)('%s', (_rule, metric, hypothesis) => {
    const analysis = analyzeOffline({ metrics: {}, comparison: { metric, parentMetric: 100, noiseMargin: 5 } });
    expect(analysis.hypothesis).toBe(hypothesis);
  });

  it('writes the comparison into a finding with the margin', () => {
    const analysis = analyzeOffline({ metrics: {}, comparison: { metric: 104, parentMetric: 100, noiseMargin: 5 } });
    expect(analysis.findings).toContain('Against its parent the metric changed by +4% (margin ±5%): within noise, so no effect is shown.');
  });

  it('names the stage with the lowest throughput', () => {
    const analysis = analyzeOffline({
      metrics: {
        stages: [
          { name: 'read', throughputPerS: 900 },
          { name: 'decode', meanTaskTimeMs: 40, concurrency: 8, outputOccupancyPct: 5 },
          { name: 'collate', throughputPerS: 600 },
        ],
      },
    });
    expect(analysis.bottleneckStage).toBe('decode');
    expect(analysis.findings).toContain('Stage "decode" moves the fewest items per second and its output queue is 5% full on average: it limits the pipeline.');
  });

  it('is untested without a comparison and gives the same answer every time', () => {
    const input = { metrics: { steadyStepTimeMs: 150.24, throughputSamplesPerS: 213, dataReadinessPct: 82 } };
    expect(analyzeOffline(input).hypothesis).toBe('untested');
    expect(analyzeOffline(input)).toEqual(analyzeOffline(input));
    expect(analyzeOffline(input).findings[0]).toBe('Steady step time 150.2 ms, 213 samples/s.');
  });
});
