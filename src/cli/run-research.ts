import { WorkEngine, type EngineResult } from '../engine/index.ts';
import { abortOnTerminationSignals } from '../engine/termination-signals.ts';
import { initializeRun, resolveConfig, settingChanges, type RunInputs } from '../research/research-setup.ts';
import { ResearchWorkflow } from '../research/research-workflow.ts';
import { computeStanding, type RunStanding } from '../research/run-standing.ts';
import { readConfig, type ResearchConfig } from '../research/research-config.ts';
import { createLocalPlatform } from './local-platform.ts';
import { ProgressDisplay } from './progress-display.ts';
import { createRunLogger } from './run-logger.ts';

/** What a finished (or interrupted) run reports back. */
export interface RunOutcome {
  engine: EngineResult;
  standing: RunStanding;
  config: ResearchConfig;
  stopReason?: string;
  stopDetail?: string;
}

/**
 * Runs or resumes the research loop in this process until it stops or a signal interrupts it.
 * On the first run the inputs are validated and written to config.json; on resume the workdir
 * alone is enough, and adjusted settings (limits, budget, agent) are applied and recorded.
 */
export async function runResearch(inputs: RunInputs, options: { showProgress?: boolean } = {}): Promise<RunOutcome> {
  const stored = await readConfig(inputs.workdir);
  const config = await resolveConfig(inputs);
  const logger = createRunLogger(inputs.workdir);
  const platform = createLocalPlatform(inputs.workdir, config, logger);
  if (config.agent.name === 'offline' && !config.search_space) {
    process.stderr.write('note: no search space (--search-space) and the offline agent: the run measures the seeds, then has no knobs to try and stops.\n');
  }
  const changes = stored ? settingChanges(stored, config) : [];
  if (changes.length > 0) {
    logger.info({ changes }, 'run continued with changed settings');
    process.stderr.write(`continuing ${config.run_name} with changed settings: ${changes.join('; ')}\n`);
  }
  await initializeRun(inputs.workdir, config, platform);
  const workflow = await ResearchWorkflow.open({ workdir: inputs.workdir, config, platform, logger });

  const controller = new AbortController();
  const removeHandlers = abortOnTerminationSignals(controller);
  const display = new ProgressDisplay(workflow.context.nodes, config);
  if (options.showProgress !== false) display.start();

  try {
    const engine = await new WorkEngine({
      workdir: inputs.workdir,
      workflow,
      maxConcurrency: config.max_concurrency,
      signal: controller.signal,
      logger,
      pollIntervalMs: config.poll_interval_s * 1000,
    }).run();
    await workflow.close({ pictures: engine.status !== 'interrupted' });
    const { state } = workflow.context;
    return { engine, standing: computeStanding(workflow.context.nodes.all(), config), config, stopReason: state.stop_reason, stopDetail: state.stop_detail };
  } finally {
    display.stop();
    removeHandlers();
  }
}
