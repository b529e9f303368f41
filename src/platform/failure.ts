import { z } from 'zod';

/**
 * What went wrong, as a stable code. The workflow keys its policy (retry, re-plan, note) on the
 * kind, never on message text.
 */
export const FailureKindSchema = z.enum([
  'source_failed',
  'instrumentation_failed',
  'workspace_failed',
  'code_change_failed',
  'build_failed',
  'launch_failed',
  'job_lost',
  'job_stalled',
  'job_timed_out',
  'job_cancelled',
  'job_startup_failed',
  'job_runtime_failed',
  'job_failed',
  'metrics_missing',
  'analysis_failed',
  'planning_failed',
  'report_failed',
  'answer_failed',
  'configuration_invalid',
  'interrupted',
  'unexpected_error',
]);

/** A stable failure code; see {@link FailureKindSchema}. */
export type FailureKind = z.infer<typeof FailureKindSchema>;

/** The step of an experiment (or of the run's setup) in which a failure happened. */
export const FailurePhaseSchema = z.enum([
  'setup',
  'prepare',
  'build',
  'launch',
  'job',
  'metrics',
  'analysis',
  'planning',
  'report',
]);

/** A failure phase; see {@link FailurePhaseSchema}. */
export type FailurePhase = z.infer<typeof FailurePhaseSchema>;

/**
 * A failure as data: persisted with the experiment, shown in reports, and read back on resume.
 * `details` holds what a person needs to act (command, exit code, output tail, file, …);
 * `createdAt` is a wall-clock ISO time.
 */
export const FailureRecordSchema = z.object({
  kind: FailureKindSchema,
  phase: FailurePhaseSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.iso.datetime(),
});

/** A failure record; see {@link FailureRecordSchema}. */
export type FailureRecord = z.infer<typeof FailureRecordSchema>;

/** The caller's part of a failure record; `createdAt` is filled in by {@link createFailure}. */
export type FailureInput = Omit<FailureRecord, 'createdAt'>;

/** Builds a failure record stamped with the current wall-clock time. */
export function createFailure(input: FailureInput): FailureRecord {
  const { kind, phase, message, details } = input;
  const createdAt = new Date().toISOString();
  return details === undefined
    ? { kind, phase, message, createdAt }
    : { kind, phase, message, details, createdAt };
}

/**
 * Base of every error the platform capabilities throw. It carries the failure record the
 * workflow persists, so a caller can read `error.failure` after an `instanceof PlatformError`
 * check without knowing which capability failed. Capabilities subclass it per category.
 */
export class PlatformError extends Error {
  override readonly name: string = 'PlatformError';

  constructor(
    readonly failure: FailureRecord,
    options?: { cause?: unknown },
  ) {
    super(failure.message, options);
  }
}

/**
 * Turns anything thrown into a failure record: a {@link PlatformError} keeps its own record;
 * anything else becomes `fallback` with the error's message and class name in `details`.
 */
export function toFailure(error: unknown, fallback: Omit<FailureInput, 'message'>): FailureRecord {
  if (error instanceof PlatformError) return error.failure;

  const message = error instanceof Error ? error.message : String(error);
  const exceptionType = error instanceof Error ? error.name : typeof error;
  return createFailure({ ...fallback, message, details: { ...fallback.details, exceptionType } });
}
