/** Base class of the errors the engine throws on purpose. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/** Thrown when another live process holds the workdir: two engines must never share one. */
export class WorkdirLockedError extends EngineError {
  override name = 'WorkdirLockedError';

  constructor(
    readonly lockPath: string,
    readonly ownerPid: number,
  ) {
    super(
      `The workdir is in use by process ${ownerPid} (${lockPath}). Stop that process first; if no such process exists, delete the lock file and retry.`,
    );
  }
}
