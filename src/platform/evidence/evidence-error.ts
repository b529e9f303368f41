/** Base class of every error the evidence capability throws. */
export class EvidenceError extends Error {
  override name = 'EvidenceError';
}

/** Thrown when a sampler is started twice; each job gets its own sampler. */
export class SamplerAlreadyStartedError extends EvidenceError {
  override readonly name = 'SamplerAlreadyStartedError';

  constructor(readonly sampler: string) {
    super(`${sampler}.start was called on a sampler that already runs; create one sampler per job.`);
  }
}

/** Thrown when the raw files of a job's evidence cannot be written under its metrics folder. */
export class MetricsWriteError extends EvidenceError {
  override readonly name = 'MetricsWriteError';

  constructor(
    readonly metricsDir: string,
    options: { cause: unknown },
  ) {
    super(
      `Could not write the metrics files under ${metricsDir}: ${String((options.cause as Error)?.message ?? options.cause)}. ` +
        'Check that the workdir is writable and the disk is not full, then collect again.',
      options,
    );
  }
}
