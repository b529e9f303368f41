import { createFailure, type FailureKind, type FailurePhase, type FailureRecord } from '../platform/failure.ts';

/** Re-files an agent's failure as the experiment's failure of `kind`, in the phase it happened. */
export function fromAgentFailure(failure: FailureRecord, kind: FailureKind, phase: FailurePhase): FailureRecord {
  return createFailure({
    kind,
    phase,
    message: failure.message,
    details: { ...(failure.details ?? {}), agent_failure_kind: failure.kind },
  });
}
