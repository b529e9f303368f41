import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { AgentError } from './agent-errors.ts';
import type { FileEdit } from './agent-replies.ts';
import { PathGuard } from './path-guard.ts';

/** Thrown when an edit cannot be applied as asked (text not found, not unique, file exists). */
export class EditRejectedError extends AgentError {
  override readonly name = 'EditRejectedError';

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Bounds of what one tool call returns, so one call cannot flood the model's context. */
export const FILE_TOOL_LIMITS = { maxListedEntries: 400, maxViewChars: 60_000 } as const;

const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', '.mypy_cache']);

/**
 * File operations on an experiment's worktree, confined by a {@link PathGuard}. Edits replace an
 * exact, unique snippet or create a new file, so every change is a reviewable diff; there is no
 * whole-file overwrite. Each applied edit is remembered in order.
 */
export class WorktreeFiles {
  readonly #edits: FileEdit[] = [];

  constructor(readonly guard: PathGuard) {}

  /** Files under a folder of the source folder, relative to the source folder, sorted. */
  async list(folder = '.'): Promise<string[]> {
    const { absolutePath } = await this.guard.resolve(folder);
    const found: string[] = [];
    await walk(absolutePath, this.guard.sourceRoot, found);
    return found.sort();
  }

  /** A file's lines, numbered from 1; `startLine`/`endLine` (inclusive) narrow the range. */
  async view(path: string, startLine?: number, endLine?: number): Promise<string> {
    const { absolutePath, sourcePath } = await this.guard.resolve(path);
    const text = await readExisting(absolutePath, sourcePath);
    const lines = text.split('\n');
    const first = Math.max(1, startLine ?? 1);
    const last = Math.min(lines.length, endLine ?? lines.length);

    const numbered = lines.slice(first - 1, last).map((line, index) => `${String(first + index).padStart(5)}  ${line}`).join('\n');
    if (numbered.length <= FILE_TOOL_LIMITS.maxViewChars) return numbered;
    return `${numbered.slice(0, FILE_TOOL_LIMITS.maxViewChars)}\n[... truncated: view a narrower line range ...]`;
  }

  /** Replaces the one occurrence of `oldText` with `newText`. */
  async replace(path: string, oldText: string, newText: string): Promise<void> {
    const { absolutePath, sourcePath } = await this.guard.resolve(path);
    const text = await readExisting(absolutePath, sourcePath);
    if (oldText === '') throw new EditRejectedError(sourcePath, 'old_text is empty: quote the exact snippet to replace.');

    const count = text.split(oldText).length - 1;
    if (count === 0) throw new EditRejectedError(sourcePath, `old_text was not found in ${sourcePath}. View the file and quote the snippet exactly, including indentation.`);
    if (count > 1) throw new EditRejectedError(sourcePath, `old_text occurs ${count} times in ${sourcePath}. Include more surrounding lines so it is unique.`);

    await writeFile(absolutePath, text.replace(oldText, () => newText));
    this.#edits.push({ type: 'replace', path: sourcePath, oldText, newText });
  }

  /** Creates a new file; refuses to overwrite an existing one. */
  async create(path: string, content: string): Promise<void> {
    const { absolutePath, sourcePath } = await this.guard.resolve(path);
    if (await exists(absolutePath)) {
      throw new EditRejectedError(sourcePath, `${sourcePath} already exists. Change it with replace edits instead of recreating it.`);
    }

    await mkdir(dirname(absolutePath), { recursive: true });
    await writeFile(absolutePath, content, { flag: 'wx' });
    this.#edits.push({ type: 'create', path: sourcePath, content });
  }

  /** Applies a recorded edit (used to replay a change). */
  async apply(edit: FileEdit): Promise<void> {
    if (edit.type === 'create') await this.create(edit.path, edit.content);
    else await this.replace(edit.path, edit.oldText, edit.newText);
  }

  /** Edits applied so far, in order. */
  get edits(): readonly FileEdit[] {
    return this.#edits;
  }

  /** Source-relative paths of the files changed so far, each once, sorted. */
  get changedFiles(): string[] {
    return [...new Set(this.#edits.map((edit) => edit.path))].sort();
  }
}

async function walk(folder: string, root: string, found: string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (found.length >= FILE_TOOL_LIMITS.maxListedEntries) return;
    const path = join(folder, entry.name);
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) await walk(path, root, found);
    else if (entry.isFile() || entry.isSymbolicLink()) found.push(relative(root, path).split('\\').join('/'));
  }
}

async function readExisting(absolutePath: string, sourcePath: string): Promise<string> {
  try {
    return await readFile(absolutePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EditRejectedError(sourcePath, `${sourcePath} does not exist. List the folder to find the right path.`);
    if (code === 'EISDIR') throw new EditRejectedError(sourcePath, `${sourcePath} is a folder. List it instead.`);
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
