import { z } from 'zod';

import type { EvidenceResult } from './evidence-result.ts';
import { SystemSamplesSchema } from './system-samples.ts';

/** What a finished (or stopped) job left behind for its evidence to be collected from. */
export const EvidenceInputSchema = z.object({
  stdoutPath: z.string().min(1),
  stderrPath: z.string().min(1),
  /** Epoch milliseconds of launch and exit; `duration_s` needs both. */
  startedAtMs: z.number().optional(),
  endedAtMs: z.number().optional(),
  exitCode: z.number().int().optional(),
  /** What a `SystemSampler` took while the job ran, if one did. */
  system: SystemSamplesSchema.optional(),
  /** `runs/<id>/metrics/`: the raw data is written here. */
  metricsDir: z.string().min(1),
});

/** See {@link EvidenceInputSchema}. */
export type EvidenceInput = z.infer<typeof EvidenceInputSchema>;

/**
 * The evidence capability: turns a job's output and samples into measured figures, by code.
 * A job whose output holds no readable step time yields a result with a `metrics_missing`
 * failure, never a rejection; a rejection means the raw files could not be written.
 */
export interface Evidence {
  collect(input: EvidenceInput): Promise<EvidenceResult>;
}
