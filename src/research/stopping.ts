import { join } from 'node:path';
import { CostLedger } from '../platform/agent/cost/cost-ledger.ts';
import { bestPracticeOf } from '../platform/agent/offline/proposal-text.ts';
import type { ResearchContext } from './research-context.ts';
import type { RunStanding } from './run-standing.ts';

/** Why planning stops, with a sentence for people. */
export interface StopDecision {
  reason: 'max_iterations' | 'patience' | 'budget';
  detail: string;
}

/** The practices a run should try before a plateau may end it (where the run can try them). */
export const KNOWN_PRACTICES = ['subprocess_loading', 'batch_size_tuning', 'concurrency_tuning'] as const;

/**
 * The stopping rules, enforced in code (the planner may stop earlier, never later):
 * - max iterations: that many experiments were started after the seeds (a repeat that confirms
 *   a result belongs to the experiment it repeats, and a headspace run measures a bound rather
 *   than trying a change, so neither is counted: the last candidate can still be confirmed);
 * - patience: that many finished experiments in a row brought no kept improvement, and every
 *   known practice that applies here was tried — or twice that many, whatever was tried;
 * - budget: the agent's spend or the jobs' hours reached the configured limit (fails closed).
 */
export async function stopReasonOf(context: ResearchContext, standing: RunStanding): Promise<StopDecision | undefined> {
  const { config } = context;
  if (standing.iteration >= config.max_iterations) {
    return { reason: 'max_iterations', detail: `${standing.iteration} experiments after the seeds reached max_iterations ${config.max_iterations}` };
  }
  if (standing.plateauCount >= config.patience) {
    const untried = applicablePractices(context).filter((practice) => !standing.practicesTried.includes(practice));
    const detail = `${standing.plateauCount} finished experiments without a kept improvement (patience ${config.patience})`;
    if (untried.length === 0) return { reason: 'patience', detail };
    if (standing.plateauCount >= 2 * config.patience) return { reason: 'patience', detail: `${detail}; never tried: ${untried.join(', ')}` };
  }
  return budgetStop(context, standing);
}

/**
 * The known practices this run can try: all of them with a code-editing agent; with a knob-only
 * planner, those its search space offers a knob (or the subprocess switch) for.
 */
export function applicablePractices(context: ResearchContext): string[] {
  if (context.platform.agent.canEditCode) return [...KNOWN_PRACTICES];
  const space = context.config.search_space;
  if (!space) return [];
  const offered = new Set<string>(space.knobs.map((knob) => bestPracticeOf(knob.name)));
  if (space.subprocess) offered.add('subprocess_loading');
  return KNOWN_PRACTICES.filter((practice) => offered.has(practice));
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
