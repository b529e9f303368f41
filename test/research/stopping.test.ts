import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CostLedger } from '../../src/platform/agent/cost/cost-ledger.ts';
import { changeIdentity } from '../../src/research/change-identity.ts';
import { ExperimentNodeSchema } from '../../src/research/experiment-node.ts';
import { ResearchConfigSchema, type ResearchConfigInput } from '../../src/research/research-config.ts';
import type { ResearchContext } from '../../src/research/research-context.ts';
import type { RunStanding } from '../../src/research/run-standing.ts';
import { applicablePractices, stopReasonOf } from '../../src/research/stopping.ts';

let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'stopping-'));
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

const SPACE = {
  knobs: [
    { name: 'num_threads', flag: '--num-threads', values: [1, 2, 4], default: 4 },
    { name: 'batch_size', flag: '--batch-size', values: [8, 16], default: 8 },
  ],
  subprocess: { flag: '--loader-process' },
};

function contextWith(settings: Partial<ResearchConfigInput>, canEditCode = false): ResearchContext {
  const config = ResearchConfigSchema.parse({
    run_name: 'r',
    created_at: 'now',
    pipeline_script: 'train.py',
    source_dir: '/src',
    base_launch_command: 'python train.py',
    patience: 3,
    max_iterations: 10,
    ...settings,
  });
  return { workdir, config, platform: { agent: { canEditCode } } } as unknown as ResearchContext;
}

function standing(fields: Partial<RunStanding>): RunStanding {
  return { plateauCount: 0, iteration: 0, practicesTried: [], finished: [], inFlight: [], ...fields } as RunStanding;
}

describe('stopping rules', () => {
  it('stops at max_iterations', async () => {
    expect(await stopReasonOf(contextWith({}), standing({ iteration: 10 }))).toMatchObject({ reason: 'max_iterations' });
    expect(await stopReasonOf(contextWith({}), standing({ iteration: 9 }))).toBeUndefined();
  });

  it('stops at patience once every applicable known practice was tried', async () => {
    const context = contextWith({ search_space: SPACE });
    const tried = ['subprocess_loading', 'batch_size_tuning', 'concurrency_tuning'];
    expect(await stopReasonOf(context, standing({ plateauCount: 3, practicesTried: tried }))).toMatchObject({ reason: 'patience' });
    expect(await stopReasonOf(context, standing({ plateauCount: 2, practicesTried: tried }))).toBeUndefined();
  });

  it('keeps going past patience while a known practice is untried, up to twice the patience', async () => {
    const context = contextWith({ search_space: SPACE });
    const partly = ['subprocess_loading', 'concurrency_tuning'];
    expect(await stopReasonOf(context, standing({ plateauCount: 3, practicesTried: partly }))).toBeUndefined();
    const stop = await stopReasonOf(context, standing({ plateauCount: 6, practicesTried: partly }));
    expect(stop).toMatchObject({ reason: 'patience' });
    expect(stop?.detail).toContain('never tried: batch_size_tuning');
  });

  it('counts as applicable only the practices the search space can reach, unless the agent edits code', () => {
    expect(applicablePractices(contextWith({ search_space: { knobs: [SPACE.knobs[0]!] } }))).toEqual(['concurrency_tuning']);
    expect(applicablePractices(contextWith({}))).toEqual([]);
    expect(applicablePractices(contextWith({}, true))).toEqual(['subprocess_loading', 'batch_size_tuning', 'concurrency_tuning']);
  });

  it('stops when the agent spend in the ledger reaches the budget, and on job hours', async () => {
    const context = contextWith({ budget: { usd: 1 } });
    expect(await stopReasonOf(context, standing({}))).toBeUndefined();
    const ledger = new CostLedger(join(workdir, 'logs', 'ledger.jsonl'));
    await ledger.append({
      type: 'agent_call',
      at: new Date().toISOString(),
      phase: 'plan',
      model: 'claude-sonnet-5',
      requestId: 'req_1',
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 1.2,
      isPriceKnown: true,
      durationMs: 900,
    });
    expect(await stopReasonOf(context, standing({}))).toMatchObject({ reason: 'budget' });

    const hours = contextWith({ budget: { job_hours: 1 } });
    const long = ExperimentNodeSchema.parse({ id: 'a', order: 0, name: 'a', parent_id: null, created_at: 'x', phase: 'completed', metrics: { duration_s: 3600 } });
    expect(await stopReasonOf(hours, standing({ finished: [long] }))).toMatchObject({ reason: 'budget' });
  });
});

describe('change identity', () => {
  const node = (fields: object) => ExperimentNodeSchema.parse({ id: 'x', order: 0, name: 'x', parent_id: null, created_at: 'x', ...fields });

  it('ignores names and hypotheses, and the order knobs are listed in', () => {
    const a = node({ name: 'one', hypothesis: 'h1', knobs: { a: 1, b: 2 } });
    const b = node({ name: 'two', hypothesis: 'h2', knobs: { b: 2, a: 1 } });
    expect(changeIdentity(a, 'base')).toBe(changeIdentity(b, 'base'));
  });

  it('tells apart knob values, the subprocess switch, the code base and reworded-only instructions', () => {
    const base = node({ knobs: { a: 1 } });
    expect(changeIdentity(base, 'c1')).not.toBe(changeIdentity(node({ knobs: { a: 2 } }), 'c1'));
    expect(changeIdentity(base, 'c1')).not.toBe(changeIdentity(node({ knobs: { a: 1 }, subprocess: true }), 'c1'));
    expect(changeIdentity(base, 'c1')).not.toBe(changeIdentity(base, 'c2'));
    const spaced = node({ change: { instructions: 'Use  a  Pool' } });
    expect(changeIdentity(spaced, 'c')).toBe(changeIdentity(node({ change: { instructions: 'use a pool' } }), 'c'));
  });
});
