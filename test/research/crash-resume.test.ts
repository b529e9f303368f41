import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumDescendants, createSandbox, inputsFor, startRunProcess, waitForPhase, type Sandbox } from './research-fixture.ts';
import { expectRunWhole } from './run-invariants.ts';

/**
 * One run killed with SIGKILL once in each phase group, resumed after every kill, then resumed
 * to the end. The shortest phases come first, while most of the run is ahead; the planning kill
 * waits for an experiment whose planning asks the agent and creates children (after the seeds).
 */
const TARGETS: readonly { phases: readonly string[]; accept?: (id: string) => boolean }[] = [
  { phases: ['launching'] },
  { phases: ['collecting', 'analyzing'] },
  { phases: ['preparing', 'building'] },
  { phases: ['running'] },
  { phases: ['planning'], accept: (id) => Number(id.slice(0, 3)) >= 3 },
];

let sandbox: Sandbox;
const kills: { phases: readonly string[]; id?: string }[] = [];

beforeAll(async () => {
  sandbox = await createSandbox();
  const inputs = inputsFor(sandbox, { max_iterations: 4, max_concurrency: 2 }, 30);
  for (const [index, { phases, accept }] of TARGETS.entries()) {
    const child = startRunProcess(sandbox, index === 0 ? inputs : undefined);
    const id = await waitForPhase(sandbox.workdir, child, phases, accept);
    await sleep(Math.floor(Math.random() * 40)); // a random instant: early or late in the phase
    child.kill('SIGSTOP'); // frozen, it starts no browser between the listing and the kill
    const browsers = await chromiumDescendants(child.pid!);
    child.kill('SIGKILL');
    await child;
    for (const browser of browsers) killIfAlive(browser);
    kills.push({ phases, ...(id && { id }) });
  }
  const last = await startRunProcess(sandbox);
  expect(last.exitCode, last.stderr).toBe(0);
}, 150_000);

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone with its parent
  }
}

afterAll(async () => {
  await sandbox?.remove();
});

it('loses no experiment, repeats none, launches no job twice and keeps the tree whole after kill -9 in each phase', async () => {
  console.log(kills.map((kill) => `${kill.phases.join('/')}: ${kill.id ?? 'missed'}`).join('\n'));
  const nodes = await expectRunWhole(sandbox.workdir);
  expect(nodes.length).toBeGreaterThan(4);
  expect(kills.filter((kill) => kill.id).length).toBeGreaterThanOrEqual(4);
});
