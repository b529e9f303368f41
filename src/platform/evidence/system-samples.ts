import { z } from 'zod';

/**
 * CPU use of a job's process tree over one sampling interval. `cpuUtilPctOfOneCore` may exceed
 * 100 when the tree keeps several cores busy; `cpuUtilPctOfAllCores` is relative to the cores
 * this machine offers.
 */
export const CpuSampleSchema = z.object({
  atMs: z.number(),
  intervalMs: z.number().positive(),
  processCount: z.number().int().nonnegative(),
  cpuTimeMs: z.number().nonnegative(),
  cpuUtilPctOfOneCore: z.number().nonnegative(),
  cpuUtilPctOfAllCores: z.number().nonnegative(),
});

/** See {@link CpuSampleSchema}. */
export type CpuSample = z.infer<typeof CpuSampleSchema>;

/**
 * One GPU's readings at one instant, as nvidia-smi reports them. `smUtilPct` is nvidia-smi's
 * `utilization.gpu`: the share of the last sample period in which a kernel was running.
 * A field nvidia-smi reported as `[N/A]` is absent.
 */
export const GpuSampleSchema = z.object({
  atMs: z.number(),
  gpuIndex: z.number().int().nonnegative(),
  smUtilPct: z.number().min(0).max(100).optional(),
  memoryUtilPct: z.number().min(0).max(100).optional(),
  memoryUsedMiB: z.number().nonnegative().optional(),
});

/** See {@link GpuSampleSchema}. */
export type GpuSample = z.infer<typeof GpuSampleSchema>;

/**
 * Everything sampled while a job ran. `gpu` is absent when no GPU could be read (no nvidia-smi,
 * no driver), and `gpuUnavailableReason` then says why: an unmeasured GPU is never all zeros.
 */
export const SystemSamplesSchema = z.object({
  cpu: z.array(CpuSampleSchema),
  gpu: z.array(GpuSampleSchema).optional(),
  gpuUnavailableReason: z.string().optional(),
});

/** See {@link SystemSamplesSchema}. */
export type SystemSamples = z.infer<typeof SystemSamplesSchema>;
