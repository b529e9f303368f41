import { z } from 'zod';
import { MalformedFileError, readJsonFile, writeJsonDurably } from './durable-file.ts';
import { WorkSpecSchema } from './work-spec.ts';

/** The lifecycle states an engine records: running, interrupted (SIGINT/SIGTERM) or stopped. */
export const EngineStatusSchema = z.enum(['running', 'interrupted', 'stopped']);
export type EngineStatus = z.output<typeof EngineStatusSchema>;

export const EngineCountsSchema = z.object({
  completed: z.number().int().nonnegative().default(0),
  failed: z.number().int().nonnegative().default(0),
});
export type EngineCounts = z.output<typeof EngineCountsSchema>;

/**
 * `engine/checkpoint.json`, the source of truth for resume. `queued` is kept in run order; a
 * person may change priorities or delete queued specs while the engine is stopped. `seq` is the
 * last journal record folded into this file (records after it are replayed on load); `counts`
 * tallies finished tasks.
 */
export const CheckpointSchema = z
  .object({
    status: EngineStatusSchema,
    queued: z.array(WorkSpecSchema),
    running: z.array(WorkSpecSchema),
    seq: z.number().int().nonnegative().default(0),
    counts: EngineCountsSchema.default({ completed: 0, failed: 0 }),
    updated_at: z.string().optional(),
  })
  .superRefine((checkpoint, ctx) => {
    const seen = new Map<string, string>();
    for (const list of ['queued', 'running'] as const) {
      checkpoint[list].forEach((spec, index) => {
        const where = `${list}[${index}]`;
        const first = seen.get(spec.id);
        if (first) {
          ctx.addIssue({
            code: 'custom',
            path: [list, index, 'id'],
            message: `expected a unique id, but "${spec.id}" is also at ${first}`,
          });
        }
        seen.set(spec.id, where);
      });
    }
  });

export type Checkpoint = z.output<typeof CheckpointSchema>;

/** Reads the checkpoint; `undefined` on a fresh workdir; {@link MalformedFileError} when bad. */
export async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  return readJsonFile(path, CheckpointSchema);
}

/** Writes the checkpoint atomically. */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeJsonDurably(path, { ...checkpoint, updated_at: new Date().toISOString() });
}

export { MalformedFileError };
