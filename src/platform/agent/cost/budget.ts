import { z } from 'zod';
import { AgentError } from '../agent-errors.ts';
import type { CostLedger, LedgerTotals } from './cost-ledger.ts';

/** Spending limits of a run. An absent limit is not checked; both absent means no budget. */
export const BudgetLimits = z.object({
  maxUsd: z.number().positive().optional(),
  maxJobHours: z.number().positive().optional(),
});
export type BudgetLimits = z.infer<typeof BudgetLimits>;

/**
 * Thrown before new work starts once a budget limit is reached. The workflow stops starting
 * experiments and agent calls when it sees this; work already running finishes.
 */
export class BudgetExceededError extends AgentError {
  override readonly name = 'BudgetExceededError';

  constructor(
    readonly totals: LedgerTotals,
    readonly limits: BudgetLimits,
  ) {
    super(`Budget exhausted: ${budgetStatusLine(totals, limits)}. Raise the budget in the configuration to continue.`);
  }
}

/** Whether any configured limit has been reached (spent ≥ limit). */
export function isBudgetExhausted(totals: LedgerTotals, limits: BudgetLimits): boolean {
  const isCostReached = limits.maxUsd !== undefined && totals.costUsd >= limits.maxUsd;
  const isJobTimeReached = limits.maxJobHours !== undefined && totals.jobMinutes / 60 >= limits.maxJobHours;
  return isCostReached || isJobTimeReached;
}

/**
 * Throws {@link BudgetExceededError} when the ledger has reached a limit. Fails closed: a ledger
 * that cannot be read throws too (its own error), so no work starts on an unknown balance.
 */
export async function assertBudgetAvailable(ledger: CostLedger, limits: BudgetLimits): Promise<LedgerTotals> {
  const totals = await ledger.totals();
  if (isBudgetExhausted(totals, limits)) throw new BudgetExceededError(totals, limits);
  return totals;
}

/**
 * One line for status output, e.g. `agent $1.23 of $10.00 (12%), jobs 0.5 h of 8 h (6%)`.
 * Limits that are not set show the amount spent only.
 */
export function budgetStatusLine(totals: LedgerTotals, limits: BudgetLimits): string {
  const cost = `agent $${totals.costUsd.toFixed(2)}${ofLimit(totals.costUsd, limits.maxUsd, (value) => `$${value.toFixed(2)}`)}`;
  const hours = totals.jobMinutes / 60;
  const jobs = `jobs ${hours.toFixed(1)} h${ofLimit(hours, limits.maxJobHours, (value) => `${value} h`)}`;
  const state = isBudgetExhausted(totals, limits) ? ' — budget exhausted' : '';
  return `${cost}, ${jobs}${state}`;
}

function ofLimit(spent: number, limit: number | undefined, format: (value: number) => string): string {
  if (limit === undefined) return ' (no limit)';
  return ` of ${format(limit)} (${Math.round((spent / limit) * 100)}%)`;
}
