import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runResearch, type RunOutcome } from '../../src/cli/run-research.ts';
import type { ExperimentNode } from '../../src/research/experiment-node.ts';
import { FIXTURE_DIR, createSandbox, inputsFor, readJson, readMasterTable, readNodes, type Sandbox } from './research-fixture.ts';

/*
 * Recorded replies, in call order (concurrency 1 keeps the order fixed):
 *   analyze-003 (002_subprocess): invalid, an unknown bottleneck kind → recorded, result kept;
 *   plan-001 (after 004, the first call: planning waits for the seeds and a free slot):
 *     a code change whose recorded edit does not apply → that experiment fails;
 *   plan-002 (after the failure): a code change that applies and halves the compute cost;
 *   plan-003 (after its confirmation repeat): stop.
 */
const REPLAY_DIR = join(FIXTURE_DIR, 'replay');

let sandbox: Sandbox;
let outcome: RunOutcome;
let nodes: ExperimentNode[];
const node = (id: string) => nodes.find((candidate) => candidate.id === id);

beforeAll(async () => {
  sandbox = await createSandbox();
  const settings = { max_iterations: 8, max_concurrency: 1, agent: { name: 'replay' as const, replay_dir: REPLAY_DIR } };
  outcome = await runResearch(inputsFor(sandbox, settings), { showProgress: false });
  nodes = await readNodes(sandbox.workdir);
}, 120_000);

afterAll(async () => {
  await sandbox?.remove();
});

it('runs the seeds, then exactly the planned experiments, stops when the planner says so, and measures the headspace at the best', async () => {
  expect(nodes.map((n) => n.id)).toEqual([
    '000_baseline',
    '001_headspace',
    '002_subprocess',
    '003_baseline_repeat',
    '004_subprocess_loading_repeat',
    '005_vectorized_loader',
    '006_lighter_step',
    '007_lighter_step_repeat',
    '008_headspace_at_best',
  ]);
  const state = await readJson<{ stop_reason?: string; stop_detail?: string }>(join(sandbox.workdir, 'state.json'));
  expect(state.stop_reason).toBe('planner');
  expect(state.stop_detail).toContain('confirmed gain');
  // The closing headspace run measures the best's configuration and asks the planner nothing.
  expect(node('008_headspace_at_best')).toMatchObject({ parent_id: '006_lighter_step', is_headspace: true, phase: 'completed', planned_children: [] });
  expect(outcome.engine).toMatchObject({ status: 'stopped', queued: 0, running: 0 });
});

it('records an invalid analysis reply beside the measured result, which still counts', async () => {
  const subprocess = node('002_subprocess')!;
  expect(subprocess.phase).toBe('completed');
  expect(subprocess.followup_failure).toMatchObject({ kind: 'analysis_failed', phase: 'analysis' });
  expect(subprocess.followup_failure?.message).toContain('bottleneck');
  expect(subprocess.metrics?.throughput_samples_per_s).toBeGreaterThan(node('000_baseline')!.metrics!.throughput_samples_per_s!);
  expect(subprocess.verdict).toBe('improved');
  expect(await readFile(join(sandbox.workdir, 'runs', subprocess.id, 'analysis.md'), 'utf8')).toContain('## Analysis failed');
});

it('fails the experiment whose recorded edit does not apply, and plans on from the failure', () => {
  const failed = node('005_vectorized_loader')!;
  expect(failed.phase).toBe('failed');
  expect(failed.failure).toMatchObject({ kind: 'code_change_failed', phase: 'prepare' });
  expect(failed.job_name).toBeUndefined(); // never launched
  expect(failed.planned_children).toEqual(['006_lighter_step']);
});

it('applies the recorded code change, measures its gain and confirms it with a repeat', async () => {
  const lighter = node('006_lighter_step')!;
  const repeat = node('007_lighter_step_repeat')!;
  expect(lighter).toMatchObject({ phase: 'completed', parent_id: '002_subprocess', planned_by: '005_vectorized_loader' });
  const diff = await readFile(join(sandbox.workdir, 'runs', lighter.id, 'change.diff'), 'utf8');
  expect(diff).toContain('+    compute_ms = 2.0 + 0.5 * args.batch_size');
  expect(lighter.metrics!.steady_step_time_ms!).toBeLessThan(node('002_subprocess')!.metrics!.steady_step_time_ms!);

  expect(repeat).toMatchObject({ phase: 'completed', repeat_of: lighter.id, commit: lighter.commit });
  expect(lighter.verdict).toBe('improved');
  expect(lighter.confirmed).toBe(true);

  const { rows } = await readMasterTable(sandbox.workdir);
  expect(rows.map((row) => row.run_id)).toEqual(nodes.map((n) => n.id));
  expect(rows.find((row) => row.is_best === 'yes')?.run_id).toBe(lighter.id);
  expect(rows.find((row) => row.run_id === '005_vectorized_loader')).toMatchObject({ status: 'failed', failure_kind: 'code_change_failed' });
});

it('keeps the agent\'s analysis in analysis.md and the findings in summary.md', async () => {
  expect(await readFile(join(sandbox.workdir, 'runs', '006_lighter_step', 'analysis.md'), 'utf8')).toContain('Steps wait on the loader');
  const summary = await readFile(join(sandbox.workdir, 'summary.md'), 'utf8');
  expect(summary).toContain('Loading dominates the step');
  expect(summary).toContain('Stopped planning: **planner**');
});
