import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { GitCommandError } from '../workspace-errors.ts';
import { KeyedSerialQueue } from './keyed-serial-queue.ts';

/** How a git call is made. */
export interface GitCallOptions {
  cwd: string;
  /** Attempts when git reports a lock held by another git process. Default 6, at least 1. */
  maxAttempts?: number;
}

/** The outcome of a git call that may fail without being an error (e.g. `diff --quiet`). */
export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// One queue for the whole process: two workspaces over the same repository must share it.
const repositoryQueue = new KeyedSerialQueue();

// Messages git prints when another git process holds a lock it needs (LC_ALL=C keeps them
// English). Such a lock is released within moments, so these are the only failures retried.
const LOCK_MESSAGES = [
  /index\.lock/,
  /Unable to create '.*\.lock'/,
  /cannot lock ref/,
  /could not lock/i,
  /\.git\/worktrees\/.*(lock|exists)/,
];

const RETRY_BASE_DELAY_MS = 50;

/** Runs git and returns stdout; throws {@link GitCommandError} on a non-zero exit. */
export async function git(args: readonly string[], options: GitCallOptions): Promise<string> {
  const result = await gitResult(args, options);
  if (result.exitCode !== 0) {
    throw new GitCommandError(args, options.cwd, result.exitCode, result.stderr);
  }
  return result.stdout;
}

/**
 * Runs `steps` after every earlier `withRepositoryLock` call for the same repository in this
 * process has finished. Steps that change the shared repository (worktree add/remove/prune,
 * branch refs, commits) run under it, so concurrent experiments never race for git's locks;
 * steps must not nest another `withRepositoryLock` for the same key.
 */
export function withRepositoryLock<T>(repoRoot: string, steps: () => Promise<T>): Promise<T> {
  return repositoryQueue.run(repoRoot, steps);
}

/**
 * Runs git and returns its exit code and output without judging the exit code. Lock errors
 * (another git process, outside this one, holding a lock) are retried with a short backoff; a
 * git that cannot start throws {@link GitCommandError}.
 */
export async function gitResult(
  args: readonly string[],
  options: GitCallOptions,
): Promise<GitResult> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 6);
  for (let attempt = 1; ; attempt += 1) {
    const result = await callOnce(args, options.cwd);

    const isLocked = result.exitCode !== 0 && LOCK_MESSAGES.some((re) => re.test(result.stderr));
    if (!isLocked || attempt >= maxAttempts) return result;

    const jitterMs = Math.random() * RETRY_BASE_DELAY_MS;
    await sleep(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1) + jitterMs);
  }
}

async function callOnce(args: readonly string[], cwd: string): Promise<GitResult> {
  const result = await execa('git', args, {
    cwd,
    reject: false,
    stripFinalNewline: false,
    env: { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
  });

  if (result.exitCode === undefined) {
    throw new GitCommandError(args, cwd, undefined, result.stderr || (result.message ?? ''), {
      cause: result.cause,
    });
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
