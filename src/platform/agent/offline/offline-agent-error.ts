/**
 * Base class of every error raised by the offline agent (search space, planner input). Catch this
 * to handle any of them; the subclasses say which part of the input was wrong.
 */
export class OfflineAgentError extends Error {
  override readonly name: string = 'OfflineAgentError';
}

/**
 * Thrown by `parseSearchSpace` when the declared search space does not match its format. Each
 * entry of `problems` starts with the field it is about, e.g.
 * `knobs[1].default: 3 is not one of values [1,2,4]`.
 */
export class SearchSpaceError extends OfflineAgentError {
  override readonly name = 'SearchSpaceError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid search space: ${problems.join('; ')}. Fix the search space in the configuration, then retry.`);
  }
}

/**
 * Thrown by `applyConfiguration` when a configuration does not fit the search space: it names a
 * knob the space does not declare, or turns on a seed switch the space does not have.
 */
export class ConfigurationError extends OfflineAgentError {
  override readonly name = 'ConfigurationError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown by `planOffline` when its request does not match `planRequestSchema`. */
export class PlannerInputError extends OfflineAgentError {
  override readonly name = 'PlannerInputError';

  constructor(readonly problems: readonly string[]) {
    super(`Planning request is invalid: ${problems.join('; ')}. Build it from the run's history and configuration.`);
  }
}
