import { describe, expect, it } from 'vitest';

import { outlineTree } from '../../src/render/tree-outline.ts';
import { smallRun } from '../fixtures/render/small-run.ts';
import { syntheticRun } from '../fixtures/render/synthetic-run.ts';

describe('outlineTree', () => {
  it('shows every experiment of a small run, parents before children, with no summary', () => {
    const outline = outlineTree(smallRun(), 100);

    expect(outline.shown.map((experiment) => experiment.id)).toEqual(['base', 'prefetch', 'threads', 'buffer', 'queue', 'pin', 'crash', 'head', 'sub']);
    expect(outline.summaries).toEqual([]);
  });

  it('keeps a 1,000-experiment tree within its box budget, accounting for every hidden experiment once', () => {
    const view = syntheticRun({ experimentCount: 1000 });
    const outline = outlineTree(view, 80);

    expect(outline.shown.length + outline.summaries.length).toBeLessThanOrEqual(80);
    const hidden = outline.summaries.flatMap((summary) => summary.experiments.map((experiment) => experiment.id));
    const all = [...outline.shown.map((experiment) => experiment.id), ...hidden].sort();
    expect(all).toEqual(view.experiments.map((experiment) => experiment.id).sort());
  });

  it('always shows the best path, running work and kept improvements, even in a tight budget', () => {
    const view = syntheticRun({ experimentCount: 300 });
    const shownIds = new Set(outlineTree(view, 60).shown.map((experiment) => experiment.id));

    for (const id of view.bestPath) expect(shownIds.has(id)).toBe(true);
    for (const experiment of view.experiments) {
      if (experiment.status === 'running' || experiment.verdict === 'improved') expect(shownIds.has(experiment.id)).toBe(true);
    }
  });

  it('shows at most four plain children of a node and summarises the rest', () => {
    const view = syntheticRun({ experimentCount: 300 });
    const outline = outlineTree(view, 500);
    const childCounts = new Map<string, number>();
    for (const experiment of outline.shown) {
      const parentId = outline.parentOf.get(experiment.id);
      const isPlain = experiment.verdict !== 'improved' && experiment.status !== 'running';
      if (parentId !== undefined && isPlain) childCounts.set(parentId, (childCounts.get(parentId) ?? 0) + 1);
    }

    expect(Math.max(...childCounts.values())).toBeLessThanOrEqual(4);
    expect(outline.summaries.length).toBeGreaterThan(0);
  });

  it('draws an experiment whose parent is unknown, or whose parents form a loop, as a seed', () => {
    const view = smallRun();
    const experiments = view.experiments.map((experiment) =>
      experiment.id === 'sub' ? { ...experiment, parentId: 'missing' } : experiment.id === 'base' ? { ...experiment, parentId: 'threads' } : experiment,
    );
    const outline = outlineTree({ ...view, experiments }, 100);

    expect(outline.shown).toHaveLength(9);
    expect(outline.parentOf.has('sub')).toBe(false);
  });
});
