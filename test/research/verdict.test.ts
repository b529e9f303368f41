import { describe, expect, it } from 'vitest';
import { ExperimentNodeSchema, type ExperimentNode } from '../../src/research/experiment-node.ts';
import { runSigmaPct, noiseMarginPct } from '../../src/research/noise-margin.ts';
import { currentBest, judge, type DecisionSettings } from '../../src/research/verdict.ts';

const THROUGHPUT = { key: 'throughput_samples_per_s', higherIsBetter: true } as const;
const settings: DecisionSettings = { metric: THROUGHPUT, minEffectPct: 2, confirmImprovements: true };

function node(id: string, throughput: number | undefined, fields: Partial<ExperimentNode> = {}): ExperimentNode {
  return ExperimentNodeSchema.parse({
    id,
    order: 0,
    name: id,
    parent_id: null,
    created_at: '2026-01-01T00:00:00.000Z',
    phase: 'analyzing',
    metrics: throughput === undefined ? {} : { throughput_samples_per_s: throughput },
    ...fields,
  });
}

const baseline = node('000_baseline', 100, { seed: 'baseline', verdict: 'improved', confirmed: true, phase: 'completed' });
const repeat = node('003_baseline_repeat', 90, { seed: 'baseline_repeat', repeat_of: '000_baseline', verdict: 'no_gain', phase: 'completed' });

describe('noise margin', () => {
  it('estimates the single-run spread from repeats: σ ≈ median |a − b| / 0.954', () => {
    expect(runSigmaPct([baseline, repeat], THROUGHPUT)).toBeCloseTo(((10 / 95) * 100) / 0.954, 5);
    expect(runSigmaPct([baseline], THROUGHPUT)).toBe(0);
  });

  it('never goes below the minimum effect, and shrinks as the best gets more runs', () => {
    expect(noiseMarginPct(node('x', 1), baseline, [baseline], THROUGHPUT, 2)).toBe(2);
    const candidate = node('c', 130);
    const withOneRun = noiseMarginPct(candidate, candidate, [baseline, repeat, candidate], THROUGHPUT, 0);
    const withRepeat = noiseMarginPct(baseline, candidate, [baseline, repeat, candidate], THROUGHPUT, 0);
    expect(withRepeat).toBeLessThan(withOneRun);
  });
});

describe('judging a measured experiment', () => {
  it('makes the baseline the reference, and never lets the headspace run be best', () => {
    expect(judge(baseline, [baseline], settings).updates).toEqual([{ id: baseline.id, verdict: 'improved', confirmed: true }]);
    const headspace = node('001_headspace', 500, { seed: 'headspace', is_headspace: true, verdict: 'improved' });
    expect(judge(headspace, [baseline, headspace], settings).updates[0]!.verdict).toBe('no_gain');
    expect(currentBest([baseline, headspace], THROUGHPUT)?.id).toBe(baseline.id);
  });

  it('treats a gain inside the noise as no gain', () => {
    const small = node('004_small', 104);
    expect(judge(small, [baseline, repeat, small], settings).updates[0]!.verdict).toBe('no_gain');
  });

  it('asks for a repeat of a promising result instead of keeping one lucky run', () => {
    const big = node('004_big', 150);
    const judgement = judge(big, [baseline, repeat, big], settings);
    expect(judgement.updates[0]!.verdict).toBe('pending');
    expect(judgement.confirm).toBe('004_big');
  });

  it('keeps the result when the mean with its repeat clears the margin, and not otherwise', () => {
    const pending = node('004_big', 150, { verdict: 'pending', phase: 'completed' });
    const agrees = node('005_big_repeat', 146, { repeat_of: '004_big' });
    const kept = judge(agrees, [baseline, repeat, pending, agrees], settings);
    expect(kept.updates).toContainEqual(expect.objectContaining({ id: '004_big', verdict: 'improved', confirmed: true }));

    const disagrees = node('005_big_repeat', 96, { repeat_of: '004_big' });
    const dropped = judge(disagrees, [baseline, repeat, pending, disagrees], settings);
    expect(dropped.updates).toContainEqual(expect.objectContaining({ id: '004_big', verdict: 'no_gain', confirmed: false }));
  });

  it('keeps a clear gain at once when confirmation is off', () => {
    const big = node('004_big', 150);
    const judgement = judge(big, [baseline, repeat, big], { ...settings, confirmImprovements: false });
    expect(judgement.updates[0]).toEqual({ id: '004_big', verdict: 'improved', confirmed: true });
  });

  it('fails an experiment whose primary metric was not measured', () => {
    const blank = node('004_blank', undefined);
    expect(judge(blank, [baseline, blank], settings).updates[0]!.verdict).toBe('failed');
  });

  it('uses the mean of a kept experiment and its repeats as its value', () => {
    const a = node('004_a', 140, { verdict: 'improved', phase: 'completed' });
    const aRepeat = node('005_a_repeat', 100, { repeat_of: '004_a', phase: 'completed' });
    const b = node('006_b', 130, { verdict: 'improved', phase: 'completed' });
    expect(currentBest([baseline, a, aRepeat, b], THROUGHPUT)?.id).toBe('006_b');
  });
});
