import { mkdir } from 'node:fs/promises';
import { readCheckpoint, writeCheckpoint, type EngineCounts, type EngineStatus } from './checkpoint.ts';
import type { EnginePaths } from './engine-paths.ts';
import { JournalWriter, readJournal, type JournalEntry, type JournalRecord } from './journal.ts';
import { PriorityQueue } from './priority-queue.ts';
import type { WorkSpec } from './work-spec.ts';

/** Journal records folded before a compaction is due, at least; see {@link EngineStore}. */
const MIN_RECORDS_BETWEEN_COMPACTIONS = 512;

/**
 * The engine's durable state: queued and running specs, counts and status.
 *
 * Every change is a journal record, appended and fsynced before the caller goes on, so its cost
 * does not depend on how many specs exist. The checkpoint is rewritten (compacted) only once the
 * journal holds about as many records as there are specs, which keeps the amortized cost per
 * event constant too, and always on close, so a stopped workdir has a complete checkpoint.json a
 * person can edit and an empty journal.
 */
export class EngineStore {
  readonly queued = new PriorityQueue();
  readonly running = new Map<string, WorkSpec>();
  counts: EngineCounts = { completed: 0, failed: 0 };
  status: EngineStatus = 'running';

  #seq = 0;
  #recordsSinceCompaction = 0;
  #journal: JournalWriter | undefined;
  #isFresh = true;
  /** Changes and compactions run one at a time, so a compaction never drops a record. */
  #exclusive: Promise<unknown> = Promise.resolve();

  private constructor(readonly paths: EnginePaths) {}

  /** Loads checkpoint.json and replays the journal written after it. */
  static async open(paths: EnginePaths): Promise<EngineStore> {
    const store = new EngineStore(paths);
    await mkdir(paths.dir, { recursive: true });
    await store.#load();
    store.#journal = await JournalWriter.open(paths.journal);
    return store;
  }

  /** True when the workdir had no checkpoint and no journal: a first run. */
  get isFresh(): boolean {
    return this.#isFresh;
  }

  get seq(): number {
    return this.#seq;
  }

  async enqueue(specs: readonly WorkSpec[]): Promise<void> {
    await this.#record(specs.map((spec) => ({ type: 'queue', spec }) as const));
  }

  /** Takes the next spec off the queue and records that it started. */
  startNext(): Promise<WorkSpec | undefined> {
    return this.#serially(async () => {
      const next = this.queued.peek();
      if (!next) return undefined;
      await this.#recordNow([{ type: 'start', id: next.id }]);
      return this.running.get(next.id);
    });
  }

  async update(id: string, payload: Record<string, unknown>): Promise<void> {
    await this.#record([{ type: 'update', id, payload }]);
  }

  async finish(id: string, outcome: 'completed' | 'failed', children: readonly WorkSpec[]): Promise<void> {
    await this.#record([{ type: 'finish', id, outcome, children: [...children] }]);
  }

  async setStatus(status: EngineStatus): Promise<void> {
    await this.#record([{ type: 'status', status }]);
  }

  /** Folds everything into checkpoint.json and empties the journal. */
  compact(): Promise<void> {
    return this.#serially(() => this.#compactNow());
  }

  async close(): Promise<void> {
    await this.compact();
    await this.#journal?.close();
    this.#journal = undefined;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#exclusive.then(work);
    this.#exclusive = result.catch(() => undefined);
    return result;
  }

  async #compactNow(): Promise<void> {
    await writeCheckpoint(this.paths.checkpoint, {
      status: this.status,
      queued: this.queued.ordered(),
      running: [...this.running.values()],
      seq: this.#seq,
      counts: { ...this.counts },
    });
    await this.#journal?.truncate();
    this.#recordsSinceCompaction = 0;
  }

  #record(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.#serially(() => this.#recordNow(entries));
  }

  async #recordNow(entries: readonly JournalEntry[]): Promise<void> {
    if (!this.#journal) throw new Error('The engine store is closed; no more changes can be recorded.');

    const records = entries.map((entry) => ({ ...entry, seq: ++this.#seq }) as JournalRecord);
    records.forEach((record) => this.#apply(record));
    await Promise.all(records.map((record) => this.#journal!.append(record)));

    this.#recordsSinceCompaction += records.length;
    const known = this.queued.size + this.running.size;
    if (this.#recordsSinceCompaction >= Math.max(MIN_RECORDS_BETWEEN_COMPACTIONS, known)) {
      await this.#compactNow();
    }
  }

  async #load(): Promise<void> {
    const checkpoint = await readCheckpoint(this.paths.checkpoint);
    const records = await readJournal(this.paths.journal);
    this.#isFresh = !checkpoint && records.length === 0;

    if (checkpoint) {
      checkpoint.queued.forEach((spec) => this.queued.push(spec));
      checkpoint.running.forEach((spec) => this.running.set(spec.id, spec));
      this.counts = { ...checkpoint.counts };
      this.status = checkpoint.status;
      this.#seq = checkpoint.seq;
    }

    for (const record of records) {
      if (record.seq <= this.#seq) continue; // already folded into the checkpoint
      this.#apply(record);
      this.#seq = record.seq;
    }
  }

  /** Applies one record to memory. Records naming specs that no longer exist are skipped. */
  #apply(record: JournalRecord): void {
    switch (record.type) {
      case 'queue':
        if (!this.queued.has(record.spec.id) && !this.running.has(record.spec.id)) {
          this.queued.push(record.spec);
        }
        return;
      case 'start': {
        const spec = this.queued.remove(record.id);
        if (spec) this.running.set(record.id, spec);
        return;
      }
      case 'update': {
        const spec = this.running.get(record.id);
        if (spec) this.running.set(record.id, { ...spec, payload: record.payload });
        return;
      }
      case 'finish':
        if (!this.running.delete(record.id)) return;
        this.counts[record.outcome] += 1;
        for (const child of record.children) this.#apply({ seq: record.seq, type: 'queue', spec: child });
        return;
      case 'status':
        this.status = record.status;
        return;
    }
  }
}
