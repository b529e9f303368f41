import { z } from 'zod';

/**
 * The kinds of failure an agent operation can end in. Each operation has its own kind, so a
 * failed analysis never reads as a failed plan; `agent_unavailable` covers an API that stayed
 * unreachable or refused the request after the client's own retries.
 */
export const AgentFailureKind = z.enum([
  'instrumentation_failed',
  'code_change_failed',
  'startup_repair_failed',
  'analysis_failed',
  'planning_failed',
  'report_failed',
  'answer_failed',
]);
export type AgentFailureKind = z.infer<typeof AgentFailureKind>;

/**
 * A failure record: the data an operation leaves behind instead of throwing. It has the shape
 * of the platform-wide failure record (`{kind, phase, message, details?, createdAt}`) so the
 * workflow can store it next to build and launch failures without translation.
 */
export const AgentFailure = z.object({
  kind: AgentFailureKind,
  phase: z.string().min(1),
  message: z.string().min(1),
  details: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string().min(1),
});
export type AgentFailure = z.infer<typeof AgentFailure>;

/** Builds a failure record stamped with the current time. */
export function agentFailure(
  kind: AgentFailureKind,
  phase: string,
  message: string,
  details?: Record<string, unknown>,
): AgentFailure {
  return { kind, phase, message, ...(details ? { details } : {}), createdAt: new Date().toISOString() };
}
