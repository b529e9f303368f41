import { join, relative } from 'node:path';
import { writeFileDurably } from '../engine/durable-file.ts';
import type { TaskOutcome } from '../engine/workflow.ts';
import { applyConfiguration } from '../platform/agent/offline/apply-configuration.ts';
import { substituteImage } from '../platform/execution/substitute-image.ts';
import { createFailure, PlatformError, type FailureInput, type FailureRecord } from '../platform/failure.ts';
import { JobLostError } from '../platform/execution/execution-errors.ts';
import type { Job } from '../platform/execution/execution.ts';
import type { Worktree } from '../platform/workspace/workspace.ts';
import { fromAgentFailure } from './agent-failure-record.ts';
import { collectEvidence } from './evidence-step.ts';
import { TERMINAL_PHASES, type ExperimentNode } from './experiment-node.ts';
import { specOf } from './experiment-spec.ts';
import { analyzeExperiment } from './analysis-step.ts';
import { planFollowUps } from './planning-step.ts';
import type { ResearchContext } from './research-context.ts';

/** Raised inside a phase to end the experiment with a failure record. */
class ExperimentFailure extends Error {
  constructor(readonly failure: FailureRecord) {
    super(failure.message);
  }
}

/**
 * Advances one experiment from its persisted phase until it finishes or only waits on its job.
 * Each phase boundary is saved before the next side effect, so a restart continues where the
 * last run stopped: a known job is polled, never launched again; a measured result is never
 * measured again; an interrupted planning step is redone.
 */
export async function advanceExperiment(context: ResearchContext, id: string, signal: AbortSignal): Promise<TaskOutcome> {
  for (;;) {
    signal.throwIfAborted();
    const node = context.nodes.get(id);
    if (!node) throw new Error(`Experiment ${id} has no folder under engine/nodes; it cannot be resumed.`);

    try {
      const outcome = await step(context, node, signal);
      if (outcome) return outcome;
    } catch (error) {
      if (signal.aborted) throw error;
      const outcome = await recordStepError(context, node, error);
      if (outcome) return outcome;
    }
  }
}

/**
 * A step that threw. Before the measurement the experiment fails (and is still planned from);
 * after it, the error is kept beside the measured result, which it never erases, and a failed
 * planning step ends the experiment with no children rather than being retried forever.
 */
async function recordStepError(context: ResearchContext, node: ExperimentNode, error: unknown): Promise<TaskOutcome | undefined> {
  if (node.phase !== 'analyzing' && node.phase !== 'planning') {
    await recordFailure(context, node, toFailure(error, node));
    return undefined;
  }
  const kind = node.phase === 'analyzing' ? 'analysis_failed' : 'planning_failed';
  const failure = createFailure({ kind, phase: node.phase === 'analyzing' ? 'analysis' : 'planning', message: (error as Error)?.message ?? String(error) });
  context.logger.warn({ experiment: node.id, kind }, failure.message);
  if (node.phase === 'analyzing') {
    await context.nodes.update(node.id, { phase: 'planning', followup_failure: failure });
    return undefined;
  }
  const finished = await context.nodes.update(node.id, { phase: node.failure ? 'failed' : 'completed', followup_failure: failure, planned_children: [] });
  context.refreshViews();
  return { status: finished.phase === 'failed' ? 'failed' : 'completed', children: [] };
}

/** Runs the current phase; returns an outcome when the task's turn ends. */
async function step(context: ResearchContext, node: ExperimentNode, signal: AbortSignal): Promise<TaskOutcome | undefined> {
  switch (node.phase) {
    case 'queued':
    case 'preparing':
      await prepare(context, node, signal);
      return undefined;
    case 'building':
      await build(context, node, signal);
      return undefined;
    case 'launching':
      await launch(context, node);
      return undefined;
    case 'running':
      return poll(context, node);
    case 'collecting':
      await collectEvidence(context, node);
      return undefined;
    case 'analyzing':
      await analyzeExperiment(context, node);
      return undefined;
    case 'planning':
      return planFollowUps(context, node);
    case 'completed':
    case 'failed':
      // Finished before the engine recorded it (a crash in between): its planned children were
      // never handed over, so they are handed over now (the engine drops those it already holds).
      return { status: node.phase, children: unfinishedChildren(context, node).map(specOf) };
  }
}

