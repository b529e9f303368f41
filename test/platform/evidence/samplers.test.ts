import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { deriveSummary } from '../../../src/platform/evidence/derive-summary.ts';
import { NvidiaSmiSampler, parseNvidiaSmiLine } from '../../../src/platform/evidence/nvidia-smi-sampler.ts';
import { parseAutoresearchLines } from '../../../src/platform/evidence/parse-autoresearch-lines.ts';
import { parseProcStat, selectDescendants } from '../../../src/platform/evidence/proc-stat.ts';
import { ProcessTreeCpuSampler, ticksGained } from '../../../src/platform/evidence/process-tree-cpu-sampler.ts';
import { resolveWarmup } from '../../../src/platform/evidence/steady-state.ts';
import { SystemSampler } from '../../../src/platform/evidence/system-sampler.ts';

// A shell that starts a CPU-bound Node child and waits for it: a two-process tree in its own group.
const BUSY_TREE = `node -e "const end = Date.now() + 1500; while (Date.now() < end) {}" & wait`;

function startBusyTree() {
  return spawn('sh', ['-c', BUSY_TREE], { detached: true, stdio: 'ignore' });
}

describe('parseProcStat', () => {
  it('counts fields from the last parenthesis, so odd command names do not shift them', () => {
    const content = '4242 (python3 (worker) x) S 4200 4200 4200 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 98765 1000 100';

    expect(parseProcStat(content)).toEqual({ pid: 4242, ppid: 4200, pgrp: 4200, utimeTicks: 250, stimeTicks: 75, startTimeTicks: 98765 });
  });

  it.each([['empty', ''], ['truncated', '12 (sh) S 1 12'], ['garbage', 'not a stat line']])('rejects %s content', (_rule, content) => {
    expect(parseProcStat(content)).toBeUndefined();
  });

  it('selects a process and all its descendants', () => {
    const stat = (pid: number, ppid: number) => ({ pid, ppid, pgrp: 1, utimeTicks: 0, stimeTicks: 0, startTimeTicks: 0 });
    const table = [stat(1, 0), stat(10, 1), stat(11, 10), stat(12, 11), stat(20, 1)];

    expect(selectDescendants(table, 10).map((s) => s.pid)).toEqual([10, 11, 12]);
  });
});

describe('ProcessTreeCpuSampler', () => {
  it('records CPU use of a busy process group, surviving the processes exiting mid-sampling', async () => {
    const job = startBusyTree();
    const sampler = new ProcessTreeCpuSampler({ intervalMs: 100 });
    sampler.start({ pgid: job.pid! });

    await once(job, 'exit');
    const samples = await sampler.stop();

    expect(samples.length).toBeGreaterThan(0);
    expect(Math.max(...samples.map((sample) => sample.cpuUtilPctOfOneCore))).toBeGreaterThan(0);
    expect(Math.max(...samples.map((sample) => sample.processCount))).toBeGreaterThanOrEqual(1);
    expect(samples.every((s) => s.cpuUtilPctOfAllCores <= s.cpuUtilPctOfOneCore)).toBe(true);
  });

  it('follows descendants of a pid as well', async () => {
    const job = startBusyTree();
    const sampler = new ProcessTreeCpuSampler({ intervalMs: 100 });
    sampler.start({ pid: job.pid! });

    await once(job, 'exit');
    const samples = await sampler.stop();

    expect(samples.reduce((sum, sample) => sum + sample.cpuTimeMs, 0)).toBeGreaterThan(0);
  });

  it('counts a process new to a reading from its start, and ignores one that left', () => {
    const before = new Map([['1:100', 50], ['2:100', 10]]);
    const now = new Map([['1:100', 80], ['3:200', 5]]);

    expect(ticksGained(before, now)).toBe(35);
  });
});

describe('GPU sampling', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evidence-gpu-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the GPU as unmeasured, not idle, when nvidia-smi is missing', async () => {
    const sampler = new NvidiaSmiSampler({ command: join(dir, 'nvidia-smi'), intervalMs: 100 });
    sampler.start();

    const readings = await sampler.stop();

    expect(readings).toEqual({ unavailableReason: `${join(dir, 'nvidia-smi')} not found on PATH` });
  });

  it('leaves SM utilization out of the summary when the GPU was not measured', async () => {
    const sampler = new SystemSampler({ cpu: { intervalMs: 100 }, gpu: { command: join(dir, 'absent-nvidia-smi') } });
    sampler.start({ pgid: process.pid });
    const system = await sampler.stop();

    const { metrics } = deriveSummary({ readings: parseAutoresearchLines(''), warmup: resolveWarmup(), system });

    expect(system.gpu).toBeUndefined();
    expect(system.gpuUnavailableReason).toContain('not found');
    expect(metrics).not.toHaveProperty('sm_util_pct');
    expect(metrics).not.toHaveProperty('steady_sm_util_pct');
  });

  it('streams readings from an nvidia-smi executable and keeps [N/A] fields absent', async () => {
    const fake = join(dir, 'nvidia-smi');
    await writeFile(fake, '#!/bin/sh\nwhile true; do echo "0, 87, 40, 20480"; echo "1, [N/A], 3, 512"; sleep 0.05; done\n');
    await chmod(fake, 0o755);
    const sampler = new NvidiaSmiSampler({ command: fake, intervalMs: 100 });
    sampler.start();

    await new Promise((resolve) => setTimeout(resolve, 500));
    const { samples } = await sampler.stop();

    expect(samples?.length).toBeGreaterThan(0);
    expect(samples?.find((sample) => sample.gpuIndex === 0)).toMatchObject({ smUtilPct: 87, memoryUtilPct: 40, memoryUsedMiB: 20480 });
    expect(samples?.find((sample) => sample.gpuIndex === 1)).not.toHaveProperty('smUtilPct');
  });

  it('gives a reason when nvidia-smi fails before its first reading', async () => {
    const fake = join(dir, 'nvidia-smi');
    await writeFile(fake, '#!/bin/sh\necho "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver." >&2\nexit 9\n');
    await chmod(fake, 0o755);
    const sampler = new NvidiaSmiSampler({ command: fake });
    sampler.start();

    await new Promise((resolve) => setTimeout(resolve, 300));
    const readings = await sampler.stop();

    expect(readings.samples).toBeUndefined();
    expect(readings.unavailableReason).toMatch(/exited with code 9: NVIDIA-SMI has failed/);
  });

  it.each([
    ['a header', 'index, utilization.gpu [%], utilization.memory [%], memory.used [MiB]'],
    ['an empty line', ''],
  ])('reads no sample from %s', (_rule, line) => {
    expect(parseNvidiaSmiLine(line, 0)).toBeUndefined();
  });
});
