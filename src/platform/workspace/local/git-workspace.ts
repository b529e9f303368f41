import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import type {
  SourceLocation,
  Workspace,
  Worktree,
  WorktreeDiff,
  WorktreeRequest,
} from '../workspace.ts';
import {
  DirtySourceError,
  NotARepositoryError,
  WorktreeConflictError,
} from '../workspace-errors.ts';
import { git, gitResult, withRepositoryLock } from './git.ts';
import { parseStatusPaths, parseWorktreeList } from './git-output.ts';

/** Options of {@link GitWorkspace}. */
export interface GitWorkspaceOptions {
  /** The folder holding the pipeline: inside a git repository, with no uncommitted changes. */
  sourceDir: string;
  /**
   * Where experiment checkouts go (`<worktreesRoot>/<experimentId>`). Keep it outside the source
   * folder; when it is inside, it is left out of the dirty check.
   */
  worktreesRoot: string;
  /** Names the branches: `autoresearch/<runId>/<experimentId>`. */
  runId: string;
  /** Absolute paths left out of the dirty check (e.g. a workdir inside the source folder). */
  ignoredPaths?: readonly string[];
  /** Receives debug and warn lines; silent by default. */
  logger?: Logger;
}

const EXPERIMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// Experiment commits must not depend on the user's hooks (a slow or interactive pre-commit
// would stall the run) nor fail on a machine with no git identity configured.
const FALLBACK_IDENTITY = [
  ...['-c', 'user.name=autoresearch'],
  ...['-c', 'user.email=autoresearch@localhost'],
];

/**
 * The local {@link Workspace}: git worktrees of the source repository, one per experiment, on
 * branches that are kept after the worktree is removed so experiment commits are never
 * garbage-collected.
 */
export class GitWorkspace implements Workspace {
  readonly #options: GitWorkspaceOptions;
  readonly #logger: Logger;
  #repoRoot: Promise<string> | undefined;
  #hasIdentity: Promise<boolean> | undefined;

  constructor(options: GitWorkspaceOptions) {
    this.#options = { ...options, sourceDir: resolve(options.sourceDir) };
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  async detect(): Promise<SourceLocation> {
    const { sourceDir } = this.#options;
    const repoRoot = await this.#findRepoRoot();
    const sourcePath = relative(repoRoot, await realpath(sourceDir)) || '.';

    const changedFiles = await this.#uncommittedFiles(repoRoot);
    if (changedFiles.length > 0) throw new DirtySourceError(sourceDir, changedFiles);

    const head = await git(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: sourceDir });
    const anchorCommit = head.trim();
    this.#logger.debug({ repoRoot, sourcePath, anchorCommit }, 'source detected');
    return { repoRoot, sourcePath, anchorCommit };
  }

