import { z } from 'zod';

/**
 * One training step as the instrumented pipeline reported it:
 * `[autoresearch] step=100 step_time_ms=150.2 fetch_time_ms=5.1 compute_time_ms=145.1`.
 * Only `stepTimeMs` is required; `step` is absent when the line carried no step number.
 */
export const StepSampleSchema = z.object({
  step: z.number().int().nonnegative().optional(),
  stepTimeMs: z.number().nonnegative(),
  fetchTimeMs: z.number().nonnegative().optional(),
  computeTimeMs: z.number().nonnegative().optional(),
  throughputSamplesPerS: z.number().nonnegative().optional(),
  batchSize: z.number().positive().optional(),
});

/** See {@link StepSampleSchema}. */
export type StepSample = z.infer<typeof StepSampleSchema>;
