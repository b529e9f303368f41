import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { enginePaths, readCheckpoint } from '../../src/engine/index.ts';

const worker = join(import.meta.dirname, 'fixtures', 'chaos-worker.ts');
const expectedIds = (() => {
  const ids: string[] = [];
  const grow = (id: string, depth: number): void => {
    ids.push(id);
    if (depth < 2) [0, 1, 2].forEach((k) => grow(`${id}.${k}`, depth + 1));
  };
  for (let i = 0; i < 5; i++) grow(`r${i}`, 0);
  return ids.sort();
})();

let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'engine-chaos-'));
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

function startWorker(taskDelayMs = 20): ResultPromise<{ reject: false }> {
  return execa('node', ['--import', 'tsx', worker, workdir, String(taskDelayMs)], { reject: false });
}

/** A small deterministic generator, so a failing run can be replayed from its printed seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Resolves once the worker holds the workdir lock, so kills land in engine work, not in start-up. */
async function engineStarted(child: ResultPromise<{ reject: false }>): Promise<void> {
  const lock = enginePaths(workdir).lock;
  const holdsLock = async (): Promise<boolean> => (await readFile(lock, 'utf8').catch(() => '')).trim() === String(child.pid);
  while (child.exitCode === null && !(await holdsLock())) await sleep(5);
}

async function countRecorded(): Promise<number> {
  const log = await readFile(join(workdir, 'results.log'), 'utf8').catch(() => '');
  return log.split('\n').filter(Boolean).length;
}

async function assertEveryTaskRecordedOnce(): Promise<void> {
  const log = (await readFile(join(workdir, 'results.log'), 'utf8')).split('\n').filter(Boolean);
  expect(log.slice().sort()).toEqual(expectedIds);

  const results = (await readdir(join(workdir, 'results'))).filter((name) => name.endsWith('.json'));
  expect(results.length).toBe(expectedIds.length);
  for (const name of results) JSON.parse(await readFile(join(workdir, 'results', name), 'utf8'));

  for (const name of await readdir(join(workdir, 'engine'))) {
    if (name.endsWith('.json')) JSON.parse(await readFile(join(workdir, 'engine', name), 'utf8'));
  }
  const checkpoint = await readCheckpoint(enginePaths(workdir).checkpoint);
  expect(checkpoint).toMatchObject({ status: 'stopped', queued: [], running: [], counts: { completed: 65, failed: 0 } });
}

it('survives kill -9 at random instants: every task finishes, each result recorded exactly once', async () => {
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  const kills = Number(process.env.CHAOS_KILLS ?? 12);
  const next = random(seed);
  console.log(`crash test: CHAOS_SEED=${seed} CHAOS_KILLS=${kills}`);

  let killed = 0;
  const recordedAtKill: number[] = [];
  for (let round = 0; round < kills; round++) {
    const child = startWorker();
    await engineStarted(child);
    await sleep(next() * 400);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      killed += 1;
    }
    const outcome = await child;
    if (outcome.isTerminated) {
      recordedAtKill.push(await countRecorded());
      continue;
    }
    if (outcome.exitCode !== 0) throw new Error(`worker failed (seed ${seed}): ${outcome.stderr}`);
    break; // finished before the kill: the run is complete
  }

  const final = await startWorker();
  expect(final.exitCode, final.stderr).toBe(0);
  console.log(`crash test: seed ${seed}, ${killed} kills, results recorded at each kill: ${recordedAtKill.join(' ')}`);
  expect(recordedAtKill.some((n) => n > 0 && n < expectedIds.length)).toBe(true); // kills landed mid-run
  await assertEveryTaskRecordedOnce();
}, 120_000);

it('on SIGINT, exits promptly with status interrupted, then resumes cleanly', async () => {
  const child = startWorker(400);
  const paths = enginePaths(workdir);
  for (let i = 0; i < 200; i++) {
    const state = await readFile(paths.state, 'utf8').catch(() => '');
    if (state.includes('"running": 3')) break;
    await sleep(50);
  }
  const interruptedAt = Date.now();
  child.kill('SIGINT');
  const stopped = await child;
  console.log(`SIGINT to exit: ${Date.now() - interruptedAt} ms`);
  expect(stopped.exitCode, stopped.stderr).toBe(0);
  expect(JSON.parse(stopped.stdout)).toMatchObject({ status: 'interrupted' });

  const checkpoint = await readCheckpoint(paths.checkpoint);
  expect(checkpoint?.status).toBe('interrupted');
  expect(checkpoint!.running.length + checkpoint!.queued.length).toBeGreaterThan(0);
  expect(JSON.parse(await readFile(paths.state, 'utf8')).status).toBe('interrupted');

  const resumed = await startWorker();
  expect(resumed.exitCode, resumed.stderr).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'stopped' });
  await assertEveryTaskRecordedOnce();
}, 60_000);
