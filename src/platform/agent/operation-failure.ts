import { createFailure, type FailureRecord } from '../failure.ts';
import type { AgentOperation } from './coding-agent.ts';
import { OPERATION_CATALOG } from './operation-catalog.ts';

/**
 * The failure record of an operation that could not produce a valid result: the operation's
 * own kind and phase, and the operation's name in `details` so report and answer failures stay
 * distinguishable.
 */
export function operationFailure(operation: AgentOperation, message: string, details: Record<string, unknown> = {}): FailureRecord {
  const spec = OPERATION_CATALOG[operation];
  return createFailure({ kind: spec.failureKind, phase: spec.failurePhase, message, details: { operation, ...details } });
}
