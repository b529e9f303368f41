import { describe, expect, it } from 'vitest';

import { configurationKey, type Configuration } from '../../../../src/platform/agent/offline/configuration.ts';
import { PlannerInputError } from '../../../../src/platform/agent/offline/offline-agent-error.ts';
import { planOffline } from '../../../../src/platform/agent/offline/offline-planner.ts';
import type { PlanDecision, Proposal } from '../../../../src/platform/agent/offline/plan-decision.ts';
import type { PlanRequestOptions } from '../../../../src/platform/agent/offline/plan-request.ts';
import { parseSearchSpace, type KnobValue } from '../../../../src/platform/agent/offline/search-space.ts';

const space = parseSearchSpace({
  knobs: [
    { name: 'num_threads', flag: '--num-threads', values: [1, 2, 3, 4, 6, 8, 16], default: 16 },
    { name: 'prefetch', flag: '--prefetch', values: [1, 2, 4, 8, 16], default: 1 },
    { name: 'batch_size', flag: '--batch-size', values: [8, 16, 32, 64, 128], default: 8 },
    { name: 'split_stages', flag: '--split-stages', values: [false, true], default: false },
  ],
  headspace: { flag: '--cache-batches', value: 8 },
  subprocess: { flag: '--loader-process' },
});

const DEFAULTS = { num_threads: 16, prefetch: 1, batch_size: 8, split_stages: false };

interface ExperimentOptions {
  subprocess?: boolean;
  isKept?: boolean;
  noiseMargin?: number;
  isHeadspace?: boolean;
}

function experiment(id: string, knobs: Record<string, KnobValue>, metric: number | undefined, options: ExperimentOptions = {}) {
  return {
    id,
    configuration: { knobs: { ...DEFAULTS, ...knobs }, subprocess: options.subprocess ?? false },
    status: metric === undefined ? ('failed' as const) : ('completed' as const),
    metric,
    noiseMargin: options.noiseMargin ?? 2,
    isHeadspace: options.isHeadspace ?? false,
    isKept: options.isKept ?? false,
  };
}

const seeds = [
  experiment('000_baseline', {}, 100, { isKept: true }),
  experiment('001_headspace', {}, 180, { isHeadspace: true }),
  experiment('002_subprocess', {}, 130, { subprocess: true, isKept: true }),
];

function request(overrides: Partial<PlanRequestOptions> = {}): PlanRequestOptions {
  return {
    space,
    history: seeds,
    bestId: '002_subprocess',
    experimentsSinceImprovement: 0,
    limits: { patience: 6, remainingExperiments: 30, maxProposals: 3 },
    seed: 7,
    ...overrides,
  };
}

function proposals(decision: PlanDecision): Proposal[] {
  if (decision.action !== 'propose') throw new Error(`expected proposals, got ${JSON.stringify(decision)}`);
  return decision.proposals;
}

function differingKnobs(first: Configuration, second: Configuration): string[] {
  const knobs = Object.keys(DEFAULTS).filter((name) => first.knobs[name] !== second.knobs[name]);
  return first.subprocess === second.subprocess ? knobs : [...knobs, 'subprocess'];
}

