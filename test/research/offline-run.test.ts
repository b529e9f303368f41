import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResearch, type RunOutcome } from '../../src/cli/run-research.ts';
import { TERMINAL_PHASES, type ExperimentNode } from '../../src/research/experiment-node.ts';
import { createSandbox, inputsFor, readJson, readMasterTable, readNodes, type Sandbox } from './research-fixture.ts';

/** The original system's columns, in its order: tools written for its table must read ours. */
const ORIGINAL_COLUMNS = [
  'run_id', 'name', 'job_id', 'status', 'throughput_samples_per_s', 'step_time_ms', 'steady_step_time_ms', 'ttfb_s',
  'sm_util_pct', 'steady_sm_util_pct', 'data_readiness_pct', 'duration_s', 'changes', 'change_summary', 'notes',
];

let sandbox: Sandbox;
let outcome: RunOutcome;
let nodes: ExperimentNode[];

beforeAll(async () => {
  sandbox = await createSandbox();
  outcome = await runResearch(inputsFor(sandbox, { max_iterations: 4, max_concurrency: 2 }), { showProgress: false });
  nodes = await readNodes(sandbox.workdir);
}, 120_000);

afterAll(async () => {
  await sandbox?.remove();
});

const file = (...parts: string[]) => join(sandbox.workdir, ...parts);

