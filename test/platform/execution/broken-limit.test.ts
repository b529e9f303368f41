import { describe, expect, it } from 'vitest';
import type { Job, JobLimitsOptions, JobProgress } from '../../../src/platform/execution/execution.ts';
import { JobLimitsSchema } from '../../../src/platform/execution/execution.ts';
import { brokenLimit } from '../../../src/platform/execution/local/broken-limit.ts';

const START_MS = Date.parse('2026-01-01T00:00:00.000Z');

function job(limits: JobLimitsOptions): Job {
  return {
    name: 'j', command: 'c', cwd: '/', jobDir: '/j', stdoutPath: '/j/o', stderrPath: '/j/e',
    pid: 10, pgid: 10, startedAt: new Date(START_MS).toISOString(), limits: JobLimitsSchema.parse(limits),
  };
}

function progressAt(offsetMs: number | undefined): JobProgress {
  if (offsetMs === undefined) return { progressLines: 0 };
  return { progressLines: 1, lastLine: '[autoresearch] step=1', lastProgressAt: new Date(START_MS + offsetMs).toISOString() };
}

describe('brokenLimit', () => {
  it.each([
    ['no limits never stop a job', {}, undefined, 10_000_000, undefined],
    ['a job with no progress yet gets 3× the stall timeout by default', { stallTimeoutMs: 1000 }, undefined, 2999, undefined],
    ['a job with no progress past 3× the stall timeout is stalled', { stallTimeoutMs: 1000 }, undefined, 3001, 'stalled'],
    ['the no-progress factor is configurable', { stallTimeoutMs: 1000, noProgressStallFactor: 1 }, undefined, 1001, 'stalled'],
    ['a job is measured from its last progress line', { stallTimeoutMs: 1000 }, 5000, 5999, undefined],
    ['a job quiet for longer than the stall timeout is stalled', { stallTimeoutMs: 1000 }, 5000, 6001, 'stalled'],
    ['the wall-clock limit holds even while progress flows', { stallTimeoutMs: 1000, wallClockLimitMs: 4000 }, 4000, 4001, 'timed_out'],
    ['the wall-clock limit alone', { wallClockLimitMs: 4000 }, undefined, 3999, undefined],
  ] as const)('%s', (_rule, limits, progressOffsetMs, nowOffsetMs, expected) => {
    expect(brokenLimit(job(limits), progressAt(progressOffsetMs), START_MS + nowOffsetMs)).toBe(expected);
  });
});