function unfinishedChildren(context: ResearchContext, node: ExperimentNode): ExperimentNode[] {
  const children = (node.planned_children ?? []).map((id) => context.nodes.get(id));
  return children.filter((child): child is ExperimentNode => Boolean(child) && !TERMINAL_PHASES.has(child!.phase));
}

async function prepare(context: ResearchContext, node: ExperimentNode, signal: AbortSignal): Promise<void> {
  const { nodes, platform, state, config } = context;
  await nodes.update(node.id, { phase: 'preparing' });

  const parent = node.parent_id ? nodes.get(node.parent_id) : undefined;
  const baseCommit = parent?.commit ?? state.anchor_commit;
  const worktree = await platform.workspace.createWorktree({ experimentId: node.id, baseCommit });
  if (node.change.instructions) await applyCodeChange(context, node, worktree, signal);

  const commit = await platform.workspace.commit(worktree, `autoresearch ${node.id}: ${node.name}`);
  const diff = await platform.workspace.diff(worktree, baseCommit);
  await writeFileDurably(join(runDir(context, node), 'change.diff'), diff.patch);

  const launch = launchCommandOf(node, config.base_launch_command, context);
  await nodes.update(node.id, {
    phase: 'building',
    base_commit: baseCommit,
    commit,
    worktree: worktree.sourceDir,
    launch_command: launch.command,
    launch_env: { ...launch.env },
  });
}

async function applyCodeChange(context: ResearchContext, node: ExperimentNode, worktree: Worktree, signal: AbortSignal): Promise<void> {
  const { agent } = context.platform;
  if (!agent.canEditCode) {
    fail('code_change_failed', 'prepare', `The "${agent.name}" agent cannot carry out code instructions; this experiment needs a code-editing agent (ANTHROPIC_API_KEY set and --agent anthropic) or a switch for it in the search space (its "headspace" or "subprocess" entry).`);
  }
  signal.throwIfAborted();
  const reply = await agent.applyChanges({
    target: targetOf(context.config.pipeline_script, worktree),
    experiment: briefOf(node),
    parentSummary: node.parent_id ?? '',
  });
  if (!reply.ok) throw new ExperimentFailure(fromAgentFailure(reply.failure, 'code_change_failed', 'prepare'));
}

async function build(context: ResearchContext, node: ExperimentNode, signal: AbortSignal): Promise<void> {
  const { nodes, platform, config } = context;
  const parent = node.parent_id ? nodes.get(node.parent_id) : undefined;
  const canReuse = !node.requires_rebuild && parent?.image && parent.commit === node.commit;

  let image: string;
  if (canReuse) image = parent!.image!;
  else if (!config.build_command.trim()) image = `autoresearch-${node.commit!.slice(0, 12)}`;
  else {
    const result = await platform.artifacts.build({
      command: config.build_command,
      cwd: node.worktree!,
      commit: node.commit!,
      logPath: join(runDir(context, node), `build-${node.launch_attempt}.log`),
      timeoutMs: config.build_timeout_s * 1000,
      signal,
    });
    image = result.image;
  }

  // The job name is saved before the launch: after a crash, resume finds the job by this name.
  await nodes.update(node.id, { phase: 'launching', image, job_name: jobNameOf(config, node, node.launch_attempt) });
}

function jobNameOf(config: ResearchContext['config'], node: ExperimentNode, attempt: number): string {
  return `${config.run_name}-${node.id}-${attempt}`.slice(0, 200);
}

