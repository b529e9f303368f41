import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import type { EngineCounts, EngineStatus } from './checkpoint.ts';
import { enginePaths } from './engine-paths.ts';
import { EngineStore } from './engine-store.ts';
import { EngineViews } from './engine-views.ts';
import { WorkdirLock } from './workdir-lock.ts';
import type { WorkSpec } from './work-spec.ts';
import type { EngineMode, TaskContext, TaskOutcome, Workflow } from './workflow.ts';

/** Options of {@link WorkEngine}. */
export interface EngineOptions {
  /** Folder holding `engine/`; everything needed to resume lives there. */
  workdir: string;
  workflow: Workflow;
  /** Tasks in flight at once, waiting ones included. Default 3, at least 1. */
  maxConcurrency?: number;
  /** `run` (default) loops until nothing is queued or running; `tick` stops once all wait. */
  mode?: EngineMode;
  /** Abort to stop: no new tasks, running ones are aborted, status becomes `interrupted`. */
  signal?: AbortSignal;
  logger?: Logger;
  /** In `run` mode, delay before a waiting task is started again when it names none. Default 1000. */
  pollIntervalMs?: number;
  /** After an abort, how long running tasks get to persist and return. Default 5000. */
  abortGraceMs?: number;
  /** Minimum spacing of the monitoring views' refreshes. Default 1000. */
  viewIntervalMs?: number;
}

/** How a `run` or `tick` ended. */
export interface EngineResult extends EngineCounts {
  status: EngineStatus;
  queued: number;
  running: number;
  /** Running tasks parked because they wait on something external (tick mode). */
  waiting: number;
}

/**
 * A durable work runner. It takes specs in priority order, runs up to `maxConcurrency` workflow
 * tasks at once, queues the children of each finished task at once, and persists every change
 * through a journal so that SIGINT, SIGTERM or kill -9 at any instant loses nothing recorded.
 *
 * @example
 * const engine = new WorkEngine({ workdir, workflow, maxConcurrency: 3, signal });
 * const result = await engine.run(); // { status: 'stopped', completed: 12, ... }
 */
export class WorkEngine {
  readonly #options: Required<Omit<EngineOptions, 'signal'>> & { signal?: AbortSignal };
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #taskAborts = new Map<string, AbortController>();
  readonly #waiting = new Set<string>();
  #fatal: unknown;

