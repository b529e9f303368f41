import { createFailure, PlatformError, type FailureRecord } from '../failure.ts';

/** Base of the errors thrown by a {@link Workspace} implementation. */
export class WorkspaceError extends PlatformError {
  override readonly name: string = 'WorkspaceError';

  constructor(failure: FailureRecord, options?: { cause?: unknown }) {
    super(failure, options);
  }
}

/** Thrown by `detect` when the source folder does not exist or is not inside a git repository. */
export class NotARepositoryError extends WorkspaceError {
  override readonly name = 'NotARepositoryError';

  constructor(
    readonly sourceDir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      createFailure({
        kind: 'source_failed',
        phase: 'setup',
        message: `The source folder ${sourceDir} is not inside a git repository (${reason}). Each experiment gets its own git worktree and branch, so the source must be committed in a repository: run \`git init\` and commit it, or pass a folder inside an existing repository.`,
        details: { sourceDir, reason },
      }),
      options,
    );
  }
}

/** Thrown by `detect` when files under the source folder are modified, staged or untracked. */
export class DirtySourceError extends WorkspaceError {
  override readonly name = 'DirtySourceError';

  constructor(
    readonly sourceDir: string,
    readonly changedFiles: readonly string[],
  ) {
    const shown = changedFiles.slice(0, 5).join(', ');
    const more = changedFiles.length > 5 ? ` and ${changedFiles.length - 5} more` : '';
    super(
      createFailure({
        kind: 'source_failed',
        phase: 'setup',
        message: `The source folder ${sourceDir} has uncommitted changes (${shown}${more}). Experiments start from a commit, so these changes would be missing from every experiment: commit or stash them, then run again.`,
        details: { sourceDir, changedFiles: [...changedFiles] },
      }),
    );
  }
}

/** Thrown when a git command fails for a reason other than a briefly held lock. */
export class GitCommandError extends WorkspaceError {
  override readonly name = 'GitCommandError';

  constructor(
    readonly args: readonly string[],
    readonly cwd: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    const outcome = exitCode === undefined ? 'could not run' : `exited with code ${exitCode}`;
    super(
      createFailure({
        kind: 'workspace_failed',
        phase: 'prepare',
        message: `\`git ${args.join(' ')}\` in ${cwd} ${outcome}: ${stderr.trim() || '(no output)'}`,
        details: { args: [...args], cwd, exitCode, stderr },
      }),
      options,
    );
  }
}

/**
 * Thrown by `createWorktree` when the experiment's folder is already a checkout of another
 * branch: two experiments were given the same id.
 */
export class WorktreeConflictError extends WorkspaceError {
  override readonly name = 'WorktreeConflictError';

  constructor(
    readonly path: string,
    readonly expectedBranch: string,
    readonly actualBranch: string,
  ) {
    super(
      createFailure({
        kind: 'workspace_failed',
        phase: 'prepare',
        message: `The worktree ${path} should be on branch ${expectedBranch} but is on ${actualBranch || '(detached HEAD)'}. Another experiment uses the same id; give each experiment a unique id, or remove the worktree with \`git worktree remove ${path}\`.`,
        details: { path, expectedBranch, actualBranch },
      }),
    );
  }
}
