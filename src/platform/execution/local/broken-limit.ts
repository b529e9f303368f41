import type { CancelReason, Job, JobProgress } from '../execution.ts';

/**
 * Which limit a running job has broken at `nowMs` (wall-clock epoch ms), if any. The hard
 * wall-clock limit comes first. A job that has printed progress must print again within
 * `stallTimeoutMs`; one that never has gets `stallTimeoutMs × noProgressStallFactor` from its
 * start. Times are wall-clock ISO strings, so the answer holds across engine restarts.
 */
export function brokenLimit(
  job: Job,
  progress: JobProgress,
  nowMs: number,
): CancelReason | undefined {
  const { stallTimeoutMs, noProgressStallFactor, wallClockLimitMs } = job.limits;
  const elapsedMs = nowMs - Date.parse(job.startedAt);

  if (wallClockLimitMs !== undefined && elapsedMs > wallClockLimitMs) return 'timed_out';
  if (stallTimeoutMs === undefined) return undefined;

  if (progress.lastProgressAt === undefined) {
    return elapsedMs > stallTimeoutMs * noProgressStallFactor ? 'stalled' : undefined;
  }
  const quietMs = nowMs - Date.parse(progress.lastProgressAt);
  return quietMs > stallTimeoutMs ? 'stalled' : undefined;
}