describe('planOffline', () => {
  it('gives the same decision for the same request', () => {
    expect(planOffline(request())).toEqual(planOffline(request()));
  });

  it('starts from the better seed and varies one knob at a time from it', () => {
    const best = { knobs: DEFAULTS, subprocess: true };
    const planned = proposals(planOffline(request()));

    expect(planned).toHaveLength(3);
    for (const proposal of planned) {
      expect(proposal.parentId).toBe('002_subprocess');
      expect(proposal.changedKnobs).toHaveLength(1);
      expect(differingKnobs(proposal.configuration, best)).toEqual(proposal.changedKnobs);
    }
    expect(new Set(planned.map((proposal) => proposal.changedKnobs[0])).size).toBe(3);
  });

  it('names the subprocess switch as a knob and tags it', () => {
    const history = [experiment('000_baseline', {}, 100, { isKept: true })];
    const planned = proposals(planOffline(request({ history, bestId: '000_baseline', limits: { patience: 6, remainingExperiments: 30, maxProposals: 5 } })));
    expect(planned.find((proposal) => proposal.changedKnobs[0] === 'subprocess')).toMatchObject({ name: 'subprocess_on', bestPractice: 'subprocess_loading' });
  });

  it('names proposals after the change and tags the best practice', () => {
    const planned = proposals(planOffline(request({ limits: { patience: 6, remainingExperiments: 30, maxProposals: 5 } })));
    const byKnob = new Map(planned.map((proposal) => [proposal.changedKnobs[0], proposal]));

    expect(byKnob.get('batch_size')).toMatchObject({ name: 'batch_size_32', bestPractice: 'batch_size_tuning' });
    expect(byKnob.get('num_threads')).toMatchObject({ name: 'num_threads_6', bestPractice: 'concurrency_tuning' });
    expect(byKnob.get('prefetch')).toMatchObject({ name: 'prefetch_4', bestPractice: 'prefetch_tuning' });
    expect(byKnob.get('split_stages')).toMatchObject({ name: 'split_stages_on', bestPractice: 'stage_split' });
    // Subprocess off is the baseline, already measured.
    expect(byKnob.has('subprocess')).toBe(false);
  });

  it('never proposes a configuration that was measured or is pending, over a whole search', () => {
    const history = [...seeds];
    const seen = new Set(history.filter((run) => !run.isHeadspace).map((run) => configurationKey(space, run.configuration)));
    // A smooth landscape with a peak inside the space, so the search keeps finding moves.
    const score = (configuration: Configuration): number =>
      200 - Math.abs((configuration.knobs.num_threads as number) - 6) * 5 - Math.abs((configuration.knobs.batch_size as number) - 64) / 4 + (configuration.knobs.prefetch as number);

    for (let round = 0; round < 15; round += 1) {
      const decision = planOffline(request({ history, bestId: undefined, limits: { patience: 50, remainingExperiments: 100, maxProposals: 3 } }));
      if (decision.action !== 'propose') break;
      for (const proposal of decision.proposals) {
        const key = configurationKey(space, proposal.configuration);
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        history.push(experiment(`r${round}_${proposal.name}`, proposal.configuration.knobs, score(proposal.configuration), { subprocess: proposal.configuration.subprocess }));
      }
    }
    expect(seen.size).toBeGreaterThan(30);
  });

  it('does not propose what is already pending', () => {
    const first = proposals(planOffline(request()));
    const pending = first.map((proposal) => proposal.configuration);
    const next = proposals(planOffline(request({ pending })));
    const pendingKeys = new Set(pending.map((configuration) => configurationKey(space, configuration)));

    for (const proposal of next) expect(pendingKeys.has(configurationKey(space, proposal.configuration))).toBe(false);
  });

  it('takes a larger step in a direction that just helped', () => {
    const history = [
      experiment('000_baseline', {}, 100, { isKept: true }),
      experiment('003_threads', { num_threads: 8 }, 130, { isKept: true }),
    ];
    const planned = proposals(planOffline(request({ history, bestId: '003_threads', limits: { patience: 6, remainingExperiments: 30, maxProposals: 6 } })));
    const threads = planned.find((proposal) => proposal.changedKnobs[0] === 'num_threads');

    expect(threads?.name).toBe('num_threads_4');
    expect(threads?.hypothesis).toBe('The last move of num_threads this way raised the metric by 30%; a larger step, from 8 to 4, should raise it again over 003_threads.');
    expect(planned[0]).toBe(threads);
  });

  it('narrows to the point between the best and a worse result', () => {
    const history = [experiment('000_baseline', {}, 100, { isKept: true }), experiment('003_threads', { num_threads: 6 }, 80)];
    const planned = proposals(planOffline(request({ history, bestId: '000_baseline', limits: { patience: 6, remainingExperiments: 30, maxProposals: 6 } })));
    expect(planned.find((proposal) => proposal.changedKnobs[0] === 'num_threads')?.name).toBe('num_threads_8');
  });

  it('re-tests a knob around a new best after another knob moved', () => {
    const history = [
      experiment('000_baseline', {}, 100, { isKept: true }),
      experiment('003_threads', { num_threads: 6 }, 90),
      experiment('004_threads', { num_threads: 8 }, 95),
      experiment('005_batch', { batch_size: 32 }, 150, { isKept: true }),
    ];
    const withoutMove = proposals(planOffline(request({ history: history.slice(0, 3), bestId: '000_baseline', limits: { patience: 6, remainingExperiments: 30, maxProposals: 8 } })));
    expect(withoutMove.some((proposal) => proposal.changedKnobs.includes('num_threads'))).toBe(false);

    const planned = proposals(planOffline(request({ history, bestId: '005_batch', limits: { patience: 6, remainingExperiments: 30, maxProposals: 8 } })));
    const threads = planned.find((proposal) => proposal.changedKnobs[0] === 'num_threads');
    expect(threads).toMatchObject({ parentId: '005_batch', configuration: { knobs: { batch_size: 32 } } });
  });

  it('treats a result within the noise margin as no gain', () => {
    const limits = { patience: 6, remainingExperiments: 30, maxProposals: 8 };
    const threadsMove = (metric: number): string | undefined => {
      const history = [experiment('000_baseline', {}, 100, { isKept: true, noiseMargin: 5 }), experiment('003_threads', { num_threads: 6 }, metric, { noiseMargin: 5 })];
      const planned = proposals(planOffline(request({ history, bestId: '000_baseline', limits })));
      return planned.find((proposal) => proposal.changedKnobs[0] === 'num_threads')?.name;
    };

    // Within noise the gap is split as for an equal result; beyond noise the search goes past it.
    expect(threadsMove(104)).toBe('num_threads_8');
    expect(threadsMove(120)).toBe('num_threads_4');
  });

  it('combines moves that each measured above the best within noise', () => {
    const history = [
      experiment('000_baseline', {}, 100, { isKept: true, noiseMargin: 5 }),
      experiment('003_batch', { batch_size: 32 }, 104, { noiseMargin: 5 }),
      experiment('004_prefetch', { prefetch: 4 }, 103, { noiseMargin: 5 }),
    ];
    const planned = proposals(planOffline(request({ history, bestId: '000_baseline', limits: { patience: 6, remainingExperiments: 30, maxProposals: 8 } })));
    const combined = planned.find((proposal) => proposal.changedKnobs.length === 2);

    expect(combined).toMatchObject({ name: 'batch_size_32+prefetch_4', changedKnobs: ['batch_size', 'prefetch'], parentId: '000_baseline' });
    expect(combined?.hypothesis).toBe('Alone, batch_size at 32 (+4%) and prefetch at 4 (+3%) each measured above 000_baseline but within noise; together their gains may add up beyond it.');
  });

  it('does not step onto a setting that failed in another context', () => {
    const history = [
      experiment('000_baseline', {}, 100, { isKept: true }),
      experiment('003_batch', { batch_size: 32 }, 150, { isKept: true }),
      experiment('004_batch', { batch_size: 128 }, undefined),
      experiment('005_prefetch', { batch_size: 32, prefetch: 4 }, 170, { isKept: true }),
    ];
    const planned = proposals(planOffline(request({ history, bestId: '005_prefetch', limits: { patience: 6, remainingExperiments: 30, maxProposals: 8 } })));
    expect(planned.find((proposal) => proposal.changedKnobs[0] === 'batch_size')?.name).toBe('batch_size_64');
  });

  it('stops on a plateau once patience is used up', () => {
    expect(planOffline(request({ experimentsSinceImprovement: 6 }))).toEqual({
      action: 'stop',
      reason: 'plateau',
      detail: '6 experiments finished without a kept improvement (patience 6).',
    });
  });

  it('stops at the experiment limit and never proposes more than the limits allow', () => {
    const limits = (remainingExperiments: number, maxProposals: number) => ({ patience: 6, remainingExperiments, maxProposals });
    expect(planOffline(request({ limits: limits(0, 3) }))).toMatchObject({ action: 'stop', reason: 'max_iterations' });
    expect(proposals(planOffline(request({ limits: limits(1, 3) })))).toHaveLength(1);
    expect(proposals(planOffline(request({ limits: limits(30, 2) })))).toHaveLength(2);
  });

  it('stops when the space is exhausted, and waits while the last moves are running', () => {
    const tiny = parseSearchSpace({ knobs: [{ name: 'prefetch', flag: '--prefetch', values: [1, 2], default: 1 }] });
    const base = { knobs: { prefetch: 1 }, subprocess: false };
    const other = { knobs: { prefetch: 2 }, subprocess: false };
    const run = (id: string, configuration: Configuration, metric: number) => ({ id, configuration, status: 'completed' as const, metric });
    const limits = { patience: 6, remainingExperiments: 30, maxProposals: 3 };

    const waiting = planOffline({ space: tiny, history: [run('a', base, 10)], pending: [other], experimentsSinceImprovement: 0, limits });
    expect(waiting.action).toBe('wait');

    const done = planOffline({ space: tiny, history: [run('a', base, 10), run('b', other, 9)], experimentsSinceImprovement: 1, limits });
    expect(done).toMatchObject({ action: 'stop', reason: 'space_exhausted' });
  });

  it('rejects a malformed request with the field named', () => {
    const bad = { ...request(), limits: { patience: 0, remainingExperiments: 3, maxProposals: 1 } };
    expect(() => planOffline(bad)).toThrow(PlannerInputError);
    expect(() => planOffline(bad)).toThrow('limits.patience: Too small: expected number to be >0');
  });
});
