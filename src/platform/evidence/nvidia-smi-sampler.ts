import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { SamplerAlreadyStartedError } from './evidence-error.ts';
import type { GpuSample } from './system-samples.ts';

/** Options of {@link NvidiaSmiSampler}. */
export interface NvidiaSmiSamplerOptions {
  /** Time between readings, passed to `nvidia-smi -lms`. Default 1000 ms, at least 100 ms. */
  readonly intervalMs?: number;
  /** The nvidia-smi executable. Default `nvidia-smi`, looked up on PATH. */
  readonly command?: string;
}

/** GPU readings, or why there are none. Exactly one of the two fields is set. */
export interface GpuReadings {
  readonly samples?: GpuSample[];
  readonly unavailableReason?: string;
}

const QUERY = 'index,utilization.gpu,utilization.memory,memory.used';

/**
 * Streams GPU utilization from `nvidia-smi --query-gpu=… -lms <interval>` while a job runs.
 * Where nvidia-smi is missing or fails before its first reading, the result carries a reason
 * and no samples, so that an unmeasured GPU never reads as an idle one.
 */
export class NvidiaSmiSampler {
  readonly #intervalMs: number;
  readonly #command: string;
  readonly #samples: GpuSample[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<string | undefined> = Promise.resolve('the GPU sampler was never started');

  constructor(options: NvidiaSmiSamplerOptions = {}) {
    this.#intervalMs = Math.max(100, Math.floor(options.intervalMs ?? 1000));
    this.#command = options.command ?? 'nvidia-smi';
  }

  /** Starts nvidia-smi; failures surface from {@link stop} as a reason, never as a throw. */
  start(): void {
    if (this.#child) throw new SamplerAlreadyStartedError('NvidiaSmiSampler');

    const args = [`--query-gpu=${QUERY}`, '--format=csv,noheader,nounits', `-lms`, String(this.#intervalMs)];
    const child = spawn(this.#command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;

    createInterface({ input: child.stdout! }).on('line', (line) => {
      const sample = parseNvidiaSmiLine(line, Date.now());
      if (sample) this.#samples.push(sample);
    });
    this.#exited = waitForExit(child, this.#command);
  }

  /** Stops nvidia-smi and returns what it read. */
  async stop(): Promise<GpuReadings> {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const failure = await this.#exited;

    if (this.#samples.length > 0) return { samples: [...this.#samples] };
    return { unavailableReason: failure ?? `${this.#command} gave no reading before it was stopped` };
  }
}

/**
 * Parses one line of `--format=csv,noheader,nounits` output for the query
 * `index,utilization.gpu,utilization.memory,memory.used`. Fields nvidia-smi cannot read
 * (`[N/A]`, `[Not Supported]`) are left out; a line without a GPU index gives `undefined`.
 */
export function parseNvidiaSmiLine(line: string, atMs: number): GpuSample | undefined {
  const [index, smUtil, memoryUtil, memoryUsed] = line.split(',').map((field) => readField(field));
  if (index === undefined || !Number.isInteger(index)) return undefined;

  const sample: GpuSample = { atMs, gpuIndex: index };
  if (smUtil !== undefined && smUtil <= 100) sample.smUtilPct = smUtil;
  if (memoryUtil !== undefined && memoryUtil <= 100) sample.memoryUtilPct = memoryUtil;
  if (memoryUsed !== undefined) sample.memoryUsedMiB = memoryUsed;
  return sample;
}

function readField(field: string | undefined): number | undefined {
  const trimmed = field?.trim() ?? '';
  if (!/^\d+(?:\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** Resolves with a reason when nvidia-smi could not run or failed, `undefined` on a clean stop. */
function waitForExit(child: ChildProcess, command: string): Promise<string | undefined> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-500);
  });

  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      const isMissing = error.code === 'ENOENT';
      resolve(isMissing ? `${command} not found on PATH` : `${command} failed to start: ${error.message}`);
    });
    child.once('close', (code, signal) => {
      if (signal !== null || code === 0) resolve(undefined);
      else resolve(`${command} exited with code ${code}: ${stderr.trim() || '(no output)'}`);
    });
  });
}
