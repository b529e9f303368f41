import { ImplementationRegistry } from '../implementation-registry.ts';
import type { Execution } from './execution.ts';
import { LocalExecution, type LocalExecutionOptions } from './local/local-execution.ts';

/** The settings every execution implementation is built from. */
export type ExecutionOptions = LocalExecutionOptions;

/** Execution implementations by name (`local`: detached local process groups). */
export const executionRegistry = new ImplementationRegistry<ExecutionOptions, Execution>('execution').register(
  'local',
  (options) => new LocalExecution(options),
);

/** Builds the named execution; throws `UnknownImplementationError` listing the valid names. */
export function createExecution(name: string, options: ExecutionOptions): Execution {
  return executionRegistry.create(name, options);
}
