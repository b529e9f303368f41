import { createFailure, PlatformError, type FailureRecord } from '../failure.ts';

/** Base of the errors thrown by an {@link Artifacts} implementation. */
export class ArtifactsError extends PlatformError {
  override readonly name: string = 'ArtifactsError';

  constructor(failure: FailureRecord, options?: { cause?: unknown }) {
    super(failure, options);
  }
}

/** How a failed build ended. */
export type BuildEnding = 'exit_code' | 'signal' | 'timeout' | 'cancelled' | 'spawn' | 'bad_image';

/** The facts of a failed build, kept in the failure record's `details`. */
export interface BuildFailureFacts {
  ending: BuildEnding;
  command: string;
  cwd: string;
  /** Sentence describing the ending, e.g. `exited with code 2`. */
  outcome: string;
  exitCode?: number;
  signal?: string;
  stdoutTail: string;
  stderrTail: string;
  logPath: string;
}

/** Thrown by `build` when the build does not produce an image; its failure is `build_failed`. */
export class BuildFailedError extends ArtifactsError {
  override readonly name = 'BuildFailedError';

  constructor(
    readonly facts: BuildFailureFacts,
    options?: { cause?: unknown },
  ) {
    const { outcome, command, logPath } = facts;
    super(
      createFailure({
        kind: 'build_failed',
        phase: 'build',
        message: `The build ${outcome}: ${command} (log: ${logPath})`,
        details: { ...facts },
      }),
      options,
    );
  }
}
