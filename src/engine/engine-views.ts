import { writeJsonDurably } from './durable-file.ts';
import type { EnginePaths } from './engine-paths.ts';
import type { EngineStore } from './engine-store.ts';

/**
 * Writes the monitoring views (engine_state.json, queue.json, active.json) from the store. They
 * are for people and dashboards, never read back on resume, so they are refreshed in batches:
 * at most once per `intervalMs` while the engine runs, and once more when it exits.
 */
export class EngineViews {
  #lastWriteMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly paths: EnginePaths,
    private readonly store: EngineStore,
    private readonly waiting: () => ReadonlySet<string>,
    private readonly intervalMs = 1000,
  ) {}

  /** Asks for a refresh; coalesced with others inside the interval. */
  touch(): void {
    if (this.#timer) return;
    const delayMs = Math.max(0, this.#lastWriteMs + this.intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.write().catch(() => undefined); // a view is best effort; the next refresh retries
    }, delayMs);
    this.#timer.unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.write();
  }

  async write(): Promise<void> {
    this.#lastWriteMs = Date.now();
    const { store } = this;
    const waiting = this.waiting();
    const updatedAt = new Date().toISOString();

    await writeJsonDurably(this.paths.state, {
      status: store.status,
      updated_at: updatedAt,
      pid: process.pid,
      queued: store.queued.size,
      running: store.running.size,
      waiting: waiting.size,
      completed: store.counts.completed,
      failed: store.counts.failed,
    });
    await writeJsonDurably(
      this.paths.queue,
      store.queued.ordered().map(({ id, priority, kind }) => ({ id, priority, kind })),
    );
    await writeJsonDurably(
      this.paths.active,
      [...store.running.values()].map(({ id, priority, kind }) => ({ id, priority, kind, waiting: waiting.has(id) })),
    );
  }
}
