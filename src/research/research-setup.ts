import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { describeIssues, readJsonFile } from '../engine/durable-file.ts';
import { searchSpaceSchema } from '../platform/agent/offline/search-space.ts';
import { ResearchConfigSchema, readConfig, writeConfig, type ResearchConfig, type ResearchConfigInput } from './research-config.ts';
import type { ResearchPlatform } from './research-context.ts';
import { targetOf } from './experiment-lifecycle.ts';
import { readRunState, writeRunState, type RunState } from './run-state.ts';

/** Raised when a run cannot be set up; the message names the flag, file or field to fix. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

/** What a person gives on the first run (the CLI's flags). */
export interface RunInputs {
  workdir: string;
  pipelineScript?: string;
  sourceDir?: string;
  buildCommand?: string;
  baseLaunchCommand?: string;
  searchSpace?: string;
  settings?: Partial<ResearchConfigInput>;
}

/** The marker every instrumented pipeline prints; its presence means instrumentation is done. */
const METRIC_MARKER = '[autoresearch]';

/**
 * Settings a person may change when continuing a run (`run --workdir` on an existing workdir):
 * limits, budget, the agent. Everything else defines what the run measures and stays as it was.
 */
const ADJUSTABLE_SETTINGS = [
  'max_iterations',
  'patience',
  'max_concurrency',
  'job_timeout_s',
  'wall_clock_limit_s',
  'poll_interval_s',
  'build_timeout_s',
  'agent',
  'budget',
  'min_effect_pct',
  'confirm_improvements',
  'startup_repair_attempts',
  'notes',
] as const satisfies readonly (keyof ResearchConfig)[];

/**
 * Validates the inputs into the run's configuration on the first run. On an existing workdir it
 * reads config.json and applies the adjustable settings given (see {@link settingChanges}); an
 * input that would change what the run measures (pipeline, commands, search space, primary
 * metric) is refused. Nothing is written here: config.json is written by {@link initializeRun}
 * once the source folder has been accepted, so inputs refused there can be corrected and given
 * again.
 */
export async function resolveConfig(inputs: RunInputs): Promise<ResearchConfig> {
  const existing = await readConfig(inputs.workdir);
  if (existing) return continuedConfig(existing, inputs);

  const sourceDir = await requireDirectory(inputs.sourceDir, '--source-dir');
  const pipelineScript = await requirePipeline(inputs.pipelineScript, sourceDir);
  if (!inputs.baseLaunchCommand?.trim()) throw new SetupError('--base-launch-command is required on the first run: the shell command that launches one training job ($IMAGE stands for the built image).');

  const parsed = ResearchConfigSchema.safeParse({
    run_name: `run-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`,
    created_at: new Date().toISOString(),
    pipeline_script: pipelineScript,
    source_dir: sourceDir,
    build_command: inputs.buildCommand ?? '',
    base_launch_command: inputs.baseLaunchCommand,
    ...(inputs.searchSpace && { search_space: await readSearchSpace(inputs.searchSpace) }),
    ...inputs.settings,
  });
  if (!parsed.success) throw new SetupError(`Invalid settings: ${describeIssues(parsed.error.issues).join('; ')}.`);
  return parsed.data;
}

/** The changed settings between two configurations, as `name: before → after` lines. */
export function settingChanges(before: ResearchConfig, after: ResearchConfig): string[] {
  return ADJUSTABLE_SETTINGS.filter((key) => !isDeepStrictEqual(before[key], after[key])).map(
    (key) => `${key}: ${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`,
  );
}

async function continuedConfig(existing: ResearchConfig, inputs: RunInputs): Promise<ResearchConfig> {
  await refuseChangedDefinition(existing, inputs);

  const settings = inputs.settings ?? {};
  const adjusted: Record<string, unknown> = { ...existing };
  for (const key of ADJUSTABLE_SETTINGS) {
    if (settings[key] === undefined) continue;
    const value = settings[key];
    adjusted[key] = key === 'agent' || key === 'budget' ? { ...(existing[key] as object), ...(value as object) } : value;
  }

  const parsed = ResearchConfigSchema.safeParse(adjusted);
  if (!parsed.success) throw new SetupError(`Invalid settings for the run in ${inputs.workdir}: ${describeIssues(parsed.error.issues).join('; ')}.`);
  return parsed.data;
}

