import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { readJsonFile, writeFileDurably, writeJsonDurably } from '../../../engine/durable-file.ts';
import {
  JobLimitsSchema,
  JobNameSchema,
  JobSchema,
  type CancelReason,
  type Execution,
  type Job,
  type JobLimitsOptions,
  type JobStatus,
  type LaunchRequest,
} from '../execution.ts';
import { JobLostError, LaunchFailedError } from '../execution-errors.ts';
import { brokenLimit } from './broken-limit.ts';
import { JobClaimSchema, JobFiles, type JobClaim } from './job-files.ts';
import { spawnJobWrapper } from './job-wrapper.ts';
import {
  isProcessGroupAlive,
  readProcessStartTicks,
  terminateProcessGroup,
} from './process-group.ts';
import { trackProgress } from './progress-tracker.ts';

/** Options of {@link LocalExecution}. */
export interface LocalExecutionOptions {
  /** Folder where job names are claimed, one file per name (e.g. `<workdir>/engine/jobs`). */
  indexDir: string;
  /** Limits for launches that give none. Default: no stall check, no wall-clock limit. */
  defaultLimits?: JobLimitsOptions;
  /**
   * How long after its claim a job may go without recording its pid before `find`/`launch`
   * call it lost. Covers the moment between spawning the wrapper and its first line. Default
   * 5000 ms.
   */
  launchGraceMs?: number;
  /** On cancel, time between SIGTERM and SIGKILL. Default 5000 ms. */
  cancelGraceMs?: number;
  /** Receives debug and warn lines; silent by default. */
  logger?: Logger;
}

const PID_POLL_INTERVAL_MS = 50;

/**
 * The local {@link Execution}: each job is a detached process group (its own session) run by a
 * small shell wrapper that records the job's pid and exit code in the job folder, so both
 * survive the engine. See README.md beside this file for the launch protocol.
 */
export class LocalExecution implements Execution {
  readonly #indexDir: string;
  readonly #defaultLimits: JobLimitsOptions;
  readonly #launchGraceMs: number;
  readonly #cancelGraceMs: number;
  readonly #logger: Logger;