  async createWorktree(request: WorktreeRequest): Promise<Worktree> {
    if (!EXPERIMENT_ID.test(request.experimentId)) {
      throw new TypeError(`Experiment id "${request.experimentId}" must match ${EXPERIMENT_ID}: it names a folder and a branch.`);
    }
    const repoRoot = await this.#findRepoRoot();
    const path = await this.#worktreePath(request.experimentId);
    const branch = request.branch ?? `autoresearch/${this.#options.runId}/${request.experimentId}`;

    const { experimentId, baseCommit } = request;
    await withRepositoryLock(repoRoot, () => this.#ensureWorktree(repoRoot, path, branch, baseCommit));

    const sourcePath = relative(repoRoot, await realpath(this.#options.sourceDir));
    const sourceDir = sourcePath ? join(path, sourcePath) : path;
    return { experimentId, path, sourceDir, branch, baseCommit };
  }

  async commit(worktree: Worktree, message: string): Promise<string> {
    const repoRoot = await this.#findRepoRoot();
    const cwd = worktree.path;

    return withRepositoryLock(repoRoot, async () => {
      await git(['add', '--all'], { cwd });
      const staged = await gitResult(['diff', '--cached', '--quiet'], { cwd });
      if (staged.exitCode === 0) return this.#head(cwd);

      const identity = (await this.#hasGitIdentity(cwd)) ? [] : FALLBACK_IDENTITY;
      const [subject = '', ...body] = message.trim().split('\n');
      const fullMessage = [`autoresearch ${worktree.experimentId}: ${subject}`, ...body].join('\n');
      await git([...identity, 'commit', '--no-verify', '--quiet', '-m', fullMessage], { cwd });
      return this.#head(cwd);
    });
  }

  async diff(worktree: Worktree, parentCommit: string): Promise<WorktreeDiff> {
    const cwd = worktree.path;
    const range = [parentCommit, 'HEAD'];
    const patch = await git(['diff', '--no-color', '--no-ext-diff', ...range], { cwd });
    const names = await git(['diff', '--name-only', '-z', ...range], { cwd });
    return { patch, changedFiles: names.split('\0').filter(Boolean) };
  }

  async remove(worktree: Worktree): Promise<void> {
    const repoRoot = await this.#findRepoRoot();
    await withRepositoryLock(repoRoot, async () => {
      await gitResult(['worktree', 'remove', '--force', worktree.path], { cwd: repoRoot });
      // A folder git no longer knows (a crashed add) is removed by hand; the branch stays.
      await rm(worktree.path, { recursive: true, force: true });
      await git(['worktree', 'prune'], { cwd: repoRoot });
    });
    this.#logger.debug({ path: worktree.path, branch: worktree.branch }, 'worktree removed');
  }

  async #ensureWorktree(repoRoot: string, path: string, branch: string, baseCommit: string) {
    const list = await git(['worktree', 'list', '--porcelain'], { cwd: repoRoot });
    const listed = parseWorktreeList(list);
    const existing = listed.find((entry) => entry.path === path);

    if (existing && !existing.isPrunable) {
      const actualBranch = existing.branch?.replace(/^refs\/heads\//, '') ?? '';
      if (actualBranch !== branch) throw new WorktreeConflictError(path, branch, actualBranch);
      if (await this.#isUsableCheckout(path)) {
        this.#logger.debug({ path, branch }, 'worktree reused');
        return;
      }
      await gitResult(['worktree', 'remove', '--force', '--force', path], { cwd: repoRoot });
    }

    await this.#addWorktree(repoRoot, path, branch, baseCommit);
  }

  async #addWorktree(repoRoot: string, path: string, branch: string, baseCommit: string) {
    await git(['worktree', 'prune'], { cwd: repoRoot });
    if (await pathExists(path)) {
      this.#logger.warn({ path }, 'removing a leftover folder git does not know as a worktree');
      await rm(path, { recursive: true, force: true });
    }

    // At resume the branch may exist already, carrying the experiment's commits: check it out
    // as it is rather than resetting it to the parent.
    const refArgs = ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`];
    const ref = await gitResult(refArgs, { cwd: repoRoot });
    const args = ref.exitCode === 0 ? [path, branch] : ['-b', branch, path, baseCommit];
    await git(['worktree', 'add', '--quiet', ...args], { cwd: repoRoot });
    this.#logger.debug({ path, branch, baseCommit }, 'worktree created');
  }

  async #isUsableCheckout(path: string): Promise<boolean> {
    const head = gitResult(['rev-parse', '--verify', 'HEAD'], { cwd: path });
    return (await head.catch(() => undefined))?.exitCode === 0;
  }

  async #uncommittedFiles(repoRoot: string): Promise<string[]> {
    const { sourceDir, worktreesRoot, ignoredPaths = [] } = this.#options;
    const excluded = [worktreesRoot, ...ignoredPaths]
      .map((path) => relative(repoRoot, resolve(path)))
      .filter((path) => path && !path.startsWith('..') && !isAbsolute(path))
      .map((path) => `:(top,exclude)${path}`);

    const args = ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'];
    return parseStatusPaths(await git([...args, ...excluded], { cwd: sourceDir }));
  }

  #findRepoRoot(): Promise<string> {
    // Cache the answer, not a refusal: the user may fix the folder and call again.
    this.#repoRoot ??= this.#resolveRepoRoot().catch((error: unknown) => {
      this.#repoRoot = undefined;
      throw error;
    });
    return this.#repoRoot;
  }

  async #resolveRepoRoot(): Promise<string> {
    const { sourceDir } = this.#options;
    const isFolder = await stat(sourceDir).then((s) => s.isDirectory(), () => false);
    if (!isFolder) throw new NotARepositoryError(sourceDir, 'the folder does not exist');

    const result = await gitResult(['rev-parse', '--show-toplevel'], { cwd: sourceDir });
    if (result.exitCode !== 0) {
      const reason = result.stderr.trim().split('\n')[0] || 'git found none';
      throw new NotARepositoryError(sourceDir, reason);
    }
    return realpath(result.stdout.trim());
  }

  async #worktreePath(experimentId: string): Promise<string> {
    await mkdir(this.#options.worktreesRoot, { recursive: true });
    return join(await realpath(this.#options.worktreesRoot), experimentId);
  }

  #hasGitIdentity(cwd: string): Promise<boolean> {
    this.#hasIdentity ??= Promise.all(
      ['user.name', 'user.email'].map((key) => gitResult(['config', '--get', key], { cwd })),
    ).then((results) => results.every((result) => result.exitCode === 0));
    return this.#hasIdentity;
  }

  async #head(cwd: string): Promise<string> {
    return (await git(['rev-parse', 'HEAD'], { cwd })).trim();
  }
}

async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
