import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TERMINAL_PHASES, type ExperimentNode } from '../../src/research/experiment-node.ts';
import { readJson, readMasterTable, readNodes } from './research-fixture.ts';

const SEEDS = ['000_baseline', '001_headspace', '002_subprocess', '003_baseline_repeat'];

/**
 * What must hold after any finished run, however often it was interrupted or killed: no
 * experiment lost (every one created is finished and in the table once), none repeated, no job
 * launched twice, and the tree whole. Returns the experiments for further checks.
 */
export async function expectRunWhole(workdir: string): Promise<ExperimentNode[]> {
  const nodes = await readNodes(workdir);
  const ids = nodes.map((node) => node.id);

  const engine = await readJson<{ status: string }>(join(workdir, 'engine', 'engine_state.json'));
  expect(engine.status).toBe('stopped');
  const checkpoint = await readJson<{ queued: unknown[]; running: unknown[] }>(join(workdir, 'engine', 'checkpoint.json'));
  expect(checkpoint.queued).toEqual([]);
  expect(checkpoint.running).toEqual([]);

  for (const node of nodes) expect(TERMINAL_PHASES.has(node.phase), `${node.id} ended as ${node.phase}`).toBe(true);
  const { rows } = await readMasterTable(workdir);
  expect(rows.map((row) => row.run_id)).toEqual(ids);

  expectTreeWhole(nodes, await readJson<ExperimentNode[]>(join(workdir, 'engine', 'tree.json')));
  expectNoRepeatedChange(nodes);
  await expectEachJobLaunchedOnce(workdir, nodes);
  return nodes;
}

function expectTreeWhole(nodes: ExperimentNode[], tree: ExperimentNode[]): void {
  const ids = new Set(nodes.map((node) => node.id));
  expect(tree.map((node) => node.id).sort()).toEqual([...ids].sort());
  for (const seed of SEEDS) expect(ids.has(seed), `seed ${seed}`).toBe(true);
  for (const node of nodes) {
    if (node.parent_id) expect(ids.has(node.parent_id), `${node.id}'s parent ${node.parent_id}`).toBe(true);
    for (const child of node.planned_children ?? []) expect(ids.has(child), `${node.id}'s planned child ${child}`).toBe(true);
  }
  expect(new Set(nodes.map((node) => node.order)).size).toBe(nodes.length);
}

/** Two experiments with the same start and the same change are one experiment run twice. */
function expectNoRepeatedChange(nodes: ExperimentNode[]): void {
  const seen = new Map<string, string>();
  for (const node of nodes.filter((candidate) => !candidate.repeat_of && !candidate.seed)) {
    const knobs = Object.entries(node.knobs).sort(([a], [b]) => a.localeCompare(b));
    const identity = JSON.stringify([node.parent_id, knobs, node.subprocess, node.change.instructions ?? '']);
    expect(seen.get(identity), `${node.id} repeats ${seen.get(identity)}`).toBeUndefined();
    seen.set(identity, node.id);
  }
}

/**
 * Each experiment's job ran once: its output starts once in all its job folders together (a
 * second launch would print `step=0` again), from the folder of its last attempt. An earlier
 * attempt is only allowed when its process never started (a crash between claiming the name
 * and spawning): then its name stays claimed and its folder holds no output. Every name claim
 * belongs to an attempt of some experiment.
 */
async function expectEachJobLaunchedOnce(workdir: string, nodes: ExperimentNode[]): Promise<void> {
  const claims = (await readdir(join(workdir, 'engine', 'jobs'))).filter((name) => name.endsWith('.json'));
  const launched = nodes.filter((node) => node.job_name);
  const attemptNames = launched.flatMap((node) => Array.from({ length: node.launch_attempt + 1 }, (_, attempt) => node.job_name!.replace(/-\d+$/, `-${attempt}`)));
  for (const claim of claims) expect(attemptNames, `claim ${claim}`).toContain(claim.replace(/\.json$/, ''));
  for (const node of launched) expect(claims, `claim of ${node.job_name}`).toContain(`${node.job_name}.json`);

  for (const node of launched) {
    const folders = (await readdir(join(workdir, 'runs', node.id))).filter((name) => name.startsWith('job-'));
    expect(folders, node.id).toContain(`job-${node.launch_attempt}`);
    let starts = 0;
    for (const folder of folders) {
      const stdout = await readFile(join(workdir, 'runs', node.id, folder, 'stdout.log'), 'utf8').catch(() => '');
      const count = stdout.match(/\[autoresearch\] step=0 /g)?.length ?? 0;
      if (folder !== `job-${node.launch_attempt}`) expect(count, `${node.id}/${folder} is an earlier attempt`).toBe(0);
      starts += count;
    }
    expect(starts, `starts of ${node.id}'s job`).toBe(1);
  }
}
