import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileDurably, writeJsonDurably } from '../engine/durable-file.ts';
import { renderAll } from '../render/render-all.ts';
import { writeMasterTable } from './master-table.ts';
import type { NodeStore } from './node-store.ts';
import type { ResearchConfig } from './research-config.ts';
import { runViewOf } from './run-view-of.ts';
import { writeRunState, type RunState } from './run-state.ts';
import { computeStanding } from './run-standing.ts';
import { spentUsdOf } from './stopping.ts';
import { summaryMarkdown } from './summary-markdown.ts';

/** Options of {@link RunViews}. */
export interface RunViewsOptions {
  workdir: string;
  config: ResearchConfig;
  nodes: NodeStore;
  state: () => RunState;
  logger: Logger;
  /** Draw progress.png and hypothesis_tree.png too (a few seconds each with Chromium). Default true. */
  drawPictures?: boolean;
}

/**
 * The whole-run files — state.json, engine/tree.json, master_table.tsv, summary.md and the two
 * pictures — rebuilt from the experiments. They are views: one refresh runs at a time, and
 * requests that arrive meanwhile are folded into one more, so a burst of finishing experiments
 * costs two refreshes, not one each.
 */
export class RunViews {
  #running: Promise<void> | undefined;
  #isRequested = false;
  #skipPictures = false;

  constructor(private readonly options: RunViewsOptions) {}

  /** Asks for a refresh soon; never throws (a view that fails to render is a warning). */
  request(): void {
    this.#isRequested = true;
    this.#running ??= this.#loop();
  }

  /**
   * Refreshes now and waits for it, e.g. before the process exits. With `pictures: false` the
   * PNGs are left as they are (drawing them takes seconds; an interrupted run exits promptly).
   */
  async flush(options: { pictures?: boolean } = {}): Promise<void> {
    await this.#running;
    this.#skipPictures = options.pictures === false;
    this.request();
    await this.#running;
    this.#skipPictures = false;
  }

  async #loop(): Promise<void> {
    while (this.#isRequested) {
      this.#isRequested = false;
      await this.refresh().catch((error) => this.options.logger.warn({ err: error }, 'run views not refreshed'));
    }
    this.#running = undefined;
  }

  async refresh(): Promise<void> {
    const { workdir, config, nodes, logger } = this.options;
    const all = nodes.all();
    const standing = computeStanding(all, config);
    const state = this.#stateWith(standing, all);
    state.cost_usd = await spentUsdOf(workdir).then((usd) => (Number.isFinite(usd) ? usd : state.cost_usd));
    const view = runViewOf(config.run_name, all, standing);

    await writeRunState(workdir, state);
    await writeJsonDurably(join(workdir, 'engine', 'tree.json'), all);
    await writeMasterTable(workdir, all, standing.best?.id);
    await writeFileDurably(join(workdir, 'summary.md'), summaryMarkdown(config.run_name, all, standing, state, view));
    if (this.options.drawPictures !== false && !this.#skipPictures) await renderAll(view, workdir, { logger });
  }

  #stateWith(standing: ReturnType<typeof computeStanding>, all: ReturnType<NodeStore['all']>): RunState {
    const state = this.options.state();
    const jobSeconds = all.reduce((sum, node) => sum + (node.metrics?.duration_s ?? 0), 0);
    Object.assign(state, {
      iteration: standing.iteration,
      plateau_count: standing.plateauCount,
      practices_tried: standing.practicesTried,
      primary_metric: standing.metric.key,
      job_seconds: jobSeconds,
      best_id: standing.best?.id,
      best_metric: standing.bestValue,
      baseline_metric: standing.baselineValue,
    });
    return state;
  }
}
