import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumDescendants, survivorsAfter } from '../fixtures/chromium-processes.ts';
import { createSandbox, inputsFor, readJson, readNodes, startRunProcess, waitForClaim, waitForPhase, type RunProcess, type Sandbox } from './research-fixture.ts';
import { expectRunWhole } from './run-invariants.ts';

/**
 * One run killed with SIGKILL in each phase group, resumed after every kill, then resumed to
 * the end. The first round kills wherever the phase shows first (the shortest phases first,
 * while most of the run is ahead); the second only in experiments the planner created, whose
 * planning asks the agent and whose parents are not seeds.
 */
const isPlanned = (id: string): boolean => Number(id.slice(0, 3)) >= 4;
const TARGETS: readonly { phases: readonly string[]; accept?: (id: string) => boolean }[] = [
  { phases: ['launching'] },
  { phases: ['collecting', 'analyzing'] },
  { phases: ['preparing', 'building'] },
  { phases: ['running'] },
  { phases: ['planning'], accept: (id) => Number(id.slice(0, 3)) >= 3 },
  { phases: ['preparing', 'building'], accept: isPlanned },
  { phases: ['launching'], accept: isPlanned },
  { phases: ['running'], accept: isPlanned },
  { phases: ['collecting', 'analyzing'], accept: isPlanned },
  { phases: ['planning'], accept: isPlanned },
];

let sandbox: Sandbox;
const kills: { phases: readonly string[]; id?: string }[] = [];
let firstClaim: string | undefined;
let hasFirstJobStarted = false;
let firstClaimedId = '';

beforeAll(async () => {
  sandbox = await createSandbox();
  const inputs = inputsFor(sandbox, { max_iterations: 4, max_concurrency: 2 }, 30);
  // First a kill the instant the first job name is claimed, before its process can start.
  const first = startRunProcess(sandbox, inputs);
  firstClaim = await waitForClaim(sandbox.workdir, first);
  await killRun(first);
  const claim = await readJson<{ jobDir: string }>(join(sandbox.workdir, 'engine', 'jobs', firstClaim!));
  await sleep(500); // a wrapper spawned just before the kill has recorded its pid by now
  hasFirstJobStarted = await access(join(claim.jobDir, 'pid')).then(() => true, () => false);
  firstClaimedId = basename(dirname(claim.jobDir)); // runs/<id>/job-0

  for (const { phases, accept } of TARGETS) {
    const child = startRunProcess(sandbox);
    const id = await waitForPhase(sandbox.workdir, child, phases, accept);
    await sleep(Math.floor(Math.random() * 40)); // a random instant: early or late in the phase
    await killRun(child);
    kills.push({ phases, ...(id && { id }) });
  }
  const last = await startRunProcess(sandbox);
  expect(last.exitCode, last.stderr).toBe(0);
}, 150_000);

/**
 * kill -9 of the run; its detached jobs run on, and the browser it may be drawing with must die
 * with it rather than linger (the renderer ties the browser's life to the run's).
 */
async function killRun(child: RunProcess): Promise<void> {
  child.kill('SIGSTOP'); // frozen, it starts no browser between the listing and the kill
  const browsers = await chromiumDescendants(child.pid!);
  child.kill('SIGKILL');
  await child;
  expect(await survivorsAfter(browsers), 'Chromium processes left behind by the killed run').toEqual([]);
}

afterAll(async () => {
  await sandbox?.remove();
});

it('launches a job whose name was claimed but whose process never started again, under the next attempt', async (context) => {
  expect(firstClaim).toMatch(new RegExp(`-${firstClaimedId}-0\\.json$`));
  // On a very loaded machine the job may start before the kill lands: then this case did not happen.
  if (hasFirstJobStarted) context.skip('the first job started before the kill');
  const seed = (await readNodes(sandbox.workdir)).find((node) => node.id === firstClaimedId)!;
  expect(seed.seed).toBeDefined();
  expect(seed).toMatchObject({ phase: 'completed', launch_attempt: 1 });
  expect(seed.job_name).toMatch(new RegExp(`-${firstClaimedId}-1$`));
  expect(seed.metrics?.throughput_samples_per_s).toBeGreaterThan(0);
});

it('loses no experiment, repeats none, launches no job twice and keeps the tree whole after kill -9 in each phase', async () => {
  console.log(kills.map((kill) => `${kill.phases.join('/')}: ${kill.id ?? 'missed'}`).join('\n'));
  const nodes = await expectRunWhole(sandbox.workdir);
  expect(nodes.length).toBeGreaterThan(4);
  expect(nodes.filter((node) => node.failure).map((node) => `${node.id}: ${node.notes}`)).toEqual([]);
  // Every phase group was hit at least once (a kill the run outran is reported as missed).
  const hit = new Set(kills.filter((kill) => kill.id).map((kill) => kill.phases.join('/')));
  expect([...hit].sort()).toEqual(['collecting/analyzing', 'launching', 'planning', 'preparing/building', 'running']);
});
