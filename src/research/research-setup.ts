import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
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
 * Validates the inputs into the run's configuration on the first run, or reads config.json on
 * resume (then the inputs are not needed and are ignored). Nothing is written here: config.json
 * is written by {@link initializeRun} once the source folder has been accepted, so inputs
 * refused there can be corrected and given again.
 */
export async function resolveConfig(inputs: RunInputs): Promise<ResearchConfig> {
  const existing = await readConfig(inputs.workdir);
  if (existing) return existing;

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

/**
 * Records where the source lives and the anchor commit every experiment starts from, after
 * instrumenting the pipeline when it does not print the metric lines yet, and writes
 * config.json once the source is accepted. Idempotent: a run whose state.json exists is left as
 * it is.
 */
export async function initializeRun(workdir: string, config: ResearchConfig, platform: ResearchPlatform): Promise<RunState> {
  const existing = await readRunState(workdir);
  if (existing) return existing;

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
