import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { PlanReply } from '../../src/platform/agent/agent-replies.ts';
import { ExperimentNodeSchema, type ExperimentNode } from '../../src/research/experiment-node.ts';
import { NodeStore } from '../../src/research/node-store.ts';
import { planFollowUps } from '../../src/research/planning-step.ts';
import { ResearchConfigSchema } from '../../src/research/research-config.ts';
import type { ResearchContext } from '../../src/research/research-context.ts';
import { RunStateSchema } from '../../src/research/run-state.ts';

/*
 * Two experiments plan at the same moment and the planner has nothing new for either (its only
 * proposal repeats a measured configuration and is dropped). Each sees the other in flight when
 * its reply arrives; the run must still record why it ends and add exactly one closing headspace
 * run at the best configuration.
 */
let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'planning-race-'));
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

const config = ResearchConfigSchema.parse({
  run_name: 'race',
  created_at: 'x',
  pipeline_script: 'train.py',
  source_dir: '/src',
  base_launch_command: 'python3 train.py',
  max_concurrency: 2,
  search_space: { knobs: [{ name: 'threads', flag: '--threads', values: [1, 2, 4], default: 1 }], headspace: { flag: '--cache' } },
});

function node(order: number, id: string, fields: Partial<ExperimentNode>): ExperimentNode {
  return ExperimentNodeSchema.parse({ id, order, name: id, parent_id: null, created_at: 'x', phase: 'completed', knobs: { threads: 1 }, ...fields });
}

async function contextWith(reply: () => Promise<PlanReply>): Promise<ResearchContext> {
  const nodes = await NodeStore.open(workdir);
  const measured = (throughput: number) => ({ metrics: { throughput_samples_per_s: throughput } });
  await nodes.save(node(0, '000_baseline', { seed: 'baseline', verdict: 'improved', confirmed: true, ...measured(100) }));
  await nodes.save(node(1, '001_headspace', { seed: 'headspace', is_headspace: true, verdict: 'no_gain', ...measured(300) }));
  await nodes.save(node(2, '002_threads_4', { parent_id: '000_baseline', knobs: { threads: 4 }, verdict: 'improved', confirmed: true, ...measured(150) }));
  await nodes.save(node(3, '003_threads_2', { parent_id: '002_threads_4', knobs: { threads: 2 }, phase: 'planning', verdict: 'no_gain', ...measured(140) }));
  await nodes.save(node(4, '004_threads_1', { parent_id: '002_threads_4', knobs: { threads: 1 }, phase: 'planning', verdict: 'no_gain', ...measured(120) }));

  const state = RunStateSchema.parse({ repo_root: '/src', source_path: '.', anchor_commit: 'abc' });
  let exclusive: Promise<unknown> = Promise.resolve();
  return {
    workdir,
    config,
    state,
    nodes,
    platform: { agent: { name: 'stub', canEditCode: false, plan: async () => ({ ok: true, value: await reply() }) } } as unknown as ResearchContext['platform'],
    logger: pino({ level: 'silent' }),
    samplers: new Map(),
    exclusive: <T>(work: () => Promise<T>) => {
      const result = exclusive.then(work);
      exclusive = result.catch(() => undefined);
      return result;
    },
    refreshViews: () => undefined,
    setStopReason: async (reason, detail) => {
      state.stop_reason = reason;
      state.stop_detail = reason ? detail : undefined;
    },
  };
}

it('records why the run ends and adds one closing headspace run when two plans come back empty together', async () => {
  let release!: () => void;
  const bothAsked = new Promise<void>((resolve) => (release = resolve));
  let asked = 0;
  const context = await contextWith(async () => {
    asked += 1;
    if (asked === 2) release();
    await bothAsked; // neither reply arrives before both experiments have asked
    return {
      action: 'propose',
      reasoning: 'only a configuration already measured is left',
      proposals: [{ name: 'threads_4_again', hypothesis: 'h', parentId: '000_baseline', change: { knobs: { threads: 4 } }, requiresRebuild: false, practices: [] }],
    };
  });

  const outcomes = await Promise.all([planFollowUps(context, context.nodes.get('003_threads_2')!), planFollowUps(context, context.nodes.get('004_threads_1')!)]);

  const closing = context.nodes.all().filter((other) => other.is_headspace && !other.seed);
  expect(closing).toHaveLength(1);
  expect(closing[0]).toMatchObject({ parent_id: '002_threads_4', knobs: { threads: 4 }, phase: 'queued' });
  expect(outcomes.flatMap((outcome) => ('children' in outcome ? (outcome.children ?? []) : [])).map((spec) => spec.id)).toEqual([closing[0]!.id]);
  expect(context.state.stop_reason).toBe('planner');
  expect(context.nodes.all().filter((other) => other.phase === 'planning')).toEqual([]);
});
