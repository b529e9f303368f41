import { createFailure, PlatformError, type FailureRecord } from '../failure.ts';

/** Base of the errors thrown by an {@link Execution} implementation. */
export class ExecutionError extends PlatformError {
  override readonly name: string = 'ExecutionError';

  constructor(failure: FailureRecord, options?: { cause?: unknown }) {
    super(failure, options);
  }
}

/** Thrown by `launch` when the job cannot start (bad folder, bad name, spawn failure). */
export class LaunchFailedError extends ExecutionError {
  override readonly name = 'LaunchFailedError';

  constructor(
    readonly jobName: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      createFailure({
        kind: 'launch_failed',
        phase: 'launch',
        message: `Job ${jobName} could not be launched: ${reason}`,
        details: { jobName, reason },
      }),
      options,
    );
  }
}

/**
 * Thrown by `launch` and `find` when a job name was claimed (the launch began) but no process
 * started within the launch grace period: the launcher died mid-launch. Nothing runs under
 * this name; launch the experiment again under a new name.
 */
export class JobLostError extends ExecutionError {
  override readonly name = 'JobLostError';

  constructor(
    readonly jobName: string,
    readonly jobDir: string,
    readonly claimedAt: string,
  ) {
    super(
      createFailure({
        kind: 'job_lost',
        phase: 'launch',
        message: `Job ${jobName} was claimed at ${claimedAt} but its process never started (folder ${jobDir}); the launcher stopped mid-launch. Launch it again under a new job name.`,
        details: { jobName, jobDir, claimedAt },
      }),
    );
  }
}

/**
 * Thrown by `substituteImage` when the launch command refers to `$IMAGE` but no image was built,
 * or the image name holds characters the shell would interpret.
 */
export class ImageSubstitutionError extends ExecutionError {
  override readonly name = 'ImageSubstitutionError';

  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(
      createFailure({
        kind: 'launch_failed',
        phase: 'launch',
        message: `Cannot substitute $IMAGE in the launch command "${command}": ${reason}`,
        details: { command, reason },
      }),
    );
  }
}
