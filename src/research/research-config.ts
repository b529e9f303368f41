import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonDurably } from '../engine/durable-file.ts';
import { searchSpaceSchema } from '../platform/agent/offline/search-space.ts';

/** Metrics that can decide "improved". `auto`: throughput when reported, else steady step time. */
export const PrimaryMetricSchema = z.enum(['auto', 'throughput_samples_per_s', 'steady_step_time_ms', 'duration_s']);
export type PrimaryMetric = z.output<typeof PrimaryMetricSchema>;

/** The coding agents a run can use. */
export const AgentNameSchema = z.enum(['offline', 'anthropic', 'replay']);

/**
 * `<workdir>/config.json`: everything a run needs, written on the first run so that resume needs
 * the workdir alone. Paths are absolute; `pipeline_script` is relative to `source_dir`.
 */
export const ResearchConfigSchema = z
  .object({
    schema_version: z.literal(1).default(1),
    run_name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, ".", "_" or "-"'),
    created_at: z.string(),
    pipeline_script: z.string().min(1),
    source_dir: z.string().min(1),
    build_command: z.string().default(''),
    base_launch_command: z.string().min(1, 'expected the command that launches one training job'),
    /** Experiments started after the seeds, at most; confirmation repeats are not counted. */
    max_iterations: z.number().int().min(1).default(20),
    /** Stop after this many finished experiments without a kept improvement. */
    patience: z.number().int().min(1).default(5),
    max_concurrency: z.number().int().min(1).max(64).default(3),
    /** A job that prints no new progress line for this long is stalled (3× before its first). */
    job_timeout_s: z.number().positive().default(1800),
    /** Hard limit on one job's wall-clock time, progress or not. */
    wall_clock_limit_s: z.number().positive().default(6 * 3600),
    poll_interval_s: z.number().positive().default(2),
    build_timeout_s: z.number().positive().default(3600),
    agent: z
      .object({
        name: AgentNameSchema.default('offline'),
        model: z.string().optional(),
        replay_dir: z.string().optional(),
      })
      .default({ name: 'offline' }),
    search_space: searchSpaceSchema.optional(),
    primary_metric: PrimaryMetricSchema.default('auto'),
    /** A candidate must beat the best by at least this much (percent), even when noise is lower. */
    min_effect_pct: z.number().min(0).max(100).default(2),
    /** Re-run a new best once before building on it. */
    confirm_improvements: z.boolean().default(true),
    /** When the search ends, measure the headspace once more at the best's configuration. */
    closing_headspace: z.boolean().default(true),
    startup_repair_attempts: z.number().int().min(0).max(5).default(2),
    budget: z
      .object({ usd: z.number().positive().optional(), job_hours: z.number().positive().optional() })
      .default({}),
    notes: z.string().default(''),
  })
  .superRefine((config, ctx) => {
    if (config.agent.name === 'replay' && !config.agent.replay_dir) {
      ctx.addIssue({ code: 'custom', path: ['agent', 'replay_dir'], message: 'is required when agent.name is "replay"' });
    }
  });

export type ResearchConfig = z.output<typeof ResearchConfigSchema>;
export type ResearchConfigInput = z.input<typeof ResearchConfigSchema>;

export const configPath = (workdir: string): string => join(workdir, 'config.json');

/** Reads `<workdir>/config.json`; undefined on a fresh workdir; names the bad field otherwise. */
export function readConfig(workdir: string): Promise<ResearchConfig | undefined> {
  return readJsonFile(configPath(workdir), ResearchConfigSchema);
}

export async function writeConfig(workdir: string, config: ResearchConfig): Promise<void> {
  await writeJsonDurably(configPath(workdir), config);
}
