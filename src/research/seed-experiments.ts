import { defaultConfiguration } from '../platform/agent/offline/configuration.ts';
import { ExperimentNodeSchema, type ExperimentNode, type SeedRole } from './experiment-node.ts';
import type { ResearchConfig } from './research-config.ts';

/**
 * The roots of the hypothesis tree, run first in this order: the unchanged pipeline; the
 * headspace run (a cache replays a few batches, so the step time left is the compute floor);
 * loading in a subprocess (its threads stop competing with the training loop for the GIL); and
 * a repeat of the baseline, which measures run-to-run noise before any decision needs it.
 *
 * With a search space, the headspace and subprocess seeds use its switches; without one, they
 * carry code instructions for an agent that edits code. A seed that cannot be carried out fails
 * as data (its failure is recorded), not as the end of the run.
 */
export function seedExperiments(config: ResearchConfig, createdAt = new Date().toISOString()): ExperimentNode[] {
  const space = config.search_space;
  const knobs = space ? defaultConfiguration(space).knobs : {};
  const seed = (order: number, role: SeedRole, fields: Partial<ExperimentNode>): ExperimentNode =>
    ExperimentNodeSchema.parse({ order, seed: role, parent_id: null, knobs, created_at: createdAt, priority: -1000 + order, ...fields });

  return [
    seed(0, 'baseline', { id: '000_baseline', name: 'baseline', hypothesis: 'The unchanged pipeline: the reference every result is compared with.', change_summary: 'baseline' }),
    seed(1, 'headspace', {
      id: '001_headspace',
      name: 'headspace',
      is_headspace: true,
      hypothesis: 'With data loading replayed from a cache, the step time left is the compute floor: the most any loading work can win.',
      change: space?.headspace ? {} : { instructions: HEADSPACE_INSTRUCTIONS },
      change_summary: 'headspace cache',
    }),
    seed(2, 'subprocess', {
      id: '002_subprocess',
      name: 'subprocess loading',
      subprocess: Boolean(space?.subprocess),
      hypothesis: 'Loading in another process removes GIL contention between loader threads and the training loop.',
      change: space?.subprocess ? {} : { instructions: SUBPROCESS_INSTRUCTIONS },
      practices: ['subprocess_loading'],
      change_summary: 'subprocess loading',
    }),
    seed(3, 'baseline_repeat', {
      id: '003_baseline_repeat',
      name: 'baseline repeat',
      parent_id: '000_baseline',
      repeat_of: '000_baseline',
      requires_rebuild: false,
      hypothesis: 'The same pipeline again: the difference between the two runs is the run-to-run noise.',
      change_summary: 'repeat baseline',
    }),
  ];
}

/** What a code-editing agent is asked to do for a headspace run. */
export const HEADSPACE_INSTRUCTIONS =
  'Wrap the outermost data loader of the pipeline in a cache that records the first few batches (about 8) and then replays them for the rest of the run instead of loading new data, so that the measured step time is the compute floor. Keep the [autoresearch] timing lines unchanged.';

const SUBPROCESS_INSTRUCTIONS =
  'Move the data-loading pipeline (reading, decoding, augmenting, batching) into a separate process and hand finished batches to the training loop through a queue, so loader threads no longer compete with the training loop for the GIL. Everything sent between processes must be picklable. Keep the [autoresearch] timing lines unchanged.';
