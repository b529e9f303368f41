import { UnknownImplementationError } from '../../../src/platform/implementation-registry.ts';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobLostError, LaunchFailedError } from '../../../src/platform/execution/execution-errors.ts';
import { createExecution } from '../../../src/platform/execution/execution-registry.ts';
import { jobFailure } from '../../../src/platform/execution/job-failure.ts';
import { FailureRecordSchema } from '../../../src/platform/failure.ts';
import type { Job, JobStatus, LaunchRequest } from '../../../src/platform/execution/execution.ts';
import { LocalExecution } from '../../../src/platform/execution/local/local-execution.ts';
import { isProcessGroupAlive } from '../../../src/platform/execution/local/process-group.ts';
import { isProcessRunning } from './process-state.ts';

let folder: string;
let execution: LocalExecution;
const launched: Job[] = [];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ar-exec-'));
  execution = newExecution();
});

afterEach(async () => {
  for (const job of launched.splice(0)) await execution.cancel(job);
  await rm(folder, { recursive: true, force: true });
});

function newExecution() {
  return new LocalExecution({ indexDir: join(folder, 'index'), launchGraceMs: 300, cancelGraceMs: 500 });
}

function request(jobName: string, command: string, extra: Partial<LaunchRequest> = {}): LaunchRequest {
  return { jobName, command, cwd: folder, jobDir: join(folder, 'runs', jobName, 'job'), ...extra };
}

async function launch(launchRequest: LaunchRequest, on = execution): Promise<Job> {
  const job = await on.launch(launchRequest);
  launched.push(job);
  return job;
}

/** Polls every 50 ms until the job is no longer running. */
async function waitForEnd(job: Job, on = execution): Promise<JobStatus> {
  for (;;) {
    const status = await on.poll(job);
    if (status.state !== 'running') return status;
    await sleep(50);
  }
}

async function waitForFile(path: string): Promise<string> {
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim()) return text.trim();
    await sleep(25);
  }
}