async function launch(context: ResearchContext, node: ExperimentNode): Promise<void> {
  const { platform, config } = context;
  let job: Job;
  try {
    job = await platform.execution.launch({
      jobName: node.job_name!,
      command: substituteImage(node.launch_command!, node.image!),
      cwd: node.worktree!,
      env: node.launch_env,
      jobDir: join(runDir(context, node), `job-${node.launch_attempt}`),
      limits: { stallTimeoutMs: config.job_timeout_s * 1000, wallClockLimitMs: config.wall_clock_limit_s * 1000 },
    });
  } catch (error) {
    if (!(error instanceof JobLostError)) throw error;
    // A crash between claiming the name and starting the process: nothing ran under that name,
    // so the launch is made again under the next attempt's name (the claimed one stays taken).
    const attempt = node.launch_attempt + 1;
    context.logger.warn({ experiment: node.id, job: node.job_name }, 'job never started; launching it under a new name');
    await context.nodes.update(node.id, { launch_attempt: attempt, job_name: jobNameOf(config, node, attempt) });
    return;
  }
  startSampler(context, node.id, job);
  await context.nodes.update(node.id, { phase: 'running', started_at: job.startedAt });
  context.logger.info({ experiment: node.id, job: job.name }, 'job launched');
}

async function poll(context: ResearchContext, node: ExperimentNode): Promise<TaskOutcome | undefined> {
  const job = await context.platform.execution.find(node.job_name!);
  if (!job) fail('job_lost', 'job', `Job ${node.job_name} was launched but its record is gone; it cannot be found again.`);

  startSampler(context, node.id, job);
  const status = await context.platform.execution.poll(job);
  if (status.state === 'running') return { status: 'waiting', retryAfterMs: context.config.poll_interval_s * 1000 };

  await context.nodes.update(node.id, {
    phase: 'collecting',
    ended_at: status.endedAt ?? new Date().toISOString(),
    job_state: status.state,
    ...(status.exitCode !== undefined && { exit_code: status.exitCode }),
  });
  return undefined;
}

function startSampler(context: ResearchContext, id: string, job: Job): void {
  if (context.samplers.has(id)) return;
  const sampler = context.platform.createSampler();
  sampler.start({ pgid: job.pgid });
  context.samplers.set(id, sampler);
}

/** Ends the experiment as failed; it still goes through planning, so the run carries on. */
export async function recordFailure(context: ResearchContext, node: ExperimentNode, failure: FailureRecord): Promise<void> {
  context.logger.warn({ experiment: node.id, kind: failure.kind, phase: failure.phase }, failure.message);
  await context.samplers.get(node.id)?.stop().catch(() => undefined);
  context.samplers.delete(node.id);
  await context.nodes.update(node.id, {
    phase: 'planning',
    failure,
    verdict: 'failed',
    ended_at: node.ended_at ?? new Date().toISOString(),
    notes: `${failure.kind}: ${failure.message}`,
  });
}

function toFailure(error: unknown, node: ExperimentNode): FailureRecord {
  if (error instanceof ExperimentFailure) return error.failure;
  if (error instanceof PlatformError) return error.failure;
  const phase = node.phase === 'building' ? 'build' : node.phase === 'launching' ? 'launch' : 'prepare';
  return createFailure({ kind: 'unexpected_error', phase, message: (error as Error)?.message ?? String(error) });
}

function fail(kind: FailureInput['kind'], phase: FailureInput['phase'], message: string): never {
  throw new ExperimentFailure(createFailure({ kind, phase, message }));
}

/** The launch command and environment of an experiment: knobs and seed switches applied. */
export function launchCommandOf(node: ExperimentNode, base: string, context: ResearchContext): { command: string; env: Record<string, string> } {
  const space = context.config.search_space;
  if (!space) return { command: base, env: {} };
  const applied = applyConfiguration(space, base, { knobs: node.knobs, subprocess: node.subprocess }, { isHeadspace: node.is_headspace });
  return { command: applied.command, env: { ...applied.env } };
}

/** `<workdir>/runs/<id>`: the experiment's logs, metrics, diff and analysis. */
export function runDir(context: ResearchContext, node: ExperimentNode): string {
  return join(context.workdir, 'runs', node.id);
}

/** Where a code-editing agent may work: the experiment's worktree, limited to the source folder. */
export function targetOf(pipelineScript: string, worktree: Worktree) {
  return {
    worktreeDir: worktree.path,
    sourceDir: relative(worktree.path, worktree.sourceDir) || '.',
    pipelineScript,
  };
}

/** The experiment as an agent request describes it. */
export function briefOf(node: ExperimentNode) {
  return {
    id: node.id,
    name: node.name,
    hypothesis: node.hypothesis,
    change: node.change,
    parentId: node.parent_id,
    isHeadspace: node.is_headspace,
  };
}

