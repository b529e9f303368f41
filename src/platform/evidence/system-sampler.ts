import { NvidiaSmiSampler, type NvidiaSmiSamplerOptions } from './nvidia-smi-sampler.ts';
import { ProcessTreeCpuSampler, type CpuSamplerOptions, type SampleTarget } from './process-tree-cpu-sampler.ts';
import type { SystemSamples } from './system-samples.ts';

/** Options of {@link SystemSampler}: those of its CPU and GPU samplers. */
export interface SystemSamplerOptions {
  readonly cpu?: CpuSamplerOptions;
  readonly gpu?: NvidiaSmiSamplerOptions;
}

/**
 * Samples a running job's CPU use (its process tree, from /proc) and the GPUs' utilization
 * (nvidia-smi, where present) from `start` to `stop`.
 *
 * @example
 * const sampler = new SystemSampler();
 * sampler.start({ pgid: job.pid! });
 * await job;
 * const system = await sampler.stop(); // pass to Evidence.collect
 */
export class SystemSampler {
  readonly #cpu: ProcessTreeCpuSampler;
  readonly #gpu: NvidiaSmiSampler;

  constructor(options: SystemSamplerOptions = {}) {
    this.#cpu = new ProcessTreeCpuSampler(options.cpu);
    this.#gpu = new NvidiaSmiSampler(options.gpu);
  }

  /** Starts both samplers on the job's processes. */
  start(target: SampleTarget): void {
    this.#cpu.start(target);
    this.#gpu.start();
  }

  /** Stops both samplers and returns their samples; GPU samples are absent when unmeasured. */
  async stop(): Promise<SystemSamples> {
    const [cpu, gpu] = await Promise.all([this.#cpu.stop(), this.#gpu.stop()]);
    return {
      cpu,
      ...(gpu.samples && { gpu: gpu.samples }),
      ...(gpu.unavailableReason !== undefined && { gpuUnavailableReason: gpu.unavailableReason }),
    };
  }
}
