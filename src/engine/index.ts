export { WorkEngine, type EngineOptions, type EngineResult } from './work-engine.ts';
export type { Workflow, TaskContext, TaskOutcome, EngineMode } from './workflow.ts';
export { WorkSpecSchema, toWorkSpec, type WorkSpec, type WorkSpecInput } from './work-spec.ts';
export { CheckpointSchema, readCheckpoint, type Checkpoint, type EngineStatus } from './checkpoint.ts';
export { enginePaths, type EnginePaths } from './engine-paths.ts';
export { EngineError, WorkdirLockedError } from './engine-errors.ts';
export { MalformedFileError } from './durable-file.ts';
export { abortOnTerminationSignals } from './termination-signals.ts';
