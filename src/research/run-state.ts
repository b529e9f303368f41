import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonDurably } from '../engine/durable-file.ts';

/**
 * `<workdir>/state.json`: the little the experiments themselves do not say — where the source
 * lives, the anchor commit every experiment starts from, why planning stopped — plus a snapshot
 * of the standing (best, plateau, iteration, spend) refreshed with the other views.
 */
export const RunStateSchema = z.object({
  schema_version: z.literal(1).default(1),
  repo_root: z.string(),
  source_path: z.string(),
  anchor_commit: z.string(),
  instrumented: z.boolean().default(false),
  stop_reason: z.string().optional(),
  stop_detail: z.string().optional(),
  iteration: z.number().int().default(0),
  best_id: z.string().optional(),
  best_metric: z.number().optional(),
  baseline_metric: z.number().optional(),
  primary_metric: z.string().optional(),
  plateau_count: z.number().int().default(0),
  practices_tried: z.array(z.string()).default([]),
  cost_usd: z.number().default(0),
  job_seconds: z.number().default(0),
  updated_at: z.string().optional(),
});
export type RunState = z.output<typeof RunStateSchema>;

export const statePath = (workdir: string): string => join(workdir, 'state.json');

export function readRunState(workdir: string): Promise<RunState | undefined> {
  return readJsonFile(statePath(workdir), RunStateSchema);
}

export async function writeRunState(workdir: string, state: RunState): Promise<void> {
  await writeJsonDurably(statePath(workdir), { ...state, updated_at: new Date().toISOString() });
}
