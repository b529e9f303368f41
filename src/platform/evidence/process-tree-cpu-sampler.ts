import { availableParallelism } from 'node:os';

import { execa } from 'execa';
import { pino, type Logger } from 'pino';

import { SamplerAlreadyStartedError } from './evidence-error.ts';
import { readProcessTable, selectDescendants, selectProcessGroup, type ProcStat } from './proc-stat.ts';
import type { CpuSample } from './system-samples.ts';

/** Which processes belong to the job: a whole process group, or a process and its descendants. */
export type SampleTarget = { readonly pgid: number } | { readonly pid: number };

/** Options of {@link ProcessTreeCpuSampler}. */
export interface CpuSamplerOptions {
  /** Time between readings. Default 1000 ms, at least 50 ms. */
  readonly intervalMs?: number;
  /** Where the proc filesystem is mounted. Default `/proc`. */
  readonly procRoot?: string;
  /** Cores that `cpuUtilPctOfAllCores` is relative to. Default: `os.availableParallelism()`. */
  readonly coreCount?: number;
  /** Receives debug lines only; silent by default. */
  readonly logger?: Logger;
}

interface Reading {
  readonly atMs: number;
  readonly ticksByProcess: ReadonlyMap<string, number>;
}

/**
 * Samples the CPU time of a job's processes from `/proc` at a fixed interval: each sample is the
 * utime + stime the tree gained since the previous reading, over the wall time between them.
 * Processes that exit between readings lose their last partial interval; processes that appear
 * are counted from their start. Where `/proc` is missing, no samples are taken.
 *
 * @example
 * const sampler = new ProcessTreeCpuSampler({ intervalMs: 500 });
 * sampler.start({ pgid: job.pid });
 * await job;
 * const samples = await sampler.stop();
 */
export class ProcessTreeCpuSampler {
  readonly #intervalMs: number;
  readonly #procRoot: string;
  readonly #coreCount: number;
  readonly #logger: Logger;
  readonly #samples: CpuSample[] = [];
  #target: SampleTarget | undefined;
  #previous: Reading | undefined;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(options: CpuSamplerOptions = {}) {
    this.#intervalMs = Math.max(50, options.intervalMs ?? 1000);
    this.#procRoot = options.procRoot ?? '/proc';
    this.#coreCount = Math.max(1, options.coreCount ?? availableParallelism());
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  /** Takes a first reading now and one every interval until {@link stop}. */
  start(target: SampleTarget): void {
    if (this.#target) throw new SamplerAlreadyStartedError('ProcessTreeCpuSampler');

    this.#target = target;
    this.#inFlight = this.#takeReading();
    this.#timer = setInterval(() => {
      this.#inFlight = this.#inFlight.then(() => this.#takeReading());
    }, this.#intervalMs);
  }

  /** Stops sampling, takes a last reading, and returns every sample in time order. */
  async stop(): Promise<CpuSample[]> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    if (this.#target) await this.#takeReading();
    return [...this.#samples];
  }

  async #takeReading(): Promise<void> {
    const reading = await this.#read(this.#target!);
    const previous = this.#previous;
    this.#previous = reading;
    if (!previous || reading.atMs - previous.atMs <= 0) return;

    const sample = await toSample(previous, reading, this.#coreCount);
    this.#samples.push(sample);
    this.#logger.debug({ ...sample }, 'cpu sample');
  }

  async #read(target: SampleTarget): Promise<Reading> {
    const table = await readProcessTable(this.#procRoot);
    const atMs = Date.now();
    const selected =
      'pgid' in target ? selectProcessGroup(table, target.pgid) : selectDescendants(table, target.pid);
    const ticks = selected.map((stat) => [processKey(stat), stat.utimeTicks + stat.stimeTicks] as const);
    return { atMs, ticksByProcess: new Map(ticks) };
  }
}

/** CPU ticks gained between two readings, counting a process new to `now` from its start. */
export function ticksGained(before: ReadonlyMap<string, number>, now: ReadonlyMap<string, number>): number {
  let gained = 0;
  for (const [key, ticks] of now) gained += Math.max(0, ticks - (before.get(key) ?? 0));
  return gained;
}

async function toSample(previous: Reading, reading: Reading, coreCount: number): Promise<CpuSample> {
  const intervalMs = reading.atMs - previous.atMs;
  const ticks = ticksGained(previous.ticksByProcess, reading.ticksByProcess);
  const cpuTimeMs = (ticks * 1000) / (await clockTicksPerS());
  const pctOfOneCore = (100 * cpuTimeMs) / intervalMs;
  return {
    atMs: reading.atMs,
    intervalMs,
    processCount: reading.ticksByProcess.size,
    cpuTimeMs,
    cpuUtilPctOfOneCore: pctOfOneCore,
    cpuUtilPctOfAllCores: pctOfOneCore / coreCount,
  };
}

function processKey(stat: ProcStat): string {
  return `${stat.pid}:${stat.startTimeTicks}`;
}

let clockTicks: Promise<number> | undefined;

/** The kernel's USER_HZ (`getconf CLK_TCK`), read once; 100, the Linux norm, if getconf fails. */
export function clockTicksPerS(): Promise<number> {
  clockTicks ??= execa('getconf', ['CLK_TCK'], { reject: false }).then(({ stdout }) => {
    const ticks = Number(String(stdout).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  });
  return clockTicks;
}
