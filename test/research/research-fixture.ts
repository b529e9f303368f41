import { execa, type ResultPromise } from 'execa';
import { writeFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
 * of the 12 steps really take that long, so a job is seen running; jobs wait while
 * {@link holdFile} exists.
 */
export function inputsFor(sandbox: Sandbox, settings: RunInputs['settings'] = {}, stepSleepMs = 0): RunInputs {
  const holdWhile = ` --hold-while ${holdFile(sandbox)}`;
  return {
    workdir: sandbox.workdir,
    pipelineScript: 'train.py',
    sourceDir: sandbox.sourceDir,
    buildCommand: 'python3 -m py_compile train.py',
    baseLaunchCommand: `python3 train.py --steps 12${stepSleepMs ? ` --step-sleep-ms ${stepSleepMs}` : ''}${holdWhile}`,
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

/** While this file exists, the stand-in pipeline's jobs wait before their first step. */
export function holdFile(sandbox: Sandbox): string {
  return join(sandbox.root, 'hold');
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

const CHILD_OPTIONS = { reject: false, cwd: resolve(import.meta.dirname, '..', '..') } as const;

/** A run of the research loop in a child process (see run-research-child.ts). */
export type RunProcess = ResultPromise<typeof CHILD_OPTIONS>;

/** Starts a run (with `inputs`) or a resume (without) of the research loop in a child process. */
export function startRunProcess(sandbox: Sandbox, inputs?: RunInputs): RunProcess {
  const args = ['--import', 'tsx', CHILD_SCRIPT, sandbox.workdir];
  if (!inputs) return execa('node', args, CHILD_OPTIONS);
  const { workdir: _workdir, ...rest } = inputs;
  const inputsPath = join(sandbox.root, 'inputs.json');
  writeFileSync(inputsPath, JSON.stringify(rest));
  return execa('node', [...args, inputsPath], CHILD_OPTIONS);
}

/** The phase in each engine/nodes/<id>/status.txt. */
export async function readPhases(workdir: string): Promise<Map<string, string>> {
  const dir = join(workdir, 'engine', 'nodes');
  const ids = await readdir(dir).catch(() => [] as string[]);
  const phases = new Map<string, string>();
  for (const id of ids) {
    const phase = (await readFile(join(dir, id, 'status.txt'), 'utf8').catch(() => '')).trim();
    if (phase) phases.set(id, phase);
  }
  return phases;
}

/** Resolves once the run log says `count` hypothesis-tree pictures were drawn (or given up). */
export async function waitForTreePictures(workdir: string, count: number): Promise<void> {
  const log = join(workdir, 'logs', 'autoresearch.log');
  const drawn = async () => ((await readFile(log, 'utf8').catch(() => '')).match(/hypothesis_tree\.png/g) ?? []).length;
  while ((await drawn()) < count) await sleep(20);
}

/**
 * Polls the experiments' status files until one is in `phases` (and passes `accept`); returns
 * its id, or undefined when the child ended first.
 */
export async function waitForPhase(
  workdir: string,
  child: ResultPromise,
  phases: readonly string[],
  accept: (id: string) => boolean = () => true,
): Promise<string | undefined> {
  let hasExited = false;
  void child.finally(() => (hasExited = true));
  while (!hasExited) {
    for (const [id, phase] of await readPhases(workdir)) if (phases.includes(phase) && accept(id)) return id;
    await sleep(2);
  }
  return undefined;
}

/** Polls engine/jobs until a job name is claimed; returns the claim's file name, or undefined when the child ended first. */
export async function waitForClaim(workdir: string, child: RunProcess): Promise<string | undefined> {
  let hasExited = false;
  void child.finally(() => (hasExited = true));
  while (!hasExited) {
    const claims = await readdir(join(workdir, 'engine', 'jobs')).catch(() => [] as string[]);
    const claim = claims.find((name) => name.endsWith('.json'));
    if (claim) return claim;
    await sleep(1);
  }
  return undefined;
}
