import { access, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/commands/demo.ts';
import { headline } from '../../src/cli/headline.ts';
import type { RunOutcome } from '../../src/cli/run-research.ts';
import { readJson, readMasterTable, readNodes } from '../research/research-fixture.ts';

let demo: { outcome: RunOutcome; workdir: string; sourceDir: string; elapsedS: number };

beforeAll(async () => {
  demo = await runDemo({ jobSeconds: 1, settings: { max_iterations: 2 }, showProgress: false });
}, 150_000);

afterAll(async () => {
  if (demo) await rm(dirname(demo.sourceDir), { recursive: true, force: true });
});

it('runs the example pipeline from a fresh git repository with the offline agent', async () => {
  const { stdout } = await execa('git', ['status', '--porcelain'], { cwd: demo.sourceDir });
  expect(stdout).toBe('');
  await access(join(demo.sourceDir, 'train.py'));
  expect(demo.workdir).toBe(join(dirname(demo.sourceDir), 'workdir'));
  const config = await readJson<{ agent: { name: string }; search_space?: unknown }>(join(demo.workdir, 'config.json'));
  expect(config.agent.name).toBe('offline');
  expect(config.search_space).toBeDefined();
});

it('finishes every experiment, stops on max_iterations and names a best that beats the baseline', async () => {
  expect(demo.outcome.engine).toMatchObject({ status: 'stopped', queued: 0, running: 0 });
  expect(demo.outcome.stopReason).toBe('max_iterations');
  const nodes = await readNodes(demo.workdir);
  expect(nodes.slice(0, 4).map((node) => node.seed)).toEqual(['baseline', 'headspace', 'subprocess', 'baseline_repeat']);
  const { rows } = await readMasterTable(demo.workdir);
  expect(rows.map((row) => row.run_id)).toEqual(nodes.map((node) => node.id));
  const best = rows.filter((row) => row.is_best === 'yes');
  expect(best).toHaveLength(1);
  expect(best[0]!.run_id).not.toBe('001_headspace');
  for (const node of nodes.filter((candidate) => candidate.metrics?.throughput_samples_per_s !== undefined)) {
    await access(join(demo.workdir, 'runs', node.id, 'analysis.md'));
  }
});

it('prints the workdir and the headline: baseline → best with the speedup, experiments and time', () => {
  const text = headline(demo.outcome, demo.workdir, demo.elapsedS);
  expect(text).toContain(`workdir: ${demo.workdir}`);
  expect(text).toMatch(/throughput_samples_per_s: baseline [\d.]+ → best [\d.]+ \([\d.]+×, \S+\)/);
  expect(text).toMatch(/experiments: \d+, time \d+ s, stopped: max_iterations/);
});

it('refreshes summary.md with the stop reason', async () => {
  expect(await readFile(join(demo.workdir, 'summary.md'), 'utf8')).toContain('Stopped planning: **max_iterations**');
});