describe('launch and poll', () => {
  it('runs the command in its folder with its environment and logs, then reports success', async () => {
    const command = 'pwd; echo "$GREETING"; echo "[autoresearch] step=1" >&2; echo warn >&2';
    const job = await launch(request('ok', command, { env: { GREETING: 'hello' } }));

    const status = await waitForEnd(job);

    expect(status).toMatchObject({ state: 'succeeded', exitCode: 0, progress: { progressLines: 1, lastLine: '[autoresearch] step=1' } });
    expect(await readFile(job.stdoutPath, 'utf8')).toBe(`${folder}\nhello\n`);
    expect(await readFile(job.stderrPath, 'utf8')).toContain('warn');
    const record = JSON.parse(await readFile(join(job.jobDir, 'job.json'), 'utf8'));
    expect(record).toMatchObject({ name: 'ok', pid: job.pid, pgid: job.pid, exitCode: 0 });
    expect(Date.parse(record.endedAt)).toBeGreaterThanOrEqual(Date.parse(record.startedAt) - 1000);
  });

  it('reports a failed job with its own exit code', async () => {
    const job = await launch(request('bad', 'echo boom >&2; exit 7'));

    const status = await waitForEnd(job);

    expect(status).toMatchObject({ state: 'failed', exitCode: 7 });
    expect(jobFailure(job, status)?.message).toBe(`Job bad exited with code 7 before any progress line; see ${job.stderrPath}.`);
  });

  it('runs the job as the leader of its own session and process group', async () => {
    const job = await launch(request('detached', 'sleep 30'));

    const stat = await readFile(`/proc/${job.pid}/stat`, 'utf8');
    const [, , pgrp, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(Number(pgrp)).toBe(job.pid);
    expect(Number(session)).toBe(job.pid);
    expect(job.pgid).not.toBe(process.pid);
  });

  it('refuses a missing working folder and frees the name for a corrected launch', async () => {
    const missing = join(folder, 'missing');

    const error = await execution.launch(request('retry', 'true', { cwd: missing })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchFailedError);
    expect((error as LaunchFailedError).message).toBe(`Job retry could not be launched: the working folder ${missing} does not exist`);

    const job = await launch(request('retry', 'true'));
    await expect(waitForEnd(job)).resolves.toMatchObject({ state: 'succeeded' });
  });

  it('refuses a job folder that already holds files, and a name that is not a file name', async () => {
    const jobDir = join(folder, 'used');
    await mkdir(jobDir);
    await writeFile(join(jobDir, 'exit_code'), '0\n');

    await expect(execution.launch(request('fresh', 'true', { jobDir }))).rejects.toThrow('already holds files (exit_code)');
    expect(await readFile(join(jobDir, 'exit_code'), 'utf8')).toBe('0\n');
    await expect(execution.find('fresh')).resolves.toBeUndefined();
    await expect(execution.launch(request('../escape', 'true'))).rejects.toThrow(LaunchFailedError);
  });
});

describe('cancel', () => {
  it('ends the whole process group and reports the job cancelled', async () => {
    const childPidFile = join(folder, 'child.pid');
    const job = await launch(request('tree', `sleep 30 & echo $! > ${childPidFile}; sleep 30`));
    const childPid = Number(await waitForFile(childPidFile));

    await execution.cancel(job);

    expect(await isProcessRunning(childPid)).toBe(false);
    expect(await isProcessGroupAlive(job.pgid)).toBe(false);
    await expect(execution.poll(job)).resolves.toMatchObject({ state: 'cancelled', exitCode: 143 });
  });

  it('reports a job killed from outside, with no exit code, as lost', async () => {
    const job = await launch(request('killed', 'sleep 30'));
    await waitForFile(join(job.jobDir, 'pid'));

    process.kill(-job.pgid, 'SIGKILL');

    await expect(waitForEnd(job)).resolves.toMatchObject({ state: 'lost' });
  });

  it('does not mistake a new process group reusing the id for the job', async () => {
    const job = await launch(request('reused', 'sleep 30'));
    expect(job.leaderStartTicks).toBeTypeOf('number');
    const impostor = { ...job, leaderStartTicks: (job.leaderStartTicks ?? 0) + 1 };

    await expect(execution.poll(impostor)).resolves.toMatchObject({ state: 'lost' });
    await execution.cancel(impostor);

    expect(await isProcessGroupAlive(job.pgid, job.leaderStartTicks)).toBe(true);
  });
});

describe('limits', () => {
  it('cancels a job whose progress lines stop and reports it stalled', async () => {
    const command = 'for i in 1 2 3; do echo "[autoresearch] step=$i"; done; sleep 30';
    // A generous start-up allowance, so only the silence after the progress lines can stop it.
    const limits = { stallTimeoutMs: 300, noProgressStallFactor: 100 };
    const job = await launch(request('stall', command, { limits }));

    const status = await waitForEnd(job);

    expect(status).toMatchObject({ state: 'stalled', progress: { progressLines: 3, lastLine: '[autoresearch] step=3' } });
    expect(await isProcessGroupAlive(job.pgid)).toBe(false);
    const failure = FailureRecordSchema.parse(jobFailure(job, status));
    expect(failure).toMatchObject({ kind: 'job_stalled', phase: 'job', details: { progressSeen: true } });
    expect(failure.message).toBe('Job stall printed no progress line for 300 ms (after progress was seen) and was cancelled.');
  });

  it('cancels a job that runs past the wall-clock limit even while it prints progress', async () => {
    const command = 'while true; do echo "[autoresearch] tick"; sleep 0.05; done';
    const job = await launch(request('forever', command, { limits: { stallTimeoutMs: 10_000, wallClockLimitMs: 400 } }));

    const status = await waitForEnd(job);

    expect(status.state).toBe('timed_out');
    expect(jobFailure(job, status)?.kind).toBe('job_timed_out');
    expect(status.progress.progressLines).toBeGreaterThan(0);
    expect(await isProcessGroupAlive(job.pgid)).toBe(false);
  });

  it('keeps the progress marker in the job folder, so a restarted engine continues from it', async () => {
    const job = await launch(request('marker', 'echo "[autoresearch] step=1"; sleep 30'));
    await waitForFile(job.stdoutPath);
    const before = await execution.poll(job);

    const after = await newExecution().poll(job);

    expect(before.progress).toMatchObject({ progressLines: 1, lastLine: '[autoresearch] step=1' });
    expect(after.progress).toEqual(before.progress);
    const marker = JSON.parse(await readFile(join(job.jobDir, 'progress.json'), 'utf8'));
    expect(marker.lastProgressAt).toBe(before.progress.lastProgressAt);
  });
});

describe('crash safety', () => {
  it('records the exit code of a job whose launching process was killed', async () => {
    const goFile = join(folder, 'go');
    const command = `while [ ! -f ${goFile} ]; do sleep 0.05; done; echo "[autoresearch] done"; exit 5`;
    const launcherPath = fileURLToPath(new URL('./launch-then-hang.ts', import.meta.url));
    const indexDir = join(folder, 'index');
    // Its own group, so SIGKILL reaches npx, tsx and the node process they start: the whole engine.
    const args = ['tsx', launcherPath, indexDir, join(folder, 'runs', 'orphan'), folder, 'orphan', command];
    const launcher = execa('npx', args, { detached: true, reject: false });
    const job = await new Promise<Job>((resolve) => launcher.stdout.once('data', (chunk) => resolve(JSON.parse(String(chunk)))));
    launched.push(job);

    process.kill(-(launcher.pid ?? 0), 'SIGKILL');
    expect((await launcher).signal).toBe('SIGKILL');
    await writeFile(goFile, '');

    const found = await newExecution().find('orphan');
    expect(found).toEqual(job);
    await expect(waitForEnd(job)).resolves.toMatchObject({ state: 'failed', exitCode: 5, progress: { progressLines: 1 } });
    expect(await readFile(join(job.jobDir, 'exit_code'), 'utf8')).toBe('5\n');
  });

  it('returns the running job instead of starting a second one when launched again', async () => {
    const startsFile = join(folder, 'starts');
    const job = await launch(request('once', `echo started >> ${startsFile}; sleep 30`));
    await waitForFile(startsFile);

    const again = await launch(request('once', 'echo other >> /dev/null'), newExecution());

    expect(again).toEqual(job);
    expect(await readFile(startsFile, 'utf8')).toBe('started\n');
  });

  it('rebuilds the job record when the launcher died between spawning and recording the job', async () => {
    const job = await launch(request('half', 'sleep 30'));
    await waitForFile(join(job.jobDir, 'pid'));
    await rm(join(job.jobDir, 'job.json'));

    const found = await newExecution().find('half');

    expect(found).toMatchObject({ name: 'half', pid: job.pid, pgid: job.pgid, command: 'sleep 30' });
    await expect(stat(join(job.jobDir, 'job.json'))).resolves.toBeTruthy();
  });

  it('reports a name claimed by a launcher that died before spawning as lost, and starts nothing', async () => {
    const jobDir = join(folder, 'runs', 'ghost');
    const claim = { name: 'ghost', jobDir, command: 'echo ran > ran', cwd: folder, limits: { noProgressStallFactor: 3 }, claimedAt: new Date().toISOString() };
    await mkdir(join(folder, 'index'), { recursive: true });
    await writeFile(join(folder, 'index', 'ghost.json'), JSON.stringify(claim));

    const error = await execution.launch(request('ghost', 'echo ran > ran')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(JobLostError);
    expect((error as JobLostError).failure).toMatchObject({ kind: 'job_lost', phase: 'launch' });
    expect((error as JobLostError).message).toContain('Launch it again under a new job name.');
    await expect(stat(join(folder, 'ran'))).rejects.toThrow();
  });

  it('lets exactly one of several concurrent launches of one name start the job', async () => {
    const startsFile = join(folder, 'starts');
    const launchRequest = request('race', `echo started >> ${startsFile}; sleep 30`);

    const jobs = await Promise.all([newExecution(), newExecution(), newExecution()].map((e) => launch(launchRequest, e)));

    expect(new Set(jobs.map((job) => job.pid)).size).toBe(1);
    await waitForFile(startsFile);
    expect(await readFile(startsFile, 'utf8')).toBe('started\n');
  });
});

describe('createExecution', () => {
  it('builds the local execution and lists the valid names for an unknown one', () => {
    expect(createExecution('local', { indexDir: folder })).toBeInstanceOf(LocalExecution);
    expect(() => createExecution('slurm', { indexDir: folder })).toThrow(UnknownImplementationError);
    expect(() => createExecution('slurm', { indexDir: folder })).toThrow('Unknown execution "slurm"; expected one of: local.');
  });
});
