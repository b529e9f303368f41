import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MalformedFileError } from '../../../../src/engine/durable-file.ts';
import { assertBudgetAvailable, BudgetExceededError, budgetStatusLine, isBudgetExhausted } from '../../../../src/platform/agent/cost/budget.ts';
import { CostLedger, type AgentCallEntry } from '../../../../src/platform/agent/cost/cost-ledger.ts';

let folder: string;
let ledger: CostLedger;

function call(costUsd: number): AgentCallEntry {
  return { type: 'agent_call', at: '2026-12-03T00:00:00.000Z', phase: 'plan', model: 'claude-sonnet-5', requestId: 'req_1', inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd, isPriceKnown: true, durationMs: 3 };
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ledger-'));
  ledger = new CostLedger(join(folder, 'ledger.jsonl'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

describe('CostLedger', () => {
  it('sums agent costs, tokens and job minutes across appends', async () => {
    await ledger.append(call(0.25));
    await ledger.append(call(0.5));
    await ledger.appendJob('e001', 90);
    await ledger.appendJob('e002', 30);

    expect(await ledger.totals()).toEqual({ costUsd: 0.75, agentCalls: 2, inputTokens: 20, outputTokens: 10, jobs: 2, jobMinutes: 2 });
  });

  it('reads a missing ledger as nothing spent', async () => {
    expect((await ledger.totals()).costUsd).toBe(0);
  });

  it('ignores a torn last line left by a crash during an append', async () => {
    await ledger.append(call(1));
    await appendFile(ledger.path, '{"type":"agent_call","at":"2026');

    expect((await ledger.totals()).costUsd).toBe(1);
  });

  it('refuses a ledger with a bad line in the middle, naming the line', async () => {
    await writeFile(ledger.path, `${JSON.stringify(call(1))}\nnot json\n${JSON.stringify(call(1))}\n`);

    await expect(ledger.totals()).rejects.toBeInstanceOf(MalformedFileError);
    await expect(ledger.totals()).rejects.toThrow('line 2 is not a ledger entry');
  });
});

describe('budget', () => {
  const spent = { costUsd: 4, agentCalls: 3, inputTokens: 0, outputTokens: 0, jobs: 2, jobMinutes: 90 };

  it.each([
    ['no limits never exhaust', {}, false],
    ['cost below the limit', { maxUsd: 5 }, false],
    ['cost at the limit', { maxUsd: 4 }, true],
    ['job time beyond the limit', { maxJobHours: 1 }, true],
    ['either limit reached', { maxUsd: 100, maxJobHours: 1.5 }, true],
  ])('%s', (_rule, limits, expected) => {
    expect(isBudgetExhausted(spent, limits)).toBe(expected);
  });

  it('shows spending against limits in one status line', () => {
    expect(budgetStatusLine(spent, { maxUsd: 10, maxJobHours: 8 })).toBe('agent $4.00 of $10.00 (40%), jobs 1.5 h of 8 h (19%)');
    expect(budgetStatusLine(spent, { maxUsd: 4 })).toBe('agent $4.00 of $4.00 (100%), jobs 1.5 h (no limit) — budget exhausted');
  });

  it('fails closed with BudgetExceededError once a limit is reached', async () => {
    await ledger.append(call(2));
    await expect(assertBudgetAvailable(ledger, { maxUsd: 3 })).resolves.toMatchObject({ costUsd: 2 });

    await ledger.append(call(1));
    const refusal = assertBudgetAvailable(ledger, { maxUsd: 3 });
    await expect(refusal).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(refusal).rejects.toThrow('Budget exhausted: agent $3.00 of $3.00 (100%), jobs 0.0 h (no limit) — budget exhausted. Raise the budget in the configuration to continue.');
  });

  it('fails closed when the ledger cannot be read', async () => {
    await writeFile(ledger.path, 'garbage\n');
    await expect(assertBudgetAvailable(ledger, { maxUsd: 3 })).rejects.toBeInstanceOf(MalformedFileError);
  });
});
