import { execa } from 'execa';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_SPACE, createSandbox, readMasterTable, readNodes, type Sandbox } from '../research/research-fixture.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'autoresearch.js');
const autoresearch = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, env: { ANTHROPIC_API_KEY: '' } });

let sandbox: Sandbox;
let run: Awaited<ReturnType<typeof autoresearch>>;

/** The first-run flags for the stand-in pipeline, with `overrides` replacing or adding flags. */
function runFlags(workdir: string, overrides: Record<string, string | undefined> = {}): string[] {
  const flags: Record<string, string | undefined> = {
    '--workdir': workdir,
    '--pipeline-script': 'train.py',
    '--source-dir': sandbox.sourceDir,
    '--build-command': 'python3 -m py_compile train.py',
    '--base-launch-command': 'python3 train.py --steps 12',
    '--search-space': SEARCH_SPACE,
    '--max-iterations': '1',
    '--max-concurrency': '2',
    '--budget-job-hours': '5',
    '--min-effect-pct': '3',
    ...overrides,
  };
  return ['run', ...Object.entries(flags).flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]))];
}

beforeAll(async () => {
  sandbox = await createSandbox();
  run = await autoresearch(...runFlags(sandbox.workdir));
}, 120_000);

afterAll(async () => {
  await sandbox?.remove();
});

describe('autoresearch run', () => {
  it('runs the loop with the offline agent and prints where the workdir is and the headline', async () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`workdir: ${sandbox.workdir}`);
    expect(run.stdout).toMatch(/^engine: stopped \(\d+ completed, 0 failed, 0 queued\)$/m);
    expect(run.stdout).toMatch(/^throughput_samples_per_s: baseline 200\.0 → best [\d.]+ \([\d.]+×, \S+\)$/m);
    expect(run.stdout).toContain('stopped: max_iterations');
    expect(run.stdout).toMatch(/^why it stopped: \d+ experiments after the seeds reached max_iterations 1$/m);
    const config = JSON.parse(await readFile(join(sandbox.workdir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ max_iterations: 1, max_concurrency: 2, agent: { name: 'offline' }, budget: { job_hours: 5 }, min_effect_pct: 3 });
  });
});

describe('autoresearch status', () => {
  it('prints the engine state, one table line per experiment with its phase, and the best', async () => {
    const status = await autoresearch('status', sandbox.workdir);
    expect(status.exitCode, status.stderr).toBe(0);
    const nodes = await readNodes(sandbox.workdir);
    expect(status.stdout).toMatch(/^run run-\S+ {2}engine stopped/m);
    expect(status.stdout).toMatch(/^best \S+: [\d.]+ throughput_samples_per_s, baseline 200\.00 → [\d.]+×$/m);
    expect(status.stdout).toContain('stopped planning: max_iterations');
    for (const node of nodes) expect(status.stdout).toMatch(new RegExp(`^${node.order} +${node.id}\\*? +${node.phase} +${node.verdict} `, 'm'));
    expect(status.stdout).toContain('running jobs: none');
  });

  it('refuses a folder that is not a workdir with exit code 2', async () => {
    const status = await autoresearch('status', sandbox.sourceDir);
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toContain(`${join(sandbox.sourceDir, 'config.json')} not found`);
  });
});

describe('autoresearch report', () => {
  it('writes final_report.md from the run data', async () => {
    const report = await autoresearch('report', sandbox.workdir);
    expect(report.exitCode, report.stderr).toBe(0);
    const path = join(sandbox.workdir, 'final_report.md');
    expect(report.stdout).toContain(`wrote ${path}`);
    const text = await readFile(path, 'utf8');
    const { rows } = await readMasterTable(sandbox.workdir);
    const best = rows.find((row) => row.is_best === 'yes')!;
    expect(text).toMatch(new RegExp(`baseline 200\\.00 samples/s → best [\\d.]+ samples/s \\(\\*\\*[\\d.]+×\\*\\*, ${best.run_id}\\)`));
    for (const heading of ['## Headspace', '## Path to the best', '## What worked', '## What did not', '## Failures']) expect(text).toContain(heading);
    expect(text).toMatch(/^- Best configuration: threads=\d+, batch_size=\d+(, loading in a subprocess)?$/m);
    expect(text).toContain('stop: max_iterations');
  });
});

