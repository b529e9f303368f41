import { FailureRecordSchema, type FailureRecord } from '../failure.ts';

/**
 * The failure an agent operation ends in: a platform failure record (`{kind, phase, message,
 * details?, createdAt}`) with the operation's name in `details.operation`. Kept as its own name
 * so agent callers can say what they handle.
 */
export const AgentFailure = FailureRecordSchema;
export type AgentFailure = FailureRecord;
