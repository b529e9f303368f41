import type { Logger } from 'pino';
import type { WorkSpec } from './work-spec.ts';

/** How the engine is being driven; see {@link WorkEngine}. */
export type EngineMode = 'run' | 'tick';

/** What a task gets from the engine besides its spec. */
export interface TaskContext {
  /** Aborted on SIGINT/SIGTERM: persist your phase and return or throw promptly. */
  readonly signal: AbortSignal;
  readonly mode: EngineMode;
  readonly logger: Logger;
  /**
   * Durably replaces the spec's payload (journal append + fsync) before resolving. Record an
   * intent here before a side effect; after a crash the task is started again with the last
   * payload saved, and can find the intent and check whether the effect already happened.
   */
  saveProgress(payload: Record<string, unknown>): Promise<void>;
}

/**
 * How a task ended its turn:
 * - `completed` / `failed`: finished for good; `children` are queued at once.
 * - `waiting`: only waiting on something external (a remote job). In `run` mode the engine
 *   starts the task again after `retryAfterMs`; in `tick` mode it stays in `running` and the
 *   tick ends once every running task is waiting.
 */
export type TaskOutcome =
  | { status: 'completed' | 'failed'; children?: WorkSpec[] }
  | { status: 'waiting'; retryAfterMs?: number };

/**
 * The domain side of the engine: turns specs into tasks. The engine knows nothing of what a
 * spec means; stopping the whole run is the workflow's choice (it returns no more children).
 */
export interface Workflow {
  /** The specs of a first run; called only when the workdir has no engine state. */
  initialSpecs(): Promise<WorkSpec[]> | WorkSpec[];
  /**
   * Optional. Called when a used workdir is opened with nothing queued or running: the specs
   * that carry on work the workflow had ended (for example because a limit it enforces was
   * raised since). None by default, so a finished workdir stays finished.
   */
  continuationSpecs?(): Promise<WorkSpec[]> | WorkSpec[];
  /**
   * Runs (or resumes) one task. It is called again with the last saved payload after an
   * interruption or a crash, so every step after the last `saveProgress` must be safe to redo.
   * A thrown error (other than after abort) records the task as failed with no children.
   */
  runTask(spec: WorkSpec, context: TaskContext): Promise<TaskOutcome>;
}
