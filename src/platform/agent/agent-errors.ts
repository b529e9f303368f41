/**
 * Base class of every error the agent capability throws. Operations report their own failures
 * as failure records; these errors are for misuse and for conditions that must stop the run
 * (an exhausted budget, an unknown implementation, a missing template or recording).
 */
export class AgentError extends Error {
  override readonly name: string = 'AgentError';
}

/** Thrown when an agent name is not in the registry. The message lists the valid names. */
export class UnknownAgentError extends AgentError {
  override readonly name = 'UnknownAgentError';

  constructor(
    readonly requested: string,
    readonly known: readonly string[],
  ) {
    super(
      `No agent named "${requested}". Known agents: ${known.join(', ') || '(none registered)'}. ` +
        'Pick one of these with the agent setting.',
    );
  }
}

/** Thrown when an implementation is created without something it cannot work without. */
export class AgentConfigurationError extends AgentError {
  override readonly name = 'AgentConfigurationError';

  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by the replay agent when the recording for a call is absent. The message names the
 * operation, its sequence number and the file that was expected.
 */
export class MissingRecordingError extends AgentError {
  override readonly name = 'MissingRecordingError';

  constructor(
    readonly operation: string,
    readonly sequence: number,
    readonly expectedPath: string,
  ) {
    super(
      `No recorded reply for ${operation} call #${sequence}: expected the file ${expectedPath}. ` +
        'Record the run again, or replay with the recordings of the run being reproduced.',
    );
  }
}

/** Thrown when a prompt template is missing or a placeholder in it was left unfilled. */
export class PromptTemplateError extends AgentError {
  override readonly name = 'PromptTemplateError';

  constructor(
    readonly template: string,
    message: string,
  ) {
    super(message);
  }
}
