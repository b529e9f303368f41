import { createFailure, type FailureKind, type FailureRecord } from '../failure.ts';
import type { Job, JobStatus } from './execution.ts';

const KIND_BY_STATE: Partial<Record<JobStatus['state'], FailureKind>> = {
  failed: 'job_failed',
  stalled: 'job_stalled',
  timed_out: 'job_timed_out',
  cancelled: 'job_cancelled',
  lost: 'job_lost',
};

/**
 * The failure record of an ended job, or `undefined` when it is running or succeeded. A failed
 * job is `job_failed`; telling start-up from runtime failures needs its output and is left to
 * the caller, which may refine the kind.
 */
export function jobFailure(job: Job, status: JobStatus): FailureRecord | undefined {
  const kind = KIND_BY_STATE[status.state];
  if (kind === undefined) return undefined;

  const details = {
    jobName: job.name,
    command: job.command,
    exitCode: status.exitCode,
    elapsedMs: status.elapsedMs,
    progressSeen: status.progress.progressLines > 0,
    lastProgressLine: status.progress.lastLine,
    limits: job.limits,
    stdoutPath: job.stdoutPath,
    stderrPath: job.stderrPath,
  };
  return createFailure({ kind, phase: 'job', message: describe(job, status), details });
}

function describe(job: Job, status: JobStatus): string {
  const { stallTimeoutMs, wallClockLimitMs } = job.limits;
  const hasProgress = status.progress.progressLines > 0;
  const seen = hasProgress ? 'after progress was seen' : 'before any progress line';

  switch (status.state) {
    case 'stalled':
      return `Job ${job.name} printed no progress line for ${stallTimeoutMs} ms (${seen}) and was cancelled.`;
    case 'timed_out':
      return `Job ${job.name} ran past its wall-clock limit of ${wallClockLimitMs} ms and was cancelled.`;
    case 'cancelled':
      return `Job ${job.name} was cancelled.`;
    case 'lost':
      return `Job ${job.name} is gone without recording an exit code (killed from outside, or the machine restarted); see ${job.stderrPath}.`;
  }
  return `Job ${job.name} exited with code ${status.exitCode} ${seen}; see ${job.stderrPath}.`;
}
