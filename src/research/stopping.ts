import { join } from 'node:path';
import { CostLedger } from '../platform/agent/cost/cost-ledger.ts';
import type { ResearchContext } from './research-context.ts';
import type { RunStanding } from './run-standing.ts';

/** Why planning stops, with a sentence for people. */
export interface StopDecision {
  reason: 'max_iterations' | 'patience' | 'budget';
  detail: string;
}

/**
 * The stopping rules, enforced in code (the planner may stop earlier, never later):
 * - max iterations: that many experiments were started after the seeds;
 * - patience: that many finished experiments in a row brought no kept improvement;
 * - budget: the agent's spend or the jobs' hours reached the configured limit (fails closed).
 */
export async function stopReasonOf(context: ResearchContext, standing: RunStanding): Promise<StopDecision | undefined> {
  const { config } = context;
  if (standing.iteration >= config.max_iterations) {
    return { reason: 'max_iterations', detail: `${standing.iteration} experiments after the seeds reached max_iterations ${config.max_iterations}` };
  }
  if (standing.plateauCount >= config.patience) {
    return { reason: 'patience', detail: `${standing.plateauCount} finished experiments without a kept improvement (patience ${config.patience})` };
  }
  return budgetStop(context, standing);
}

/** Agent spend from the cost ledger, job hours from the finished experiments' durations. */
async function budgetStop(context: ResearchContext, standing: RunStanding): Promise<StopDecision | undefined> {
  const { usd, job_hours: jobHours } = context.config.budget;
  if (usd === undefined && jobHours === undefined) return undefined;
  const spentUsd = usd === undefined ? 0 : await spentUsdOf(context.workdir);
  const spentHours = standing.finished.reduce((sum, node) => sum + (node.metrics?.duration_s ?? 0), 0) / 3600;
  if (usd !== undefined && spentUsd >= usd) {
    return { reason: 'budget', detail: `agent spend $${spentUsd.toFixed(2)} reached the budget of $${usd.toFixed(2)}` };
  }
  if (jobHours !== undefined && spentHours >= jobHours) {
    return { reason: 'budget', detail: `jobs used ${spentHours.toFixed(2)} h of the ${jobHours} h budget` };
  }
  return undefined;
}

/** The agent's spend so far; an unreadable ledger counts as spent, so the budget fails closed. */
export async function spentUsdOf(workdir: string): Promise<number> {
  try {
    return (await new CostLedger(join(workdir, 'logs', 'ledger.jsonl')).totals()).costUsd;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