  constructor(options: EngineOptions) {
    this.#options = {
      maxConcurrency: 3,
      mode: 'run',
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 1000,
      abortGraceMs: 5000,
      viewIntervalMs: 1000,
      ...options,
    };
    this.#options.maxConcurrency = Math.max(1, Math.floor(this.#options.maxConcurrency));
  }

  /** Runs (or resumes) until nothing is queued or running, or until aborted. */
  run(): Promise<EngineResult> {
    return this.#execute();
  }

  async #execute(): Promise<EngineResult> {
    const paths = enginePaths(this.#options.workdir);
    await mkdir(paths.dir, { recursive: true });
    const lock = await WorkdirLock.acquire(paths.lock);
    try {
      const store = await EngineStore.open(paths);
      const views = new EngineViews(paths, store, () => this.#waiting, this.#options.viewIntervalMs);
      return await this.#runWith(store, views);
    } finally {
      await lock.release();
    }
  }

  async #runWith(store: EngineStore, views: EngineViews): Promise<EngineResult> {
    const { logger } = this.#options;
    const { workflow } = this.#options;
    if (store.isFresh) await store.enqueue(await workflow.initialSpecs());
    else if (store.queued.size === 0 && store.running.size === 0 && workflow.continuationSpecs) {
      await store.enqueue(await workflow.continuationSpecs());
    }
    await store.setStatus('running');
    logger.info({ queued: store.queued.size, running: store.running.size, mode: this.#options.mode }, 'engine started');

    for (const spec of store.running.values()) this.#start(spec, store, views); // resumed first
    await this.#schedule(store, views);

    const status = await this.#settle(store);
    await store.setStatus(status);
    await views.flush().catch((error) => logger.warn({ err: error }, 'engine views not written'));
    await store.close();
    if (this.#fatal) throw this.#fatal;

    const result = this.#result(store, status);
    logger.info(result, 'engine exited');
    return result;
  }

  /** Fills free slots and waits for tasks until nothing more can start or an abort arrives. */
  async #schedule(store: EngineStore, views: EngineViews): Promise<void> {
    const aborted = abortPromise(this.#options.signal);
    for (;;) {
      while (this.#canStartMore(store)) {
        const spec = await store.startNext();
        if (spec) this.#start(spec, store, views);
      }
      if (this.#inFlight.size === 0 || this.#isStopping()) return;
      await Promise.race([...this.#inFlight.values(), aborted]);
      if (this.#isStopping()) return;
    }
  }

  #canStartMore(store: EngineStore): boolean {
    const busy = this.#inFlight.size + this.#waiting.size;
    return !this.#isStopping() && store.queued.size > 0 && busy < this.#options.maxConcurrency;
  }

  #isStopping(): boolean {
    return Boolean(this.#options.signal?.aborted || this.#fatal);
  }

  /** After the loop: aborts what still runs, gives it the grace period, picks the final status. */
  async #settle(store: EngineStore): Promise<EngineStatus> {
    if (this.#isStopping()) {
      this.#taskAborts.forEach((controller) => controller.abort(this.#options.signal?.reason));
      const graceMs = this.#options.abortGraceMs;
      await Promise.race([Promise.allSettled(this.#inFlight.values()), sleep(graceMs, undefined, { ref: false })]);
      if (this.#inFlight.size > 0) {
        this.#options.logger.warn({ tasks: [...this.#inFlight.keys()], graceMs }, 'tasks still busy after abort');
      }
      return 'interrupted';
    }
    const isIdle = store.queued.size === 0 && store.running.size === 0;
    return isIdle ? 'stopped' : 'running';
  }

  #start(spec: WorkSpec, store: EngineStore, views: EngineViews): void {
    const controller = new AbortController();
    this.#taskAborts.set(spec.id, controller);
    const done = this.#drive(spec.id, store, controller.signal)
      .catch((error) => {
        this.#fatal ??= error; // the store could not persist: stop rather than run on unrecorded
      })
      .finally(() => {
        this.#inFlight.delete(spec.id);
        this.#taskAborts.delete(spec.id);
        views.touch();
      });
    this.#inFlight.set(spec.id, done);
    views.touch();
  }

  /** Runs one task turn after turn until it finishes, parks (tick) or is aborted. */
  async #drive(id: string, store: EngineStore, signal: AbortSignal): Promise<void> {
    for (;;) {
      const spec = store.running.get(id);
      if (!spec) return;

      const outcome = await this.#turn(spec, store, signal);
      if (!outcome || signal.aborted) return; // interrupted: the spec stays in `running`

      if (outcome.status !== 'waiting') {
        await store.finish(id, outcome.status, this.#acceptChildren(store, spec, outcome.children ?? []));
        return;
      }
      if (this.#options.mode === 'tick') {
        this.#waiting.add(id);
        return;
      }
      const delayMs = outcome.retryAfterMs ?? this.#options.pollIntervalMs;
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }

  async #turn(spec: WorkSpec, store: EngineStore, signal: AbortSignal): Promise<TaskOutcome | undefined> {
    const logger = this.#options.logger.child({ task: spec.id });
    const context: TaskContext = {
      signal,
      mode: this.#options.mode,
      logger,
      saveProgress: (payload) => store.update(spec.id, payload),
    };
    try {
      return await this.#options.workflow.runTask(spec, context);
    } catch (error) {
      if (signal.aborted) return undefined;
      logger.error({ err: error }, 'task threw; recorded as failed');
      return { status: 'failed' };
    }
  }

  /** Drops children whose id is already queued or running: queuing one twice would run it twice. */
  #acceptChildren(store: EngineStore, parent: WorkSpec, children: WorkSpec[]): WorkSpec[] {
    const seen = new Set<string>();
    return children.filter((child) => {
      const isDuplicate = seen.has(child.id) || store.queued.has(child.id) || store.running.has(child.id);
      if (isDuplicate) this.#options.logger.warn({ parent: parent.id, child: child.id }, 'duplicate child id dropped');
      seen.add(child.id);
      return !isDuplicate;
    });
  }

  #result(store: EngineStore, status: EngineStatus): EngineResult {
    return {
      status,
      queued: store.queued.size,
      running: store.running.size,
      waiting: this.#waiting.size,
      ...store.counts,
    };
  }
}

function abortPromise(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
