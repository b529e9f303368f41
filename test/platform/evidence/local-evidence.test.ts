import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EvidenceResultSchema } from '../../../src/platform/evidence/evidence-result.ts';
import { LocalEvidence } from '../../../src/platform/evidence/local-evidence.ts';
import { fixture } from './fixtures.ts';

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "train.py", line 88, in <module>',
  '    main()',
  '  File "train.py", line 80, in main',
  '    batch = next(loader)',
  'RuntimeError: DataLoader worker (pid 4242) is killed by signal: Killed.',
].join('\n');

describe('LocalEvidence.collect', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evidence-collect-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function collectFrom(stdout: string | undefined, stderr: string | undefined) {
    const stdoutPath = join(dir, 'stdout.log');
    const stderrPath = join(dir, 'stderr.log');
    if (stdout !== undefined) await writeFile(stdoutPath, stdout);
    if (stderr !== undefined) await writeFile(stderrPath, stderr);

    const system = { cpu: [{ atMs: 2_000, intervalMs: 1_000, processCount: 3, cpuTimeMs: 1_500, cpuUtilPctOfOneCore: 150, cpuUtilPctOfAllCores: 75 }] };
    const evidence = new LocalEvidence({ logTailLines: 5 });
    const metricsDir = join(dir, 'runs', 'exp-1', 'metrics');
    return evidence.collect({ stdoutPath, stderrPath, startedAtMs: 1_000, endedAtMs: 15_000, exitCode: 0, system, metricsDir });
  }

  it('parses both logs, derives the summary and returns a result matching its schema', async () => {
    const result = await collectFrom(fixture('autoresearch-interleaved.txt'), fixture('spdl-stats-current.txt'));

    expect(EvidenceResultSchema.parse(result)).toEqual(result);
    expect(result.summary).toMatchObject({ steady_step_time_ms: 100.25, ttfb_s: 2.45, duration_s: 14, cpu_util_pct: 75 });
    expect(result.failure).toBeUndefined();
    expect(result.progressSeen).toBe(true);
    expect(result.batchSize).toBe(32);
    expect(result.stages.map((stage) => stage.functionName)).toEqual(['decode', 'src', 'aggregate(8, drop_last=True)', 'sink']);
    expect(result.logTail.stdout).toHaveLength(5);
    expect(result.counts).toMatchObject({ skippedLineCount: 2, spdlReportCount: 9 });
  });

  it('writes the raw data and the summary under the metrics folder', async () => {
    const result = await collectFrom(fixture('autoresearch-interleaved.txt'), fixture('spdl-stats-current.txt'));
    const metricsDir = join(dir, 'runs', 'exp-1', 'metrics');

    expect(result.files.map((file) => file.slice(metricsDir.length + 1))).toEqual([
      'steps.tsv', 'stages.tsv', 'stages.json', 'system_cpu.tsv', 'summary.json',
    ]);
    const steps = (await readFile(join(metricsDir, 'steps.tsv'), 'utf8')).trim().split('\n');
    expect(steps[0]).toBe('step\tstepTimeMs\tfetchTimeMs\tcomputeTimeMs\tthroughputSamplesPerS\tbatchSize');
    expect(steps[1]).toBe('0\t2450\t2400.3\t49.7\t\t');
    expect(steps).toHaveLength(12);

    const summary = JSON.parse(await readFile(join(metricsDir, 'summary.json'), 'utf8'));
    expect(Object.keys(summary.summary)).toEqual([
      'steady_step_time_ms', 'step_time_ms', 'throughput_samples_per_s', 'ttfb_s', 'data_readiness_pct', 'duration_s', 'cpu_util_pct',
    ]);
    const stages = JSON.parse(await readFile(join(metricsDir, 'stages.json'), 'utf8'));
    expect(stages.reports).toHaveLength(9);
  });

  it('returns metrics_missing with the error summary when the job printed no step time', async () => {
    const result = await collectFrom('starting\n[autoresearch] ttfb_s=4.0\n', `loading\n${TRACEBACK}\n`);

    expect(result.failure?.kind).toBe('metrics_missing');
    expect(result.failure?.details).toMatchObject({ markerLineCount: 1, stepCount: 0, exitCode: 0 });
    expect(result.summary).toEqual({ ttfb_s: 4, duration_s: 14, cpu_util_pct: 75 });
    expect(result.errorSummary).toBe(TRACEBACK);
    expect(result.progressSeen).toBe(true);
  });

  it('treats missing log files as empty output, not as a crash', async () => {
    const result = await collectFrom(undefined, undefined);

    expect(result.failure?.message).toContain('found no [autoresearch] line at all');
    expect(result.progressSeen).toBe(false);
    expect(result.logTail).toEqual({ stdout: [], stderr: [] });
    expect(result.summary).not.toHaveProperty('steady_step_time_ms');
  });

  it('falls back to the last line naming an error when there is no traceback', async () => {
    const result = await collectFrom('step 1\nCUDA error: out of memory\nshutting down\n', '');

    expect(result.errorSummary).toBe('CUDA error: out of memory');
  });
});
