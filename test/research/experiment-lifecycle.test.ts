import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { advanceExperiment } from '../../src/research/experiment-lifecycle.ts';
import { ExperimentNodeSchema, type ExperimentNodeInput } from '../../src/research/experiment-node.ts';
import { NodeStore } from '../../src/research/node-store.ts';
import type { ResearchContext } from '../../src/research/research-context.ts';

let workdir: string;
let nodes: NodeStore;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'lifecycle-'));
  nodes = await NodeStore.open(workdir);
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

const save = (fields: Partial<ExperimentNodeInput> & { id: string; order: number }) =>
  nodes.save(ExperimentNodeSchema.parse({ name: fields.id, parent_id: null, created_at: new Date().toISOString(), ...fields }));

/**
 * A crash after an experiment's final phase was saved but before the engine recorded it as
 * finished: on resume the engine runs it once more, and the children its planning created must
 * reach the engine then, or they would wait in engine/nodes forever.
 */
it('hands the planned children of an experiment that finished unrecorded to the engine again', async () => {
  await save({ id: '004_planner', order: 4, phase: 'completed', planned_children: ['005_child', '006_done'] });
  await save({ id: '005_child', order: 5, parent_id: '004_planner', phase: 'queued', priority: -3 });
  await save({ id: '006_done', order: 6, parent_id: '004_planner', phase: 'completed' });
  const context = { nodes } as unknown as ResearchContext; // a finished experiment needs only its store

  const outcome = await advanceExperiment(context, '004_planner', new AbortController().signal);

  expect(outcome).toEqual({ status: 'completed', children: [{ id: '005_child', priority: -3, kind: 'experiment', payload: { node: { node_id: '005_child' } } }] });
});

it('hands over no children for a finished experiment that planned none', async () => {
  await save({ id: '003_failed', order: 3, phase: 'failed' });
  const outcome = await advanceExperiment({ nodes } as unknown as ResearchContext, '003_failed', new AbortController().signal);
  expect(outcome).toEqual({ status: 'failed', children: [] });
});
