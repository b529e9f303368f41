import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { MalformedFileError, readTextIfExists } from '../../../engine/durable-file.ts';

/** One priced model request (one turn of an operation). */
export const AgentCallEntry = z.object({
  type: z.literal('agent_call'),
  at: z.string(),
  phase: z.string(),
  model: z.string(),
  requestId: z.string().nullable(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0),
  cacheWriteTokens: z.number().int().min(0),
  costUsd: z.number().min(0),
  isPriceKnown: z.boolean(),
  durationMs: z.number().min(0),
});
export type AgentCallEntry = z.infer<typeof AgentCallEntry>;

/** One finished job and how long it held its machine. */
export const JobEntry = z.object({
  type: z.literal('job'),
  at: z.string(),
  experimentId: z.string(),
  durationS: z.number().min(0),
});
export type JobEntry = z.infer<typeof JobEntry>;

/** A line of the ledger. */
export const LedgerEntry = z.discriminatedUnion('type', [AgentCallEntry, JobEntry]);
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** What the run has spent so far. */
export interface LedgerTotals {
  readonly costUsd: number;
  readonly agentCalls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly jobs: number;
  readonly jobMinutes: number;
}

/**
 * The run's spending record, `logs/ledger.jsonl`: one JSON line per model request and per job,
 * appended and fsynced before the call returns, so a crash never forgets money already spent.
 * Totals are summed from the file, so every process that shares the workdir sees one figure.
 */
export class CostLedger {
  constructor(readonly path: string) {}

  /** Appends one entry durably (append, fsync). */
  async append(entry: LedgerEntry): Promise<void> {
    const line = `${JSON.stringify(LedgerEntry.parse(entry))}\n`;
    await mkdir(dirname(this.path), { recursive: true });
    const handle = await open(this.path, 'a');
    try {
      await handle.write(line);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Records a finished job's duration. */
  async appendJob(experimentId: string, durationS: number): Promise<void> {
    await this.append({ type: 'job', at: new Date().toISOString(), experimentId, durationS });
  }

  /**
   * Every entry in order. A torn last line (a crash during append) is ignored; a bad line
   * anywhere else throws {@link MalformedFileError}, because a budget must not be judged on a
   * ledger that lost entries.
   */
  async entries(): Promise<LedgerEntry[]> {
    const text = (await readTextIfExists(this.path)) ?? '';
    const lines = text.split('\n');
    const isTornTail = !text.endsWith('\n');
    return lines.flatMap((line, index) => {
      if (line.trim() === '') return [];
      const entry = parseLine(line);
      if (entry) return [entry];
      if (isTornTail && index === lines.length - 1) return [];
      throw new MalformedFileError(this.path, [`line ${index + 1} is not a ledger entry`]);
    });
  }

  /** Sums the ledger. */
  async totals(): Promise<LedgerTotals> {
    return sumEntries(await this.entries());
  }
}

/** Sums ledger entries into totals. */
export function sumEntries(entries: readonly LedgerEntry[]): LedgerTotals {
  const calls = entries.filter((entry): entry is AgentCallEntry => entry.type === 'agent_call');
  const jobs = entries.filter((entry): entry is JobEntry => entry.type === 'job');
  return {
    costUsd: calls.reduce((sum, call) => sum + call.costUsd, 0),
    agentCalls: calls.length,
    inputTokens: calls.reduce((sum, call) => sum + call.inputTokens, 0),
    outputTokens: calls.reduce((sum, call) => sum + call.outputTokens, 0),
    jobs: jobs.length,
    jobMinutes: jobs.reduce((sum, job) => sum + job.durationS / 60, 0),
  };
}

function parseLine(line: string): LedgerEntry | undefined {
  try {
    const parsed = LedgerEntry.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
