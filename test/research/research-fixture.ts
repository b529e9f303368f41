import { execa } from 'execa';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunInputs } from '../../src/research/research-setup.ts';
import type { ExperimentNode } from '../../src/research/experiment-node.ts';

/** The stand-in pipeline of these tests and its search space. */
export const FIXTURE_DIR = resolve(import.meta.dirname, '..', 'fixtures', 'research');
export const PIPELINE_DIR = join(FIXTURE_DIR, 'pipeline');
export const SEARCH_SPACE = join(PIPELINE_DIR, 'search-space.json');
export const CHILD_SCRIPT = join(FIXTURE_DIR, 'run-research-child.ts');

/** A temp folder holding a git repository with the stand-in pipeline, and an empty workdir path. */
export interface Sandbox {
  root: string;
  sourceDir: string;
  workdir: string;
  remove(): Promise<void>;
}

export async function createSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'research-test-'));
  const sourceDir = join(root, 'pipeline');
  await cp(PIPELINE_DIR, sourceDir, { recursive: true });
  await rm(join(sourceDir, 'search-space.json'));
  await writeFile(join(sourceDir, '.gitignore'), '__pycache__/\n');
  const git = (...args: string[]) => execa('git', ['-c', 'user.name=test', '-c', 'user.email=test@localhost', ...args], { cwd: sourceDir });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'pipeline');
  return { root, sourceDir, workdir: join(root, 'workdir'), remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * First-run inputs for the stand-in pipeline: short jobs, quick polls. `stepSleepMs` makes each
 * of the 12 steps really take that long, so a job is seen running.
 */
export function inputsFor(sandbox: Sandbox, settings: RunInputs['settings'] = {}, stepSleepMs = 0): RunInputs {
  return {
    workdir: sandbox.workdir,
    pipelineScript: 'train.py',
    sourceDir: sandbox.sourceDir,
    buildCommand: 'python3 -m py_compile train.py',
    baseLaunchCommand: `python3 train.py --steps 12${stepSleepMs ? ` --step-sleep-ms ${stepSleepMs}` : ''}`,
    searchSpace: SEARCH_SPACE,
    settings: {
      max_concurrency: 1,
      max_iterations: 4,
      patience: 8,
      job_timeout_s: 60,
      wall_clock_limit_s: 120,
      poll_interval_s: 0.1,
      ...settings,
    },
  };
}

/** Every experiment as saved in engine/nodes/<id>/spec.json. */
export async function readNodes(workdir: string): Promise<ExperimentNode[]> {
  const dir = join(workdir, 'engine', 'nodes');
  const ids = await readdir(dir).catch(() => [] as string[]);
  const nodes = await Promise.all(ids.map(async (id) => JSON.parse(await readFile(join(dir, id, 'spec.json'), 'utf8')) as ExperimentNode));
  return nodes.sort((a, b) => a.order - b.order);
}

/** master_table.tsv as a header and rows of cells keyed by column. */
export async function readMasterTable(workdir: string): Promise<{ header: string[]; rows: Record<string, string>[] }> {
  const lines = (await readFile(join(workdir, 'master_table.tsv'), 'utf8')).split('\n').filter(Boolean);
  const header = lines[0]!.split('\t');
  const rows = lines.slice(1).map((line) => Object.fromEntries(line.split('\t').map((cell, i) => [header[i]!, cell])));
  return { header, rows };
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