describe('bad input', () => {
  const refused = async (args: string[]) => {
    const result = await autoresearch(...args);
    expect(result.exitCode, result.stderr).toBe(2);
    return result.stderr;
  };

  it('names --base-launch-command when it is missing', async () => {
    const workdir = join(sandbox.root, 'no-launch');
    expect(await refused(runFlags(workdir, { '--base-launch-command': undefined }))).toContain('--base-launch-command is required');
    await expect(access(join(workdir, 'config.json'))).rejects.toThrow();
  });

  it('names --pipeline-script when the file does not exist', async () => {
    expect(await refused(runFlags(join(sandbox.root, 'no-script'), { '--pipeline-script': 'missing.py' }))).toContain('--pipeline-script missing.py: no such file');
  });

  it('names --search-space and the bad field of a malformed search space', async () => {
    const space = join(sandbox.root, 'bad-space.json');
    await writeFile(space, JSON.stringify({ knobs: [{ name: 'threads', flag: '--threads', values: [1, 2], default: 3 }] }));
    const stderr = await refused(runFlags(join(sandbox.root, 'bad-space'), { '--search-space': space }));
    expect(stderr).toContain(`--search-space ${space}`);
    expect(stderr).toContain('knobs[0].default');
  });

  it('names the flag of an invalid number, with exit code 2 like every refused input', async () => {
    expect(await refused(runFlags(join(sandbox.root, 'zero'), { '--max-iterations': '0' }))).toContain('--max-iterations expects a whole number of at least 1, got "0"');
    expect(await refused(runFlags(join(sandbox.root, 'free'), { '--budget-usd': '-1' }))).toContain('--budget-usd expects a number above 0, got "-1"');
  });

  it('names the allowed values of --primary-metric and --agent', async () => {
    expect(await refused(runFlags(join(sandbox.root, 'metric'), { '--primary-metric': 'loss' }))).toContain('--primary-metric expects one of auto, throughput_samples_per_s');
    expect(await refused(runFlags(join(sandbox.root, 'agent'), { '--agent': 'gpt' }))).toContain('--agent expects one of offline, anthropic, replay, got "gpt"');
  });

  it('refuses a source folder with uncommitted changes and keeps nothing from the refused attempt', async () => {
    const workdir = join(sandbox.root, 'dirty');
    await writeFile(join(sandbox.sourceDir, 'scratch.py'), 'x = 1\n');
    const stderr = await refused(runFlags(workdir, { '--base-launch-command': 'python3 wrong.py' }));
    expect(stderr).toContain(`The source folder ${sandbox.sourceDir} has uncommitted changes (scratch.py)`);
    // Nothing was kept from the refused attempt: the next run takes its flags, not the old ones.
    await expect(access(join(workdir, 'config.json'))).rejects.toThrow();
  });
});

describe('continuing a finished run', () => {
  it('refuses a flag that would change what the run measures, and leaves config.json as it was', async () => {
    const before = await readFile(join(sandbox.workdir, 'config.json'), 'utf8');
    const result = await autoresearch(...runFlags(sandbox.workdir, { '--base-launch-command': 'python3 train.py --steps 99' }));
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('--base-launch-command differs from the run in');
    expect(result.stderr).toContain('"python3 train.py --steps 12" (config.json base_launch_command)');
    expect(await readFile(join(sandbox.workdir, 'config.json'), 'utf8')).toBe(before);
  });

  it('refuses to switch to the anthropic agent without a key, and changes nothing', async () => {
    const before = await readFile(join(sandbox.workdir, 'config.json'), 'utf8');
    const result = await autoresearch('run', '--workdir', sandbox.workdir, '--agent', 'anthropic');
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('The anthropic agent needs ANTHROPIC_API_KEY');
    expect(result.stderr).not.toContain('changed settings');
    expect(await readFile(join(sandbox.workdir, 'config.json'), 'utf8')).toBe(before);
  });

  it('stays finished when run again with the same limits', async () => {
    const before = await readNodes(sandbox.workdir);
    const again = await autoresearch('run', '--workdir', sandbox.workdir);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await readNodes(sandbox.workdir)).toHaveLength(before.length);
  });

  it('plans again from the last experiment when --max-iterations is raised, and records the new limit', async () => {
    const before = await readNodes(sandbox.workdir);
    const continued = await autoresearch('run', '--workdir', sandbox.workdir, '--max-iterations', '2');
    expect(continued.exitCode, continued.stderr).toBe(0);
    expect(continued.stderr).toContain('with changed settings: max_iterations: 1 → 2');
    expect(continued.stdout).toContain('stopped: max_iterations');

    const after = await readNodes(sandbox.workdir);
    expect(after.filter((node) => !node.seed && !node.repeat_of && !node.is_headspace)).toHaveLength(2);
    const added = after.filter((node) => !before.some((old) => old.id === node.id));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((node) => node.phase === 'completed' || node.phase === 'failed')).toBe(true);
    const config = JSON.parse(await readFile(join(sandbox.workdir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ max_iterations: 2, base_launch_command: 'python3 train.py --steps 12' });
  }, 60_000);
});
