import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');
const trainScript = join(examplesDir, 'pipeline', 'train.py');

// The exact shapes the metrics parser relies on; numbers are checked as numbers, never as times.
const number = String.raw`\d+(?:\.\d+)?`;
const stepLine = new RegExp(
  String.raw`^\[autoresearch\] step=(\d+) step_time_ms=(${number}) ` +
    String.raw`fetch_time_ms=(${number}) compute_time_ms=(${number})$`,
);
const durationText = String.raw` *\d+\.\d \[(?: us| ms|sec)\]`;
const taskStatsLine = new RegExp(
  String.raw`^\[(\d+:\d+:[^\t]+)\]\tCompleted +(\d+) tasks \( *(\d+) failed\)\. ` +
    String.raw`Ave task time: ${durationText}\. P90: ${durationText}\. P99: ${durationText}\.$`,
);
const queueStatsLine = new RegExp(
  String.raw`^\[(\d+:\d+:[^\t]+)_queue\]\tProcessed +(\d+) items in ${durationText} ` +
    String.raw`\(QPS: +${number}\) Ave wait time: put: ${durationText}, ` +
    String.raw`get \(by next stage\): ${durationText}\. P90: put: ${durationText}, ` +
    String.raw`get: ${durationText}\. P99: put: ${durationText}, get: ${durationText}\. ` +
    String.raw`Occupancy rate: (\d+)%$`,
);

async function runPipeline(args: string[]) {
  return execa('python3', [trainScript, ...args], { reject: false, timeout: 60_000 });
}

function linesMatching(stdout: string, pattern: RegExp): RegExpMatchArray[] {
  return stdout
    .split('\n')
    .map((line) => line.match(pattern))
    .filter((match): match is RegExpMatchArray => match !== null);
}

function expectWellFormedRun(stdout: string, steps: number, batchSize: number): void {
  expect(linesMatching(stdout, /^\[autoresearch\] cpu_cores=([1-9]\d*)$/)).toHaveLength(1);
  expect(linesMatching(stdout, /^\[autoresearch\] batch_size=(\d+)$/)[0]?.[1]).toBe(
    String(batchSize),
  );
  expect(linesMatching(stdout, /^\[autoresearch\] ttfb_s=\d+\.\d+$/)).toHaveLength(1);

  const stepMatches = linesMatching(stdout, stepLine);
  expect(stepMatches.map((m) => Number(m[1]))).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
  for (const m of stepMatches) {
    const [stepMs, fetchMs, computeMs] = [m[2], m[3], m[4]].map(Number);
    expect(Math.abs(stepMs! - fetchMs! - computeMs!)).toBeLessThan(0.05);
  }
}

function stageStats(stdout: string) {
  return {
    tasks: linesMatching(stdout, taskStatsLine).map((m) => m[1]),
    queues: linesMatching(stdout, queueStatsLine).map((m) => m[1]),
  };
}

describe('example pipeline', () => {
  it('prints the [autoresearch] lines and SPDL-format stage stats with the default knobs', async () => {
    const result = await runPipeline(['--steps', '6']);

    expect(result.exitCode).toBe(0);
    expectWellFormedRun(result.stdout, 6, 8);
    expect(stageStats(result.stdout)).toEqual({
      tasks: ['0:1:decode_augment[16]', '0:2:batch(8)'],
      queues: ['0:0:src', '0:1:decode_augment[16]', '0:3:sink'],
    });
  });

  it('names split stages and a single-thread stage as SPDL does', async () => {
    const result = await runPipeline(['--steps', '4', '--split-stages', '--num-threads', '2']);

    expect(result.exitCode).toBe(0);
    expect(stageStats(result.stdout)).toEqual({
      tasks: ['0:1:decode[2]', '0:2:augment', '0:3:batch(8)'],
      queues: ['0:0:src', '0:1:decode[2]', '0:2:augment', '0:4:sink'],
    });
  });

  it('runs the loader in a subprocess and reports its stages from there', async () => {
    const args = ['--steps', '5', '--loader-process', '--num-threads', '2', '--batch-size', '16'];
    const result = await runPipeline(args);

    expect(result.exitCode).toBe(0);
    expectWellFormedRun(result.stdout, 5, 16);
    const sink = linesMatching(result.stdout, queueStatsLine).find((m) => m[1] === '0:3:sink');
    expect(Number(sink?.[2])).toBe(5);
  });

  it('replays cached batches in headspace mode', async () => {
    const result = await runPipeline(['--steps', '12', '--cache-batches', '3']);

    expect(result.exitCode).toBe(0);
    expectWellFormedRun(result.stdout, 12, 8);
    const sink = linesMatching(result.stdout, queueStatsLine).find((m) => m[1] === '0:3:sink');
    expect(Number(sink?.[2])).toBe(3);
  });

  it.each([
    [['--num-threads', '0'], /--num-threads: expected a positive integer, got '0'/],
    [['--batch-size', 'big'], /--batch-size: expected a positive integer, got 'big'/],
    [['--no-such-knob'], /unrecognized arguments: --no-such-knob/],
  ])('rejects %j with a clear message', async (args, message) => {
    const result = await runPipeline(args);

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toMatch(/step=/);
  });

  it('declares a search space whose knobs the pipeline accepts at their defaults', async () => {
    const space = JSON.parse(await readFile(join(examplesDir, 'pipeline', 'search-space.json'), 'utf8'));
    const flags = space.knobs.flatMap((knob: { flag: string; default: unknown }) =>
      knob.default === true ? [knob.flag] : knob.default === false ? [] : [knob.flag, String(knob.default)],
    );

    const result = await runPipeline([...flags, '--steps', '3']);

    expect(result.exitCode).toBe(0);
    expectWellFormedRun(result.stdout, 3, 8);
    for (const knob of space.knobs) expect(knob.values).toContain(knob.default);
  });
});
