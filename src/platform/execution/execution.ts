import { z } from 'zod';

/**
 * When a running job is given up on. Both checks run on `poll`; a job that breaks either is
 * cancelled and reported as `stalled` or `timed_out`.
 */
export const JobLimitsSchema = z.object({
  /**
   * Longest wait for a new progress line (a line holding `[autoresearch]`, on stdout or stderr).
   * Absent: no stall check. See `noProgressStallFactor` for a job that never printed one.
   */
  stallTimeoutMs: z.number().positive().optional(),
  /**
   * Until its first progress line a job may take `stallTimeoutMs × noProgressStallFactor`
   * (start-up: imports, dataset indexing, compilation). Default 3, at least 1.
   */
  noProgressStallFactor: z.number().min(1).default(3),
  /** Hard limit on the job's wall-clock run time, progress or not. Absent: none. */
  wallClockLimitMs: z.number().positive().optional(),
});

/** See {@link JobLimitsSchema}. */
export type JobLimits = z.infer<typeof JobLimitsSchema>;

/** The caller's form of {@link JobLimits}; the factor may be omitted. */
export type JobLimitsOptions = z.input<typeof JobLimitsSchema>;

/** Job names: the idempotency key, also used as a file name. */
export const JobNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/,
    'letters, digits, ".", "_" and "-", starting with a letter or digit',
  );

/** A launched job: what `poll` and `cancel` need, persisted by the caller with the experiment. */
export const JobSchema = z.object({
  /** The deterministic job name; launching the same name again returns this job. */
  name: JobNameSchema,
  /** The command as run (after `$IMAGE` substitution). */
  command: z.string(),
  cwd: z.string(),
  /** Folder of the job's files: logs, exit code, progress marker. */
  jobDir: z.string(),
  stdoutPath: z.string(),
  stderrPath: z.string(),
  pid: z.number().int().positive(),
  /** The job's process group: signal it to reach every process; sample it for CPU use. */
  pgid: z.number().int().positive(),
  /**
   * When the group's leader started (clock ticks since boot, from /proc), so a group id reused
   * after the job is gone is not mistaken for the job. Absent where /proc does not exist.
   */
  leaderStartTicks: z.number().int().nonnegative().optional(),
  /** Wall-clock ISO time the job started (never a monotonic clock: it must survive restarts). */
  startedAt: z.iso.datetime(),
  limits: JobLimitsSchema,
});

/** See {@link JobSchema}. */
export type Job = z.infer<typeof JobSchema>;

/** What {@link Execution.launch} needs. */
export interface LaunchRequest {
  /** Deterministic name (e.g. `<run>-<experiment>-<attempt>`); see {@link JobNameSchema}. */
  jobName: string;
  /** Shell command, `$IMAGE` already substituted (see `substituteImage`). */
  command: string;
  /** Where the command runs: the experiment's source folder inside its worktree. */
  cwd: string;
  /** Variables added to the inherited environment. */
  env?: Record<string, string>;
  /** Folder for the job's files (e.g. `runs/<id>/job`); must be new or empty. */
  jobDir: string;
  /** Stall and wall-clock limits; the implementation's defaults apply where absent. */
  limits?: JobLimitsOptions;
}

/** Progress seen in the job's output. */
export const JobProgressSchema = z.object({
  /** The newest progress line. */
  lastLine: z.string().optional(),
  /** Wall-clock ISO time the newest progress line was first seen. */
  lastProgressAt: z.iso.datetime().optional(),
  /** How many progress lines were seen in all. */
  progressLines: z.number().int().nonnegative(),
});

/** See {@link JobProgressSchema}. */
export type JobProgress = z.infer<typeof JobProgressSchema>;

/**
 * Where a job stands. `running` until it ends; then `succeeded` (exit 0) or `failed` (other
 * exit code); `stalled`, `timed_out` and `cancelled` when it was stopped (by the limits or by a
 * caller); `lost` when it is gone with no recorded exit code (killed from outside, machine
 * rebooted).
 */
export const JobStatusSchema = z.object({
  state: z.enum(['running', 'succeeded', 'failed', 'stalled', 'timed_out', 'cancelled', 'lost']),
  /** The job's own exit code, when it recorded one (128 + n after signal n). */
  exitCode: z.number().int().optional(),
  progress: JobProgressSchema,
  /** Wall-clock time since start, up to now or to the end when known. */
  elapsedMs: z.number().nonnegative(),
  endedAt: z.iso.datetime().optional(),
});

/** See {@link JobStatusSchema}. */
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Why a job was stopped. */
export type CancelReason = 'requested' | 'stalled' | 'timed_out';

/**
 * The job capability: launch a command as a job that outlives the engine, find it again by
 * name after a crash, poll it, cancel it.
 *
 * @example
 * const job = (await execution.find(name)) ?? (await execution.launch({ jobName: name,
 *   command: substituteImage(template, image), cwd: tree.sourceDir, jobDir: 'runs/e1/job' }));
 * const status = await execution.poll(job); // repeat until status.state !== 'running'
 */
export interface Execution {
  /**
   * Starts the job, or returns the job already launched under this name (the name is the
   * idempotency key). Throws `JobLostError` when the name was claimed but its process never
   * started, and `LaunchFailedError` when the command cannot start.
   */
  launch(request: LaunchRequest): Promise<Job>;

  /**
   * The job launched under `jobName`, or `undefined` when none was; throws `JobLostError` as
   * `launch` does.
   */
  find(jobName: string): Promise<Job | undefined>;

  /** Current status; applies the job's limits, cancelling a job that broke them. */
  poll(job: Job): Promise<JobStatus>;

  /** Stops the job's whole process group (TERM, grace, KILL); harmless on an ended job. */
  cancel(job: Job, reason?: CancelReason): Promise<void>;
}
