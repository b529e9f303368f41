import { z } from 'zod';

/** A built image, as persisted with the experiment. */
export const BuildResultSchema = z.object({
  /** The image name `$IMAGE` stands for in the launch command. */
  image: z.string(),
  /** `output`: the build printed it; `commit`: the build printed nothing, so it was derived. */
  imageSource: z.enum(['output', 'commit']),
  /** The file holding the build's command, stdout and stderr. */
  logPath: z.string(),
  durationMs: z.number().nonnegative(),
});

/** See {@link BuildResultSchema}. */
export type BuildResult = z.infer<typeof BuildResultSchema>;

/** What {@link Artifacts.build} needs. */
export interface BuildRequest {
  /** Shell command; its last non-empty stdout line names the image. */
  command: string;
  /** Where the command runs: the experiment's source folder inside its worktree. */
  cwd: string;
  /** The experiment's commit; names the image when the command prints nothing. */
  commit: string;
  /** File the build log is written to (created with its folders). */
  logPath: string;
  /** Variables added to the inherited environment. */
  env?: Record<string, string>;
  /** Kill the build after this long. Default: the implementation's (local: 30 minutes). */
  timeoutMs?: number;
  /** Aborting kills the build and fails it as cancelled. */
  signal?: AbortSignal;
}

/**
 * The build capability: turns an experiment's commit into an image for the launch command.
 * A failed build throws a `BuildFailedError` whose `failure` is a `build_failed` record.
 *
 * @example
 * const { image } = await artifacts.build({ command: 'make image', cwd: tree.sourceDir,
 *   commit, logPath: 'runs/e1/build.log' });
 */
export interface Artifacts {
  build(request: BuildRequest): Promise<BuildResult>;
}
