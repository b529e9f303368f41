import { z } from 'zod';

/**
 * Where the pipeline's source lives: the repository, the source folder inside it, and the
 * commit every experiment is anchored to. Persisted with the run's configuration.
 */
export const SourceLocationSchema = z.object({
  /** Absolute path of the repository's top level. */
  repoRoot: z.string(),
  /** The source folder relative to `repoRoot` (`.` when it is the top level). */
  sourcePath: z.string(),
  /** The commit checked out when the run started; the root of every experiment. */
  anchorCommit: z.string(),
});

/** See {@link SourceLocationSchema}. */
export type SourceLocation = z.infer<typeof SourceLocationSchema>;

/** One experiment's private checkout. Persisted with the experiment so resume can reuse it. */
export const WorktreeSchema = z.object({
  experimentId: z.string(),
  /** Absolute path of the checkout's top level. */
  path: z.string(),
  /** Absolute path of the source folder inside the checkout (where builds and jobs run). */
  sourceDir: z.string(),
  branch: z.string(),
  /** The commit the worktree was created from (the parent experiment's commit). */
  baseCommit: z.string(),
});

/** See {@link WorktreeSchema}. */
export type Worktree = z.infer<typeof WorktreeSchema>;

/** What {@link Workspace.createWorktree} needs. */
export interface WorktreeRequest {
  /** Names the checkout folder; letters, digits, `.`, `_` and `-` only. */
  experimentId: string;
  /** The parent's commit. Ignored when the branch already exists (resume keeps its commits). */
  baseCommit: string;
  /** Branch name; defaults to `autoresearch/<runId>/<experimentId>`. */
  branch?: string;
}

/** The change an experiment made relative to its parent. */
export interface WorktreeDiff {
  /** Unified diff text (`git diff` format); empty when nothing changed. */
  patch: string;
  /** Changed paths, relative to the repository's top level. */
  changedFiles: string[];
}

/**
 * The version-control capability: one source location, one private checkout per experiment,
 * commits and diffs. Implementations are selected by name through `createWorkspace`.
 *
 * @example
 * const location = await workspace.detect();
 * const tree = await workspace.createWorktree({
 *   experimentId: 'e1',
 *   baseCommit: location.anchorCommit,
 * });
 * // … edit files under tree.sourceDir …
 * const commit = await workspace.commit(tree, 'raise prefetch depth to 8');
 */
export interface Workspace {
  /**
   * Finds the repository of the source folder and its anchor commit. Rejects a folder outside a
   * repository and a folder with uncommitted changes.
   */
  detect(): Promise<SourceLocation>;

  /** Creates (or, at resume, reuses) the experiment's checkout on its own branch. */
  createWorktree(request: WorktreeRequest): Promise<Worktree>;

  /** Commits every change in the checkout; returns the new commit, or HEAD when nothing changed. */
  commit(worktree: Worktree, message: string): Promise<string>;

  /** The committed change of the checkout (its HEAD) against `parentCommit`. */
  diff(worktree: Worktree, parentCommit: string): Promise<WorktreeDiff>;

  /** Removes the checkout; its branch and commits stay. Removing twice is harmless. */
  remove(worktree: Worktree): Promise<void>;
}
