import { join } from 'node:path';
import { writeJsonDurably } from '../engine/durable-file.ts';
import type { EvidenceResult } from '../platform/evidence/evidence-result.ts';
import { createFailure, type FailureKind } from '../platform/failure.ts';
import { fromAgentFailure } from './agent-failure-record.ts';
import type { ExperimentNode, MeasuredMetrics } from './experiment-node.ts';
import { briefOf, recordFailure, runDir, targetOf } from './experiment-lifecycle.ts';
import type { ResearchContext } from './research-context.ts';

/**
 * The `collecting` phase: parses the job's logs and system samples into metrics (by code, never
 * by the agent), keeps them under runs/<id>/, and sorts out how a failed job failed. A job that
 * died before printing any progress after a code change gets a bounded number of repairs.
 */
export async function collectEvidence(context: ResearchContext, node: ExperimentNode): Promise<void> {
  const job = await context.platform.execution.find(node.job_name!);
  const samples = await context.samplers.get(node.id)?.stop();
  context.samplers.delete(node.id);
  if (!job) {
    return recordFailure(context, node, createFailure({ kind: 'job_lost', phase: 'metrics', message: `No record of job ${node.job_name}.` }));
  }

  const result = await context.platform.evidence.collect({
    stdoutPath: job.stdoutPath,
    stderrPath: job.stderrPath,
    startedAtMs: Date.parse(node.started_at ?? job.startedAt),
    ...(node.ended_at && { endedAtMs: Date.parse(node.ended_at) }),
    ...(node.exit_code !== undefined && { exitCode: node.exit_code }),
    ...(samples && { system: samples }),
    metricsDir: join(runDir(context, node), 'metrics'),
  });
  await writeJsonDurably(join(runDir(context, node), 'evidence.json'), result);
  const metrics = measuredMetrics(result);

  if (node.job_state !== 'succeeded') return handleJobFailure(context, node, result, metrics);
  if (result.failure) {
    await context.nodes.update(node.id, { metrics });
    return recordFailure(context, node, createFailure({ kind: 'metrics_missing', phase: 'metrics', message: result.failure.message, details: result.failure.details }));
  }
  await context.nodes.update(node.id, { phase: 'analyzing', metrics });
}

async function handleJobFailure(context: ResearchContext, node: ExperimentNode, result: EvidenceResult, metrics: MeasuredMetrics): Promise<void> {
  const kind = jobFailureKind(node.job_state, result.progressSeen);
  const message = jobFailureMessage(node, result);
  const canRepair =
    kind === 'job_startup_failed' &&
    Boolean(node.change.instructions) &&
    context.platform.agent.canEditCode &&
    node.repair_attempt < context.config.startup_repair_attempts;

  await context.nodes.update(node.id, { metrics });
  if (canRepair) return repairStartup(context, node, message, result);
  return recordFailure(context, node, createFailure({
    kind,
    phase: 'job',
    message,
    details: { exit_code: node.exit_code, job_state: node.job_state, error_summary: result.errorSummary, job: node.job_name },
  }));
}

/** Asks the agent to fix a start-up failure in the same worktree, then builds and launches again. */
async function repairStartup(context: ResearchContext, node: ExperimentNode, message: string, result: EvidenceResult): Promise<void> {
  const { workspace, agent } = context.platform;
  const worktree = await workspace.createWorktree({ experimentId: node.id, baseCommit: node.base_commit! });
  const attempt = node.repair_attempt + 1;
  const reply = await agent.repairStartup({
    target: targetOf(context.config.pipeline_script, worktree),
    experiment: briefOf(node),
    attempt,
    maxAttempts: Math.max(1, context.config.startup_repair_attempts),
    failureMessage: message,
    logTail: [...result.logTail.stderr, ...result.logTail.stdout].slice(-80).join('\n'),
  });
  if (!reply.ok) return recordFailure(context, node, fromAgentFailure(reply.failure, 'job_startup_failed', 'job'));

  const commit = await workspace.commit(worktree, `autoresearch ${node.id}: start-up repair ${attempt}`);
  await context.nodes.update(node.id, { phase: 'building', commit, repair_attempt: attempt, launch_attempt: node.launch_attempt + 1 });
}

function jobFailureKind(state: string | undefined, progressSeen: boolean): FailureKind {
  if (state === 'stalled') return 'job_stalled';
  if (state === 'timed_out') return 'job_timed_out';
  if (state === 'lost') return 'job_lost';
  if (state === 'cancelled') return 'job_cancelled';
  return progressSeen ? 'job_runtime_failed' : 'job_startup_failed';
}

function jobFailureMessage(node: ExperimentNode, result: EvidenceResult): string {
  const ending = node.job_state === 'failed' ? `exited with code ${node.exit_code ?? '?'}` : `ended as ${node.job_state}`;
  const summary = result.errorSummary ? `: ${result.errorSummary.split('\n').slice(-3).join(' ').slice(0, 300)}` : '';
  return `Job ${node.job_name} ${ending}${summary}`;
}

/** The run's metrics as recorded with the experiment, with the per-step spread for the noise margin. */
export function measuredMetrics(result: EvidenceResult): MeasuredMetrics {
  const spread = result.stepTimeSpread;
  const robustSigma = spread.mad !== undefined ? 1.4826 * spread.mad : undefined;
  const metrics: MeasuredMetrics = { ...result.summary };
  if (robustSigma !== undefined && spread.median) metrics.step_time_spread_pct = (robustSigma / spread.median) * 100;
  if (spread.sampleCount) metrics.steps = spread.sampleCount;
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => value !== undefined)) as MeasuredMetrics;
}