describe('a short run with the offline agent on the stand-in pipeline', () => {
  it('stops on a recorded rule with every experiment finished', async () => {
    const state = await readJson<{ stop_reason?: string; best_id?: string }>(file('state.json'));
    expect(['max_iterations', 'patience', 'planner']).toContain(state.stop_reason);
    expect(outcome.stopReason).toBe(state.stop_reason);

    const engine = await readJson<{ status: string; queued: number; running: number }>(file('engine', 'engine_state.json'));
    expect(engine).toMatchObject({ status: 'stopped', queued: 0, running: 0 });
    expect(nodes.map((node) => node.id).slice(0, 4)).toEqual(['000_baseline', '001_headspace', '002_subprocess', '003_baseline_repeat']);
    expect(nodes.length).toBeGreaterThan(4); // planning added experiments after the seeds
    for (const node of nodes) expect(TERMINAL_PHASES.has(node.phase), `${node.id} is ${node.phase}`).toBe(true);
  });

  it('writes config.json from the inputs, so resume needs the workdir alone', async () => {
    const config = await readJson<Record<string, unknown>>(file('config.json'));
    expect(config).toMatchObject({ pipeline_script: 'train.py', source_dir: sandbox.sourceDir, max_iterations: 4, max_concurrency: 2 });
    expect(config.search_space).toMatchObject({ headspace: { flag: '--cache' } });
  });

  it('keeps master_table.tsv with the original columns first and one row per finished experiment', async () => {
    const { header, rows } = await readMasterTable(sandbox.workdir);
    expect(header.slice(0, ORIGINAL_COLUMNS.length)).toEqual(ORIGINAL_COLUMNS);
    expect(rows.map((row) => row.run_id)).toEqual(nodes.map((node) => node.id));
    expect(new Set(rows.map((row) => row.run_id)).size).toBe(rows.length);

    const baseline = rows.find((row) => row.run_id === '000_baseline')!;
    expect(Number(baseline.throughput_samples_per_s)).toBeCloseTo(200, 0); // 8 samples per 40 ms step
    expect(baseline.job_id).toBe(`${outcome.config.run_name}-000_baseline-0`);
  });

  it('never names a headspace run the best, though one is the fastest', async () => {
    const { rows } = await readMasterTable(sandbox.workdir);
    const throughput = (row: Record<string, string>) => Number(row.throughput_samples_per_s);
    const best = rows.filter((row) => row.is_best === 'yes');
    expect(best).toHaveLength(1);
    const headspaceIds = nodes.filter((node) => node.is_headspace).map((node) => node.id);
    expect(headspaceIds).not.toContain(best[0]!.run_id);

    // The stand-in's cache makes a headspace run faster than any run at the same settings.
    const fastest = rows.reduce((top, row) => (throughput(row) > throughput(top) ? row : top));
    expect(headspaceIds).toContain(fastest.run_id);
    expect(throughput(best[0]!)).toBeGreaterThan(throughput(rows.find((row) => row.run_id === '000_baseline')!));
    const state = await readJson<{ best_id?: string }>(file('state.json'));
    expect(state.best_id).toBe(best[0]!.run_id);
  });

  it('summarizes the best, the baseline, the headspace bound and the stop reason in summary.md', async () => {
    const summary = await readFile(file('summary.md'), 'utf8');
    const state = await readJson<{ stop_reason: string; best_id: string }>(file('state.json'));
    expect(summary).toMatch(/^- Baseline: 200\.00 samples\/s$/m);
    expect(summary).toMatch(new RegExp(`^- Best: \\*\\*[\\d.]+ samples/s\\*\\* \\(${state.best_id}\\)`, 'm'));
    expect(summary).toMatch(/^- At the baseline's configuration \(001_headspace\) the headspace bound is [\d.]+ samples\/s/m);
    expect(summary).toContain(`Stopped planning: **${state.stop_reason}**`);
    for (const node of nodes) expect(summary).toContain(node.id);
  });

  it('ends with a headspace run at the best configuration, and reports the bound it measured', async () => {
    const state = await readJson<{ best_id: string }>(file('state.json'));
    const best = nodes.find((node) => node.id === state.best_id)!;
    const closing = nodes.at(-1)!;
    expect(closing.id).toMatch(/^\d{3}_headspace_at_best$/);
    expect(closing).toMatchObject({ parent_id: best.id, is_headspace: true, knobs: best.knobs, phase: 'completed', verdict: 'no_gain' });
    expect(closing.launch_command).toContain('--cache');
    expect(nodes.filter((node) => node.is_headspace)).toHaveLength(2);

    const summary = await readFile(file('summary.md'), 'utf8');
    expect(summary).toMatch(new RegExp(`^- At the best's configuration \\(${closing.id}, on ${best.id}\\) the bound is [\\d.]+ samples/s: loading work could still win up to [\\d.]+% on top of the best\\.$`, 'm'));
  });

  it('lists every experiment in engine/tree.json, with parents that resolve', async () => {
    const tree = await readJson<ExperimentNode[]>(file('engine', 'tree.json'));
    expect(tree.map((node) => node.id).sort()).toEqual(nodes.map((node) => node.id).sort());
    const ids = new Set(tree.map((node) => node.id));
    for (const node of tree) if (node.parent_id) expect(ids.has(node.parent_id), `${node.id} → ${node.parent_id}`).toBe(true);
  });

  it('keeps spec.json, status.txt and result.json for each experiment, and analysis.md for each measured one', async () => {
    for (const node of nodes) {
      expect((await readFile(file('engine', 'nodes', node.id, 'status.txt'), 'utf8')).trim()).toBe(node.phase);
      const result = await readJson<{ id: string; phase: string }>(file('engine', 'nodes', node.id, 'result.json'));
      expect(result).toMatchObject({ id: node.id, phase: node.phase });
      if (node.metrics?.throughput_samples_per_s !== undefined) {
        await access(file('runs', node.id, 'metrics', 'summary.json'));
        expect(await readFile(file('runs', node.id, 'analysis.md'), 'utf8')).toContain(`# ${node.id}`);
      }
    }
    expect(nodes.filter((node) => node.metrics?.throughput_samples_per_s !== undefined).length).toBe(nodes.length);
  });

  it('judges each planned change against its parent in analysis.md', async () => {
    const planned = nodes.filter((node) => !node.seed && !node.repeat_of && !node.is_headspace && node.phase === 'completed');
    expect(planned.length).toBeGreaterThan(0);
    for (const node of planned) {
      const analysis = await readFile(file('runs', node.id, 'analysis.md'), 'utf8');
      expect(analysis).toMatch(/^Hypothesis: \*\*(confirmed|refuted|inconclusive)\*\* — Against its parent the metric changed by [+-][\d.]+% \(margin ±[\d.]+%\)/m);
    }
  });

  it('writes the run log and both pictures', async () => {
    expect(await readFile(file('logs', 'autoresearch.log'), 'utf8')).toContain('"msg":"engine started"');
    await access(file('progress.png'));
    await access(file('hypothesis_tree.png'));
  });
});
