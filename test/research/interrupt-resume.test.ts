import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ExperimentNode } from '../../src/research/experiment-node.ts';
import { createSandbox, holdFile, inputsFor, readJson, startRunProcess, waitForPhase, waitForTreePictures, type Sandbox } from './research-fixture.ts';
import { expectRunWhole } from './run-invariants.ts';

/*
 * One run, one experiment at a time, interrupted with SIGINT while the baseline's job runs and
 * the other seeds wait in the queue. While it is stopped, the last queued spec gets priority
 * -5000 in engine/checkpoint.json (the documented way to reorder the queue); the resumed run
 * must start it before the seeds queued ahead of it.
 */
interface Checkpoint {
  status: string;
  queued: { id: string; priority: number }[];
  running: { id: string }[];
}

let sandbox: Sandbox;
let first: { exitCode?: number; stdout: string; stderr: string };
let interrupted: { engine: { status: string }; checkpoint: Checkpoint; phases: Record<string, string> };
let promoted: string;
let resumed: { exitCode?: number; stdout: string; stderr: string };
let nodes: ExperimentNode[];

beforeAll(async () => {
  sandbox = await createSandbox();
  await writeFile(holdFile(sandbox), ''); // the baseline's job waits until the run is interrupted
  const child = startRunProcess(sandbox, inputsFor(sandbox, { max_iterations: 2, max_concurrency: 1 }));
  await waitForPhase(sandbox.workdir, child, ['running'], (id) => id === '000_baseline');
  // Chromium, while it draws the tree picture, installs puppeteer's SIGINT handler, which exits
  // the process with 130 before the engine can record `interrupted`: interrupt between pictures.
  await waitForTreePictures(sandbox.workdir, 1);
  child.kill('SIGINT');
  first = await child;
  await rm(holdFile(sandbox));

  const checkpointPath = join(sandbox.workdir, 'engine', 'checkpoint.json');
  const checkpoint = await readJson<Checkpoint>(checkpointPath);
  interrupted = {
    engine: await readJson(join(sandbox.workdir, 'engine', 'engine_state.json')),
    checkpoint,
    phases: Object.fromEntries(await Promise.all(['000_baseline', '001_headspace'].map(async (id) => [id, (await readFile(join(sandbox.workdir, 'engine', 'nodes', id, 'status.txt'), 'utf8')).trim()]))),
  };
  const last = checkpoint.queued.at(-1)!;
  promoted = last.id;
  last.priority = -5000;
  await writeFile(checkpointPath, JSON.stringify(checkpoint, null, 2));

  resumed = await startRunProcess(sandbox);
  nodes = await expectRunWhole(sandbox.workdir);
}, 120_000);

afterAll(async () => {
  await sandbox?.remove();
});

it('stops on SIGINT with the engine interrupted and the running experiment left to resume', () => {
  expect(first.exitCode, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout.trim().split('\n').at(-1)!)).toMatchObject({ engine: 'interrupted' });
  expect(interrupted.engine.status).toBe('interrupted');
  expect(interrupted.checkpoint.status).toBe('interrupted');
  expect(interrupted.checkpoint.running.map((spec) => spec.id)).toEqual(['000_baseline']);
  expect(interrupted.checkpoint.queued.map((spec) => spec.id)).toEqual(['001_headspace', '002_subprocess', '003_baseline_repeat']);
  expect(interrupted.phases).toEqual({ '000_baseline': 'running', '001_headspace': 'queued' });
});

it('resumes to the end: every experiment finished once, the tree whole', () => {
  expect(resumed.exitCode, resumed.stderr).toBe(0);
  expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1)!)).toMatchObject({ engine: 'stopped', stopReason: 'max_iterations' });
  expect(nodes.length).toBeGreaterThan(4);
  const baseline = nodes.find((node) => node.id === '000_baseline')!;
  expect(baseline.launch_attempt).toBe(0); // the job launched before the interrupt was polled, not relaunched
});

it('starts the spec whose priority was edited to -5000 before the specs queued ahead of it', () => {
  expect(promoted).toBe('003_baseline_repeat');
  const startedAt = (id: string) => Date.parse(nodes.find((node) => node.id === id)!.started_at!);
  expect(startedAt(promoted)).toBeLessThan(startedAt('001_headspace'));
  expect(startedAt(promoted)).toBeLessThan(startedAt('002_subprocess'));
  expect(startedAt('000_baseline')).toBeLessThan(startedAt(promoted));
});
