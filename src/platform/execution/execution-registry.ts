import type { Execution } from './execution.ts';
import { UnknownExecutionError } from './execution-errors.ts';
import { LocalExecution, type LocalExecutionOptions } from './local/local-execution.ts';

/** The settings every execution implementation is built from. */
export type ExecutionOptions = LocalExecutionOptions;

const implementations: Record<string, (options: ExecutionOptions) => Execution> = {
  local: (options) => new LocalExecution(options),
};

/** Names accepted by {@link createExecution}. */
export const executionNames: readonly string[] = Object.keys(implementations);

/**
 * Builds the execution registered under `name` (`local`: detached local process groups).
 * Throws {@link UnknownExecutionError}, listing the valid names, for any other name.
 */
export function createExecution(name: string, options: ExecutionOptions): Execution {
  const create = Object.hasOwn(implementations, name) ? implementations[name] : undefined;
  if (!create) throw new UnknownExecutionError(name, executionNames);
  return create(options);
}
