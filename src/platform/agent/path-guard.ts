import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { AgentError } from './agent-errors.ts';

/**
 * Thrown when the agent names a path it may not touch: outside the source folder (`../`, an
 * absolute path, a symlink leading out) or a protected path. Edit tools turn it into a refusal
 * the model reads; the file is left untouched.
 */
export class PathRefusedError extends AgentError {
  override readonly name = 'PathRefusedError';

  constructor(
    readonly requestedPath: string,
    readonly reason: 'outside_source' | 'protected',
    message: string,
  ) {
    super(message);
  }
}

/** A path that passed the guard. */
export interface GuardedPath {
  /** Absolute path on disk. */
  readonly absolutePath: string;
  /** Path relative to the source folder, with `/` separators. */
  readonly sourcePath: string;
}

/**
 * Decides which paths the agent may touch: only inside `sourceDir`, never a protected path
 * (globs relative to the worktree root, e.g. `.github/**`), and never through a symlink that
 * leads out of the source folder or onto a protected file.
 */
export class PathGuard {
  readonly sourceRoot: string;
  readonly #protected: readonly RegExp[];

  constructor(
    readonly worktreeDir: string,
    sourceDir: string,
    protectedPaths: readonly string[],
  ) {
    this.sourceRoot = resolve(worktreeDir, sourceDir);
    this.#protected = protectedPaths.map(globToRegExp);
  }

  /** Resolves a path the model gave; throws {@link PathRefusedError} when it is not allowed. */
  async resolve(requested: string): Promise<GuardedPath> {
    const sourcePath = this.#lexicalSourcePath(requested);
    const absolutePath = resolve(this.sourceRoot, sourcePath);
    this.#refuseProtected(requested, relative(this.worktreeDir, absolutePath));

    const realRoot = await realpath(this.sourceRoot);
    const realTarget = await realpathOfNearest(absolutePath);
    if (!isInside(realRoot, realTarget)) {
      throw new PathRefusedError(requested, 'outside_source', `Refused: "${requested}" leads outside the source folder through a symbolic link.`);
    }
    this.#refuseProtected(requested, relative(await realpath(this.worktreeDir), realTarget));
    return { absolutePath, sourcePath };
  }

  #lexicalSourcePath(requested: string): string {
    const slashed = requested.replaceAll('\\', '/').trim();
    if (slashed === '' || slashed.includes('\0')) {
      throw new PathRefusedError(requested, 'outside_source', 'Refused: the path is empty or contains a NUL character.');
    }
    if (isAbsolute(slashed) || /^[A-Za-z]:\//.test(slashed) || slashed.startsWith('~')) {
      throw new PathRefusedError(requested, 'outside_source', `Refused: "${requested}" is absolute. Use a path relative to the source folder.`);
    }

    const normalized = posix.normalize(slashed);
    if (normalized === '..' || normalized.startsWith('../')) {
      throw new PathRefusedError(requested, 'outside_source', `Refused: "${requested}" is outside the source folder. Only files inside it may be read or changed.`);
    }
    return normalized === '.' ? '.' : normalized.replace(/\/$/, '');
  }

  #refuseProtected(requested: string, worktreeRelative: string): void {
    const path = worktreeRelative.split(sep).join('/');
    if (this.#protected.some((pattern) => pattern.test(path))) {
      throw new PathRefusedError(requested, 'protected', `Refused: "${requested}" is a protected path (workflow, harness or configuration) and may not be changed.`);
    }
  }
}

/**
 * Turns a glob into a regular expression over `/`-separated paths: `**` spans folders, `*` and
 * `?` stay within one name. A pattern ending in `/**` also matches the folder itself.
 */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (glob.startsWith('**/', index)) {
      pattern += '(?:.*/)?';
      index += 2;
    } else if (glob.startsWith('/**', index) && index + 3 === glob.length) {
      pattern += '(?:/.*)?';
      index += 2;
    } else if (glob.startsWith('**', index)) {
      pattern += '.*';
      index += 1;
    } else if (char === '*') pattern += '[^/]*';
    else if (char === '?') pattern += '[^/]';
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

async function realpathOfNearest(path: string): Promise<string> {
  let current = path;
  const missing: string[] = [];
  for (;;) {
    try {
      return resolve(await realpath(current), ...missing);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(current);
      if (parent === current) return path;
      missing.unshift(basename(current));
      current = parent;
    }
  }
}

function isInside(root: string, target: string): boolean {
  const path = relative(root, target);
  return path === '' || (path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path));
}