/** An input that differs from what the run was started with is refused, naming the flag. */
async function refuseChangedDefinition(existing: ResearchConfig, inputs: RunInputs): Promise<void> {
  const refuse = (flag: string, field: string, stored?: unknown): never => {
    const startedWith = stored === undefined ? `config.json ${field}` : `${JSON.stringify(stored)} (config.json ${field})`;
    throw new SetupError(
      `${flag} differs from the run in ${inputs.workdir}, which was started with ${startedWith}. ` +
        `What a run measures cannot change while it continues: leave ${flag} out to continue it, or start a new run with another --workdir.`,
    );
  };

  if (inputs.sourceDir !== undefined && resolve(inputs.sourceDir) !== existing.source_dir) refuse('--source-dir', 'source_dir', existing.source_dir);
  if (inputs.pipelineScript !== undefined && (await requirePipeline(inputs.pipelineScript, existing.source_dir)) !== existing.pipeline_script) {
    refuse('--pipeline-script', 'pipeline_script', existing.pipeline_script);
  }
  if (inputs.buildCommand !== undefined && inputs.buildCommand !== existing.build_command) refuse('--build-command', 'build_command', existing.build_command);
  if (inputs.baseLaunchCommand !== undefined && inputs.baseLaunchCommand !== existing.base_launch_command) {
    refuse('--base-launch-command', 'base_launch_command', existing.base_launch_command);
  }
  if (inputs.searchSpace !== undefined && !isDeepStrictEqual(await readSearchSpace(inputs.searchSpace), existing.search_space)) {
    refuse('--search-space', 'search_space');
  }
  const metric = inputs.settings?.primary_metric;
  if (metric !== undefined && metric !== existing.primary_metric) refuse('--primary-metric', 'primary_metric', existing.primary_metric);
}

/**
 * Records where the source lives and the anchor commit every experiment starts from, after
 * instrumenting the pipeline when it does not print the metric lines yet, and writes
 * config.json once the source is accepted. Idempotent: a run whose state.json exists is left as
 * it is, but for the adjusted settings of a continued run, which are written to config.json.
 */
export async function initializeRun(workdir: string, config: ResearchConfig, platform: ResearchPlatform): Promise<RunState> {
  const existing = await readRunState(workdir);
  if (existing) {
    const stored = await readConfig(workdir);
    if (!isDeepStrictEqual(stored, config)) await writeConfig(workdir, config); // settings adjusted on continuing
    return existing;
  }

  const source = await platform.workspace.detect().catch((error: Error) => {
    throw new SetupError(`--source-dir ${config.source_dir}: ${error.message}`, { cause: error });
  });
  const script = await readFile(join(config.source_dir, config.pipeline_script), 'utf8');
  const isInstrumented = script.includes(METRIC_MARKER);
  const anchor = isInstrumented ? source.anchorCommit : await instrument(config, platform, source.anchorCommit);
  if (!(await readConfig(workdir))) await writeConfig(workdir, config);

  const state: RunState = {
    schema_version: 1,
    repo_root: source.repoRoot,
    source_path: source.sourcePath,
    anchor_commit: anchor,
    instrumented: !isInstrumented,
    iteration: 0,
    plateau_count: 0,
    practices_tried: [],
    cost_usd: 0,
    job_seconds: 0,
  };
  await writeRunState(workdir, state);
  return state;
}

async function instrument(config: ResearchConfig, platform: ResearchPlatform, anchor: string): Promise<string> {
  const worktree = await platform.workspace.createWorktree({ experimentId: 'instrumentation', baseCommit: anchor });
  const reply = await platform.agent.instrument({ target: targetOf(config.pipeline_script, worktree) });
  if (!reply.ok) {
    throw new SetupError(`The pipeline ${config.pipeline_script} does not print "${METRIC_MARKER}" metric lines and could not be instrumented: ${reply.failure.message}`);
  }
  return platform.workspace.commit(worktree, 'autoresearch: add TTFB and per-step timing lines');
}

async function requireDirectory(path: string | undefined, flag: string): Promise<string> {
  if (!path) throw new SetupError(`${flag} is required on the first run: the folder that holds the pipeline code (inside a git repository).`);
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) throw new SetupError(`${flag} ${path}: expected an existing folder.`);
  return absolute;
}

async function requirePipeline(path: string | undefined, sourceDir: string): Promise<string> {
  if (!path) throw new SetupError('--pipeline-script is required on the first run: the Python file of the training pipeline.');
  const absolute = isAbsolute(path) ? path : (await exists(resolve(path))) ? resolve(path) : resolve(sourceDir, path);
  if (!(await exists(absolute))) throw new SetupError(`--pipeline-script ${path}: no such file (looked in the current folder and in ${sourceDir}).`);
  const inside = relative(sourceDir, absolute);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new SetupError(`--pipeline-script ${path} is outside --source-dir ${sourceDir}; the pipeline must live in the source folder.`);
  return inside;
}

async function readSearchSpace(path: string): Promise<z.output<typeof searchSpaceSchema>> {
  try {
    const space = await readJsonFile(resolve(path), searchSpaceSchema);
    if (!space) throw new SetupError(`--search-space ${path}: no such file.`);
    return space;
  } catch (error) {
    if (error instanceof SetupError) throw error;
    throw new SetupError(`--search-space ${path}: ${(error as Error).message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return Boolean(await stat(path).catch(() => undefined));
}
