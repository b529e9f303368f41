import type { Logger } from 'pino';
import type { TaskContext, TaskOutcome, Workflow } from '../engine/workflow.ts';
import type { WorkSpec } from '../engine/work-spec.ts';
import { advanceExperiment } from './experiment-lifecycle.ts';
import { specOf } from './experiment-spec.ts';
import { NodeStore } from './node-store.ts';
import type { ResearchConfig } from './research-config.ts';
import type { ResearchContext, ResearchPlatform } from './research-context.ts';
import { readRunState, writeRunState, type RunState } from './run-state.ts';
import { RunViews } from './run-views.ts';
import { seedExperiments } from './seed-experiments.ts';
import { TERMINAL_PHASES } from './experiment-node.ts';
import { computeStanding } from './run-standing.ts';
import { stopReasonOf } from './stopping.ts';
import { isClosingHeadspace } from './planning-step.ts';

/** Stop reasons that no longer hold once a limit is raised or the planner answers again. */
const CONTINUABLE_STOPS: ReadonlySet<string> = new Set(['max_iterations', 'patience', 'budget', 'planning_failed']);

/** Options of {@link ResearchWorkflow.open}. */
export interface ResearchWorkflowOptions {
  workdir: string;
  config: ResearchConfig;
  platform: ResearchPlatform;
  logger: Logger;
  /** Draw the PNG pictures on refresh. Default true. */
  drawPictures?: boolean;
}

/**
 * The pipeline-optimization workflow the engine drives: seeds first, then every finished
 * experiment is analysed and planned from, until a stopping rule or the planner ends the search.
 * The whole tree is read back from engine/nodes on open, so a resumed run plans, deduplicates and
 * picks parents with its full history.
 */
export class ResearchWorkflow implements Workflow {
  private constructor(
    readonly context: ResearchContext,
    readonly views: RunViews,
  ) {}

  static async open(options: ResearchWorkflowOptions): Promise<ResearchWorkflow> {
    const { workdir, config, platform, logger } = options;
    const nodes = await NodeStore.open(workdir);
    const loaded = await readRunState(workdir);
    if (!loaded) throw new Error(`${workdir}/state.json is missing: the run was never set up. Start it with "autoresearch run".`);
    const state: RunState = loaded;

    let exclusive: Promise<unknown> = Promise.resolve();
    const views = new RunViews({ workdir, config, nodes, state: () => state, logger, drawPictures: options.drawPictures ?? true });
    const context: ResearchContext = {
      workdir,
      config,
      state,
      nodes,
      platform,
      logger,
      samplers: new Map(),
      exclusive: <T>(work: () => Promise<T>) => {
        const result = exclusive.then(work);
        exclusive = result.catch(() => undefined);
        return result;
      },
      refreshViews: () => views.request(),
      setStopReason: async (reason, detail) => {
        if (state.stop_reason === reason && state.stop_detail === detail) return;
        state.stop_reason = reason;
        state.stop_detail = reason ? detail : undefined;
        await writeRunState(workdir, state);
      },
    };
    return new ResearchWorkflow(context, views);
  }

  async initialSpecs(): Promise<WorkSpec[]> {
    const seeds = seedExperiments(this.context.config);
    for (const seed of seeds) if (!this.context.nodes.get(seed.id)) await this.context.nodes.save(seed);
    this.context.refreshViews();
    return seeds.map(specOf);
  }

  /**
   * A run that ended on a limit enforced in code (max iterations, patience, budget) or on a
   * failed planning step carries on when it is opened again and that limit no longer holds
   * (the person raised it, or the planner may now be reachable): the last finished experiment
   * (other than a closing headspace run, which only measures a bound) plans again. A run the
   * planner itself ended, or one still over a limit, stays finished.
   */
  async continuationSpecs(): Promise<WorkSpec[]> {
    const { state, nodes, logger } = this.context;
    if (!state.stop_reason || !CONTINUABLE_STOPS.has(state.stop_reason)) return [];
    if (await stopReasonOf(this.context, computeStanding(nodes.all(), this.context.config))) return [];

    const last = nodes.all().filter((node) => TERMINAL_PHASES.has(node.phase) && !isClosingHeadspace(node)).at(-1);
    if (!last) return [];
    logger.info({ experiment: last.id, previousStop: state.stop_reason }, 'run continued: planning again from the last finished experiment');
    await this.context.setStopReason(undefined);
    const replanning = await nodes.update(last.id, { phase: 'planning', planned_children: undefined });
    this.context.refreshViews();
    return [specOf(replanning)];
  }

  runTask(spec: WorkSpec, task: TaskContext): Promise<TaskOutcome> {
    const node = (spec.payload.node ?? {}) as { node_id?: string };
    return advanceExperiment(this.context, node.node_id ?? spec.id, task.signal);
  }

  /**
   * Stops the samplers of jobs still running (they run on; resume samples them again) and writes
   * the views a last time; `pictures: false` skips the PNGs so an interrupted run exits promptly.
   */
  async close(options: { pictures?: boolean } = {}): Promise<void> {
    for (const sampler of this.context.samplers.values()) await sampler.stop().catch(() => undefined);
    this.context.samplers.clear();
    await this.views.flush(options);
  }
}