  constructor(options: LocalExecutionOptions) {
    this.#indexDir = resolve(options.indexDir);
    this.#defaultLimits = options.defaultLimits ?? {};
    this.#launchGraceMs = options.launchGraceMs ?? 5000;
    this.#cancelGraceMs = options.cancelGraceMs ?? 5000;
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  async launch(request: LaunchRequest): Promise<Job> {
    const name = checkJobName(request.jobName);
    const existing = await this.find(name);
    if (existing) {
      this.#logger.debug({ jobName: name, pid: existing.pid }, 'job already launched');
      return existing;
    }

    const claim = this.#newClaim(request);
    const isClaimed = await this.#writeClaim(claim);
    // Another launcher won the name between our look-up and our claim: theirs is the job.
    if (!isClaimed) return (await this.find(name)) as Job;

    return this.#start(claim, request.env ?? {});
  }

  async find(jobName: string): Promise<Job | undefined> {
    const claim = await readJsonFile(this.#claimPath(checkJobName(jobName)), JobClaimSchema);
    if (claim === undefined) return undefined;

    const files = new JobFiles(claim.jobDir);
    const record = await files.readJob();
    if (record !== undefined) return JobSchema.parse(record);

    // The launcher died after claiming: the job runs if its wrapper recorded a pid.
    const pid = await this.#waitForPid(files, claim);
    if (pid === undefined) throw new JobLostError(claim.name, claim.jobDir, claim.claimedAt);

    const job = toJob(claim, pid, claim.claimedAt, await readProcessStartTicks(pid));
    await files.writeJob(job);
    this.#logger.warn({ jobName: claim.name, pid }, 'job record rebuilt after interrupted launch');
    return job;
  }

  async poll(job: Job): Promise<JobStatus> {
    const files = new JobFiles(job.jobDir);
    const ended = await files.readExit();
    if (ended !== undefined) return this.#endedStatus(job, files);

    const isAlive = await isProcessGroupAlive(job.pgid, job.leaderStartTicks);
    return isAlive ? this.#supervise(job, files) : this.#endedStatus(job, files);
  }

  async cancel(job: Job, reason: CancelReason = 'requested'): Promise<void> {
    const files = new JobFiles(job.jobDir);
    // An ended job's group id may already belong to someone else: never signal it.
    if ((await files.readExit()) !== undefined) return;
    if (!(await isProcessGroupAlive(job.pgid, job.leaderStartTicks))) return;

    // The reason is written before the signal, so a restart still reports why the job ended.
    if ((await files.readCancel()) === undefined) {
      await writeJsonDurably(files.cancel, { reason, requestedAt: new Date().toISOString() });
    }
    const isGone = await terminateProcessGroup(job.pgid, this.#cancelGraceMs);
    if (!isGone) this.#logger.warn({ jobName: job.name, pgid: job.pgid }, 'job survived SIGKILL');
    this.#logger.debug({ jobName: job.name, reason }, 'job cancelled');
  }

  async #start(claim: JobClaim, env: Record<string, string>): Promise<Job> {
    const files = new JobFiles(claim.jobDir);
    let pid: number;
    let hasCommandFile = false;
    try {
      await checkFolders(claim);
      await writeFileDurably(files.command, `${claim.command}\n`);
      hasCommandFile = true;
      // Python buffers stdout written to a file; progress lines must reach the log as printed.
      const jobEnv = { ...process.env, PYTHONUNBUFFERED: '1', ...env };
      pid = await spawnJobWrapper(files, claim.cwd, jobEnv);
    } catch (error) {
      // Nothing started, so the name is freed and the launch may be retried as it is.
      if (hasCommandFile) await rm(files.command, { force: true });
      await rm(this.#claimPath(claim.name), { force: true });
      if (error instanceof LaunchFailedError) throw error;
      throw new LaunchFailedError(claim.name, (error as Error).message, { cause: error });
    }

    const job = toJob(claim, pid, new Date().toISOString(), await readProcessStartTicks(pid));
    await files.writeJob(job);
    this.#logger.debug({ jobName: job.name, pid, jobDir: job.jobDir }, 'job launched');
    return job;
  }

  async #supervise(job: Job, files: JobFiles): Promise<JobStatus> {
    const nowMs = Date.now();
    const progress = await trackProgress(files, new Date(nowMs).toISOString());

    const reason = brokenLimit(job, progress, nowMs);
    if (reason !== undefined) {
      this.#logger.debug({ jobName: job.name, reason, progress }, 'job broke a limit');
      await this.cancel(job, reason);
      return this.#endedStatus(job, files);
    }
    return { state: 'running', progress, elapsedMs: nowMs - Date.parse(job.startedAt) };
  }

  async #endedStatus(job: Job, files: JobFiles): Promise<JobStatus> {
    const ended = await files.readExit();
    const cancel = await files.readCancel();
    // One last read, so the final progress lines count.
    const progress = await trackProgress(files, new Date().toISOString());
    if (ended !== undefined) await recordEnd(files, ended);

    const state = endState(ended?.exitCode, cancel?.reason);
    const endMs = ended === undefined ? Date.now() : Date.parse(ended.endedAt);
    const elapsedMs = Math.max(0, endMs - Date.parse(job.startedAt));
    const status: JobStatus = { state, progress, elapsedMs };
    if (ended !== undefined) Object.assign(status, ended);
    return status;
  }

  #newClaim(request: LaunchRequest): JobClaim {
    return {
      name: request.jobName,
      jobDir: resolve(request.jobDir),
      command: request.command,
      cwd: resolve(request.cwd),
      limits: JobLimitsSchema.parse({ ...this.#defaultLimits, ...request.limits }),
      claimedAt: new Date().toISOString(),
    };
  }

  /**
   * Claims the name atomically and exclusively: the full claim goes to a private temporary
   * file, which is then hard-linked to the claim path; `link` fails when the path exists, so
   * exactly one launcher wins and the claim is never seen half-written.
   */
  async #writeClaim(claim: JobClaim): Promise<boolean> {
    const path = this.#claimPath(claim.name);
    const temporary = `${path}.${randomUUID()}.tmp`;
    await writeJsonDurably(temporary, claim);
    try {
      await link(temporary, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async #waitForPid(files: JobFiles, claim: JobClaim): Promise<number | undefined> {
    const deadlineMs = Date.parse(claim.claimedAt) + this.#launchGraceMs;
    for (;;) {
      const pid = await files.readPid();
      if (pid !== undefined || Date.now() >= deadlineMs) return pid;
      await sleep(PID_POLL_INTERVAL_MS);
    }
  }

  #claimPath(jobName: string): string {
    return join(this.#indexDir, `${jobName}.json`);
  }
}

function checkJobName(jobName: string): string {
  const parsed = JobNameSchema.safeParse(jobName);
  if (!parsed.success) {
    throw new LaunchFailedError(jobName, `the job name must hold only ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

async function checkFolders(claim: JobClaim): Promise<void> {
  const isFolder = await stat(claim.cwd).then((s) => s.isDirectory(), () => false);
  if (!isFolder) throw new LaunchFailedError(claim.name, `the working folder ${claim.cwd} does not exist`);

  await mkdir(claim.jobDir, { recursive: true });
  const present = await readdir(claim.jobDir);
  if (present.length > 0) {
    throw new LaunchFailedError(claim.name, `the job folder ${claim.jobDir} already holds files (${present.slice(0, 5).join(', ')}); give each launch a new or empty folder`);
  }
}

function toJob(claim: JobClaim, pid: number, startedAt: string, leaderStartTicks?: number): Job {
  const files = new JobFiles(claim.jobDir);
  const { name, command, cwd, jobDir, limits } = claim;
  const paths = { stdoutPath: files.stdout, stderrPath: files.stderr };
  // The wrapper leads its own session, so its pid is also the group id.
  const job: Job = { name, command, cwd, jobDir, ...paths, pid, pgid: pid, startedAt, limits };
  if (leaderStartTicks !== undefined) job.leaderStartTicks = leaderStartTicks;
  return job;
}

async function recordEnd(files: JobFiles, ended: { exitCode: number; endedAt: string }) {
  const record = await files.readJob();
  if (record === undefined || record.exitCode !== undefined) return;
  await files.writeJob({ ...record, ...ended });
}

/** A clean exit is a success whatever else happened; otherwise a cancel names the ending. */
function endState(
  exitCode: number | undefined,
  reason: CancelReason | undefined,
): JobStatus['state'] {
  if (exitCode === 0) return 'succeeded';
  if (reason === 'stalled') return 'stalled';
  if (reason === 'timed_out') return 'timed_out';
  if (reason === 'requested') return 'cancelled';
  return exitCode === undefined ? 'lost' : 'failed';
}
