import { open, readFile, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { EngineStatusSchema } from './checkpoint.ts';
import { WorkSpecSchema } from './work-spec.ts';

/**
 * One record of the write-ahead journal. Every change of the engine's durable state is one
 * record, appended and fsynced before the engine acts on it; the checkpoint is the journal
 * folded up to some `seq`.
 */
export const JournalRecordSchema = z.discriminatedUnion('type', [
  z.object({ seq: z.number().int(), type: z.literal('queue'), spec: WorkSpecSchema }),
  z.object({ seq: z.number().int(), type: z.literal('start'), id: z.string() }),
  z.object({
    seq: z.number().int(),
    type: z.literal('update'),
    id: z.string(),
    payload: z.record(z.string(), z.unknown()),
  }),
  z.object({
    seq: z.number().int(),
    type: z.literal('finish'),
    id: z.string(),
    outcome: z.enum(['completed', 'failed']),
    children: z.array(WorkSpecSchema),
  }),
  z.object({ seq: z.number().int(), type: z.literal('status'), status: EngineStatusSchema }),
]);

export type JournalRecord = z.output<typeof JournalRecordSchema>;

/** A record before the journal numbers it. */
export type JournalEntry = JournalRecord extends infer R
  ? R extends { seq: number }
    ? Omit<R, 'seq'>
    : never
  : never;

/**
 * Reads the journal's records in order. A kill -9 can leave the last line half written: that
 * record was never acknowledged, so a torn or unparsable final line is dropped. A bad line
 * anywhere else means the file was damaged, and replaying past it would be a guess.
 */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }

  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const record = parseLine(line);
    const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
    if (record) records.push(record);
    else if (!isLast) {
      throw new Error(
        `${path} line ${index + 1} is not a valid journal record. The file is damaged; move it aside to resume from checkpoint.json alone.`,
      );
    }
  }
  return records;
}

function parseLine(line: string): JournalRecord | undefined {
  try {
    const parsed = JournalRecordSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An append-only file with group commit: records appended while an fsync is in flight share the
 * next one, so concurrent tasks do not pay one disk flush each.
 */
export class JournalWriter {
  #handle: FileHandle | undefined;
  #pending: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #flushing: Promise<void> | undefined;

  private constructor(readonly path: string) {}

  /** Opens `path` for appending, first cutting off a torn final line left by a crash. */
  static async open(path: string): Promise<JournalWriter> {
    const writer = new JournalWriter(path);
    await writer.#reopen(false);
    return writer;
  }

  /** Resolves once the line is on disk. */
  append(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const done = new Promise<void>((resolve, reject) => this.#pending.push({ line, resolve, reject }));
    this.#flushing ??= this.#flushLoop();
    return done;
  }

  /** Empties the journal once its records are folded into the checkpoint. */
  async truncate(): Promise<void> {
    await this.#flushing;
    await this.#reopen(true);
  }

  async close(): Promise<void> {
    await this.#flushing;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  async #flushLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.#handle!.write(batch.map((item) => item.line).join(''));
        await this.#handle!.sync();
        batch.forEach((item) => item.resolve());
      } catch (error) {
        batch.forEach((item) => item.reject(error));
      }
    }
    this.#flushing = undefined;
  }

  async #reopen(empty: boolean): Promise<void> {
    await this.#handle?.close();
    const handle = await open(this.path, empty ? 'w' : 'a+');
    if (!empty) await cutTornTail(handle);
    await handle.sync();
    this.#handle = handle;
  }
}

/** Drops bytes after the last newline: a record the previous process never finished writing. */
async function cutTornTail(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;

  const buffer = Buffer.alloc(Math.min(size, 1 << 20));
  await handle.read(buffer, 0, buffer.length, size - buffer.length);
  const lastNewline = buffer.lastIndexOf(0x0a);
  if (lastNewline === buffer.length - 1) return;

  const keep = lastNewline < 0 ? size - buffer.length : size - buffer.length + lastNewline + 1;
  await handle.truncate(Math.max(0, keep));
}
