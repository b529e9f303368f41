import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FailureRecordSchema } from '../../failure.ts';
import { FileEdit } from '../agent-replies.ts';
import { AGENT_OPERATIONS, type AgentOperation } from '../coding-agent.ts';

/**
 * One recorded exchange, `<operation>-<NNN>.json` in a recordings folder, numbered from 001 per
 * operation in call order. A code-changing operation records its edits, so replaying it makes
 * the same change in another worktree; other operations record their reply.
 */
export const Recording = z.object({
  operation: z.enum(AGENT_OPERATIONS),
  reply: z.unknown().optional(),
  edits: z.array(FileEdit).optional(),
  failure: FailureRecordSchema.optional(),
});
export type Recording = z.infer<typeof Recording>;

/** The file name of an operation's `sequence`-th recording. */
export function recordingFileName(operation: AgentOperation, sequence: number): string {
  return `${operation}-${String(sequence).padStart(3, '0')}.json`;
}

/** The path of an operation's `sequence`-th recording in `folder`. */
export function recordingPath(folder: string, operation: AgentOperation, sequence: number): string {
  return join(folder, recordingFileName(operation, sequence));
}

/** The highest sequence already recorded per operation in `folder` (0 when none). */
export async function lastRecordedSequences(folder: string): Promise<Map<AgentOperation, number>> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const last = new Map<AgentOperation, number>();
  for (const name of names) {
    const match = /^([A-Za-z]+)-(\d+)\.json$/.exec(name);
    const operation = AGENT_OPERATIONS.find((candidate) => candidate === match?.[1]);
    if (!operation || !match) continue;
    last.set(operation, Math.max(last.get(operation) ?? 0, Number(match[2])));
  }
  return last;
}
