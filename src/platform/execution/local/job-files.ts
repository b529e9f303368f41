import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, readTextIfExists, writeJsonDurably } from '../../../engine/durable-file.ts';
import { JobLimitsSchema, JobNameSchema, JobSchema } from '../execution.ts';

/**
 * The launch intent, written (atomically and exclusively) before anything is spawned; its
 * existence is the claim on the job name. It holds everything needed to rebuild `job.json` if
 * the launcher dies between spawning and writing it.
 */
export const JobClaimSchema = z.object({
  name: JobNameSchema,
  jobDir: z.string(),
  command: z.string(),
  cwd: z.string(),
  limits: JobLimitsSchema,
  claimedAt: z.iso.datetime(),
});

/** See {@link JobClaimSchema}. */
export type JobClaim = z.infer<typeof JobClaimSchema>;

/** `job.json`: the job plus its end, once a poll has seen it. */
export const JobRecordSchema = JobSchema.extend({
  endedAt: z.iso.datetime().optional(),
  exitCode: z.number().int().optional(),
});

/** See {@link JobRecordSchema}. */
export type JobRecord = z.infer<typeof JobRecordSchema>;

/** `cancel.json`: written before a job is signalled, so the reason survives a restart. */
export const CancelRecordSchema = z.object({
  reason: z.enum(['requested', 'stalled', 'timed_out']),
  requestedAt: z.iso.datetime(),
});

/** See {@link CancelRecordSchema}. */
export type CancelRecord = z.infer<typeof CancelRecordSchema>;

/** `progress.json`: how far the logs were read and when progress was last seen. */
export const ProgressMarkerSchema = z.object({
  stdoutOffset: z.number().int().nonnegative(),
  stderrOffset: z.number().int().nonnegative(),
  lastLine: z.string().optional(),
  lastProgressAt: z.iso.datetime().optional(),
  progressLines: z.number().int().nonnegative(),
});

/** See {@link ProgressMarkerSchema}. */
export type ProgressMarker = z.infer<typeof ProgressMarkerSchema>;

/** The files of one job's folder. The wrapper writes `pid` and `exit_code`; the engine the rest. */
export class JobFiles {
  constructor(readonly jobDir: string) {}

  get command() {
    return join(this.jobDir, 'command.sh');
  }

  get stdout() {
    return join(this.jobDir, 'stdout.log');
  }

  get stderr() {
    return join(this.jobDir, 'stderr.log');
  }

  get pid() {
    return join(this.jobDir, 'pid');
  }

  get exitCode() {
    return join(this.jobDir, 'exit_code');
  }

  get job() {
    return join(this.jobDir, 'job.json');
  }

  get cancel() {
    return join(this.jobDir, 'cancel.json');
  }

  get progress() {
    return join(this.jobDir, 'progress.json');
  }

  readJob(): Promise<JobRecord | undefined> {
    return readJsonFile(this.job, JobRecordSchema);
  }

  writeJob(record: JobRecord): Promise<void> {
    return writeJsonDurably(this.job, record);
  }

  readCancel(): Promise<CancelRecord | undefined> {
    return readJsonFile(this.cancel, CancelRecordSchema);
  }

  readProgress(): Promise<ProgressMarker | undefined> {
    return readJsonFile(this.progress, ProgressMarkerSchema);
  }

  /** The pid the wrapper recorded, or `undefined` before it has. */
  async readPid(): Promise<number | undefined> {
    return parseInteger(await readTextIfExists(this.pid));
  }

  /** The job's exit code and when it was recorded, or `undefined` while it runs. */
  async readExit(): Promise<{ exitCode: number; endedAt: string } | undefined> {
    const exitCode = parseInteger(await readTextIfExists(this.exitCode));
    if (exitCode === undefined) return undefined;

    const { mtime } = await stat(this.exitCode);
    return { exitCode, endedAt: mtime.toISOString() };
  }
}

function parseInteger(text: string | undefined): number | undefined {
  const value = Number.parseInt(text?.trim() ?? '', 10);
  return Number.isInteger(value) ? value : undefined;
}
