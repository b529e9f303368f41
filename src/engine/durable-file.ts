import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';

/**
 * Raised when a persisted file exists but does not hold what its schema expects. The message
 * names the file, the first offending fields and what was expected there, so a person who
 * edited the file by hand knows what to fix. Nothing is overwritten when this is thrown.
 */
export class MalformedFileError extends Error {
  override readonly name = 'MalformedFileError';

  constructor(
    readonly path: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`${path} is malformed: ${problems.join('; ')}. Fix or remove the file, then retry.`, options);
  }
}

/**
 * Writes a file so that a crash at any instant leaves either the old or the new content, never a
 * torn mix: temporary file, fsync, rename (write-file-atomic). Parent folders are created.
 */
export async function writeFileDurably(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, data, { fsync: true });
}

/** Writes `value` as indented JSON with {@link writeFileDurably}. */
export async function writeJsonDurably(path: string, value: unknown): Promise<void> {
  await writeFileDurably(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reads and validates a JSON file. Returns `undefined` when the file does not exist; throws
 * {@link MalformedFileError} when it is not JSON or does not match the schema.
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S> | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new MalformedFileError(path, [`not valid JSON (${(error as Error).message})`], { cause: error });
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new MalformedFileError(path, describeIssues(parsed.error.issues));
  return parsed.data;
}

/** Reads a text file, or returns `undefined` when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Turns zod issues into short sentences that name the field by its path, e.g.
 * `field "queued[2].priority": expected number, received string`. Only the first few are kept.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], limit = 5): string[] {
  const lines = issues.slice(0, limit).map((issue) => {
    const field = formatPath(issue.path);
    return field ? `field "${field}": ${issue.message}` : issue.message;
  });
  if (issues.length > limit) lines.push(`and ${issues.length - limit} more problem(s)`);
  return lines;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`))
    .join('');
}
