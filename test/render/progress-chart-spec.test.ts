import { describe, expect, it } from 'vitest';

import { buildProgressChartSpec, progressPanelWidthPx } from '../../src/render/progress-chart-spec.ts';
import { renderProgressSvg } from '../../src/render/render-progress-png.ts';
import type { RunView } from '../../src/render/run-view.ts';
import { smallRun } from '../fixtures/render/small-run.ts';
import { syntheticRun } from '../fixtures/render/synthetic-run.ts';

type Layer = { data: { values: Array<Record<string, unknown>> }; mark: { type: string } | string };
type Panel = { title: { text: string }; layer: Layer[] };

function panels(view: RunView): Panel[] {
  return (buildProgressChartSpec(view) as unknown as { vconcat: Panel[] }).vconcat;
}

describe('buildProgressChartSpec', () => {
  it('draws one panel per measured metric, after the label strip', () => {
    const titles = panels(smallRun()).map((panel) => panel.title.text);

    expect(titles).toEqual([
      'Kept improvements',
      'Job duration (s), lower is better',
      'Steady step time (ms), lower is better · primary metric · dashed: headspace 60.0 ms',
      'SM utilization (%), higher is better · dashed: headspace 92%',
    ]);
  });

  it('draws the headspace line at the measured value, not rescaled', () => {
    const view = { ...smallRun(), headspaceFloor: { steady_step_time_ms: 61.25 } };
    const stepPanel = panels(view)[2]!;
    const rule = stepPanel.layer.find((layer) => (layer.mark as { type: string }).type === 'rule');

    expect(rule?.data.values).toEqual([{ value: 61.25 }]);
  });

  it('puts unmeasured failures just past the worst measured value', () => {
    const stepPanel = panels(smallRun())[2]!;
    const failed = stepPanel.layer.flatMap((layer) => layer.data.values).filter((point) => point.category === 'failed');

    expect(failed).toHaveLength(1);
    expect(failed[0]!.value).toBeCloseTo(150 + 90 * 0.08);
  });

  it('steps the running best through the kept experiments to the last experiment number', () => {
    const stepPanel = panels(smallRun())[2]!;
    const line = stepPanel.layer.find((layer) => (layer.mark as { type: string }).type === 'line');

    expect(line?.data.values).toEqual([
      { order: 0, value: 150 },
      { order: 3, value: 120 },
      { order: 5, value: 95 },
      { order: 8, value: 95 },
    ]);
  });

  it('thins and shortens labels so that none of 1,000 experiments overlap', () => {
    const view = manyKept(1000);
    const strip = panels(view)[0] as unknown as { data: { values: Array<{ order: number; text: string }> } };
    const labels = strip.data.values;
    const pxPerExperiment = progressPanelWidthPx / 999;
    const positions = labels.map((label) => label.order * pxPerExperiment).sort((a, b) => a - b);

    expect(labels.length).toBeGreaterThan(30);
    expect(labels.length).toBeLessThan(view.experiments.length / 2);
    for (let i = 1; i < positions.length; i += 1) expect(positions[i]! - positions[i - 1]!).toBeGreaterThanOrEqual(15);
    for (const label of labels) expect([...label.text].length).toBeLessThanOrEqual(34);
    expect(labels.some((label) => label.order === 999)).toBe(true);
  });

  it('compiles and renders to SVG with DejaVu Sans, or a notice when nothing is measured yet', async () => {
    const svg = await renderProgressSvg(smallRun());
    const empty = await renderProgressSvg({ ...smallRun(), experiments: smallRun().experiments.map((experiment) => ({ ...experiment, metrics: {} })) });

    const texts = (markup: string): string[] => [...markup.matchAll(/<text [^>]*>(.*?)<\/text>/g)].map((match) => match[0]);

    expect(texts(svg).every((text) => text.includes('font-family="DejaVu Sans"'))).toBe(true);
    expect(texts(svg).map((text) => text.replace(/<[^>]*>/g, ''))).toContain('#3 prefetch=4 # more &lt;b&gt;bold&lt;/b&gt;…');
    expect(texts(empty).map((text) => text.replace(/<[^>]*>/g, ''))).toContain('No measurements yet (9 experiments)');
  });
});

// Every other experiment kept, the last one the best: far more labels than fit.
function manyKept(count: number): RunView {
  const view = syntheticRun({ experimentCount: count, inFlightCount: 0, queuedCount: 0 });
  const experiments = view.experiments.map((experiment) => ({
    ...experiment,
    status: 'completed' as const,
    verdict: experiment.order % 2 === 0 ? ('improved' as const) : ('no_gain' as const),
    isBest: experiment.order === count - 1,
    changeSummary: `a long description of change number ${experiment.order} that goes on`,
    metrics: { steady_step_time_ms: 200 - experiment.order * 0.1 },
  }));
  return { ...view, experiments };
}
