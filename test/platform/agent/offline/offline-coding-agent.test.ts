import { describe, expect, it } from 'vitest';
import { OfflineCodingAgent } from '../../../../src/platform/agent/offline/offline-coding-agent.ts';

const experiment = { id: '005_threads_4', name: 'threads_4', hypothesis: 'Four loader threads feed the step faster.', change: { knobs: { threads: 4 } }, parentId: '000_baseline' };

/** The offline agent's analysis of a run measuring `throughput` against a parent at 100. */
async function analyzed(throughput: number, fields: Record<string, unknown> = {}) {
  const reply = await new OfflineCodingAgent(undefined).analyze({
    experiment,
    metrics: { throughput_samples_per_s: throughput, steady_step_time_ms: 800 / throughput },
    parentMetrics: { throughput_samples_per_s: 100, steady_step_time_ms: 8 },
    noiseMarginPct: 5,
    ...fields,
  });
  if (!reply.ok) throw new Error(reply.failure.message);
  return reply.value;
}

describe('offline analysis of a hypothesis', () => {
  it('confirms it when the run beats its parent by more than the noise margin', async () => {
    const value = await analyzed(112);
    expect(value.hypothesisVerdict).toBe('confirmed');
    expect(value.verdictReason).toBe('Against its parent the metric changed by +12% (margin ±5%): the hypothesis held.');
  });

  it('refutes it when the run falls short of its parent by more than the margin', async () => {
    expect((await analyzed(90)).hypothesisVerdict).toBe('refuted');
  });

  it('calls a difference within the margin inconclusive', async () => {
    expect((await analyzed(103)).hypothesisVerdict).toBe('inconclusive');
  });

  it('judges by step time, lower being better, when throughput is not reported', async () => {
    const value = await analyzed(0, { metrics: { steady_step_time_ms: 6 } });
    expect(value.hypothesisVerdict).toBe('confirmed');
  });

  it('has nothing to judge without a measured parent', async () => {
    const value = await analyzed(150, { parentMetrics: {} });
    expect(value.hypothesisVerdict).toBe('not_applicable');
    expect(value.verdictReason).toContain('no measured parent');
  });
});
