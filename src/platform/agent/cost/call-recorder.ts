import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileDurably, writeJsonDurably } from '../../../engine/durable-file.ts';
import { assertBudgetAvailable, type BudgetLimits } from './budget.ts';
import type { CostLedger } from './cost-ledger.ts';
import { priceUsage, TokenUsage } from './price-table.ts';

/** One model request inside an operation, as written to `_raw.json`. */
export const RequestRecord = z.object({
  requestId: z.string().nullable(),
  model: z.string(),
  stopReason: z.string().nullable(),
  usage: TokenUsage,
  costUsd: z.number(),
  isPriceKnown: z.boolean(),
  durationMs: z.number(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;

/** The content of `logs/<stamp>_<phase>_raw.json`. */
export const CallRaw = z.object({
  operation: z.string(),
  phase: z.string(),
  outcome: z.enum(['ok', 'failure']),
  requests: z.array(RequestRecord),
  totals: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheReadTokens: z.number(),
    cacheWriteTokens: z.number(),
    costUsd: z.number(),
    durationMs: z.number(),
  }),
  failure: z.unknown().optional(),
});
export type CallRaw = z.infer<typeof CallRaw>;

/** Where a recorder writes, and what it checks before each request. */
export interface CallRecorderOptions {
  readonly operation: string;
  /** Phase in file names; characters other than letters, digits, `-` and `_` become `_`. */
  readonly phase: string;
  /** Folder of the per-call files, usually `<workdir>/logs`; absent means no files. */
  readonly logsDir?: string | undefined;
  /** Run ledger; absent means costs are only written to `_raw.json`. */
  readonly ledger?: CostLedger | undefined;
  /** Limits checked before every request; needs `ledger`. */
  readonly budget?: BudgetLimits | undefined;
}

/** Paths of the three files written for one operation. */
export interface CallLogPaths {
  readonly prompt: string;
  readonly output: string;
  readonly raw: string;
}

/**
 * Accounts for one agent operation: checks the budget before each model request, appends each
 * priced response to the ledger as it arrives (so a crash mid-operation still counts it), and at
 * the end writes `<stamp>_<phase>_prompt.md`, `_output.md` and `_raw.json`.
 */
export class CallRecorder {
  readonly #requests: RequestRecord[] = [];
  readonly #startedAt = new Date();

  constructor(readonly options: CallRecorderOptions) {}

  /** Throws `BudgetExceededError` when the run's budget is spent; no-op without a ledger. */
  async checkBudget(): Promise<void> {
    if (this.options.ledger && this.options.budget) await assertBudgetAvailable(this.options.ledger, this.options.budget);
  }

  /** Prices a response and appends it to the ledger. */
  async recordResponse(response: Omit<RequestRecord, 'costUsd' | 'isPriceKnown'>): Promise<RequestRecord> {
    const priced = priceUsage(response.model, response.usage);
    const record = RequestRecord.parse({ ...response, ...priced });
    this.#requests.push(record);
    await this.options.ledger?.append(ledgerEntryOf(record, this.options.phase));
    return record;
  }

  /** Requests recorded so far. */
  get requests(): readonly RequestRecord[] {
    return this.#requests;
  }

  /** Writes the three log files; returns their paths, or undefined without a logs folder. */
  async finish(prompt: string, output: string, failure?: unknown): Promise<CallLogPaths | undefined> {
    if (!this.options.logsDir) return undefined;

    const base = join(this.options.logsDir, `${fileStamp(this.#startedAt)}_${safePhase(this.options.phase)}`);
    const paths = { prompt: `${base}_prompt.md`, output: `${base}_output.md`, raw: `${base}_raw.json` };
    await writeFileDurably(paths.prompt, prompt);
    await writeFileDurably(paths.output, output);
    await writeJsonDurably(paths.raw, this.#raw(failure));
    return paths;
  }

  #raw(failure: unknown): CallRaw {
    const usages = this.#requests.map((request) => TokenUsage.parse(request.usage));
    const sum = (pick: (value: z.output<typeof TokenUsage>) => number): number => usages.reduce((total, usage) => total + pick(usage), 0);
    return {
      operation: this.options.operation,
      phase: this.options.phase,
      outcome: failure === undefined ? 'ok' : 'failure',
      requests: [...this.#requests],
      totals: {
        inputTokens: sum((usage) => usage.inputTokens),
        outputTokens: sum((usage) => usage.outputTokens),
        cacheReadTokens: sum((usage) => usage.cacheReadTokens),
        cacheWriteTokens: sum((usage) => usage.cacheWrite5mTokens + usage.cacheWrite1hTokens),
        costUsd: this.#requests.reduce((total, request) => total + request.costUsd, 0),
        durationMs: Date.now() - this.#startedAt.getTime(),
      },
      ...(failure === undefined ? {} : { failure }),
    };
  }
}

function ledgerEntryOf(record: RequestRecord, phase: string) {
  const usage = TokenUsage.parse(record.usage);
  return {
    type: 'agent_call' as const,
    at: new Date().toISOString(),
    phase,
    model: record.model,
    requestId: record.requestId,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
    costUsd: record.costUsd,
    isPriceKnown: record.isPriceKnown,
    durationMs: record.durationMs,
  };
}

// Sortable, colon-free, and unique enough for calls started in the same millisecond.
function fileStamp(date: Date): string {
  const compact = date.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${compact}-${randomBytes(2).toString('hex')}`;
}

function safePhase(phase: string): string {
  return phase.replace(/[^A-Za-z0-9_-]/g, '_');
}
