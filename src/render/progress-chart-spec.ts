import type { TopLevelSpec } from 'vega-lite';

import { truncateText } from './mermaid-label.ts';
import { formatMetric, metricCatalog, metricSpecFor, type MetricSpec } from './metric-catalog.ts';
import type { ExperimentView, RunView } from './run-view.ts';

/** Colours of the progress chart, by what a mark stands for. */
export const progressColours = {
  kept: '#2ecc71',
  keptBorder: '#1e8449',
  noGain: '#c8c8c8',
  failed: '#e74c3c',
  headspace: '#3498db',
  pending: '#85c1e9',
  runningBest: '#27ae60',
} as const;

/** Width of each panel's plotting area, in CSS pixels before rasterising. */
export const progressPanelWidthPx = 1000;

const categories = ['kept improvement', 'no gain', 'failed', 'headspace', 'in flight'] as const;
type Category = (typeof categories)[number];

const categoryColours = [
  progressColours.kept,
  progressColours.noGain,
  progressColours.failed,
  progressColours.headspace,
  progressColours.pending,
];
// A filled × (vega's "cross" is a +), so failures read as crossed out.
const crossShape = 'M-1,-0.7L-0.7,-1L0,-0.3L0.7,-1L1,-0.7L0.3,0L1,0.7L0.7,1L0,0.3L-0.7,1L-1,0.7L-0.3,0Z';
const categoryShapes = ['circle', 'circle', crossShape, 'diamond', 'circle'];
const labelSpacingPx = 15;
const labelChars = 34;
// Tall enough for a label of `labelChars` characters rising at 40 degrees.
const labelStripHeightPx = 150;

interface PanelPoint {
  readonly order: number;
  readonly value: number;
  readonly category: Category;
  readonly drawOrder: number;
}

/**
 * Builds the vega-lite spec of `progress.png`: one panel per measured metric, x = experiment
 * number. Failed experiments are red × (at the worse edge of the panel when unmeasured), no-gain
 * ones light gray, kept improvements green; the running best of the caller's kept experiments is
 * a step line and each known headspace value a dashed line, drawn as measured. Kept
 * improvements are named in a strip above the panels, thinned so labels never overlap.
 */
export function buildProgressChartSpec(view: RunView): TopLevelSpec {
  const experiments = [...view.experiments].sort((a, b) => a.order - b.order);
  const specs = metricCatalog
    .map((spec) => metricSpecFor(view, spec.key))
    .filter((spec) => experiments.some((experiment) => experiment.metrics[spec.key] !== undefined));
  if (specs.length === 0) return emptyChartSpec(view);

  const xDomain = [experiments[0]!.order, Math.max(experiments.at(-1)!.order, experiments[0]!.order + 1)];
  const keptCount = experiments.filter(isKept).length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: view.title,
      subtitle: `${experiments.length} experiments, ${keptCount} kept improvements; green line: running best of the kept ones`,
      anchor: 'start',
      fontSize: 16,
    },
    config: chartConfig(),
    vconcat: [
      labelStrip(view, experiments, xDomain),
      ...specs.map((spec, index) => panel(view, spec, experiments, xDomain, index === specs.length - 1)),
    ],
    resolve: { scale: { y: 'independent' } },
    // Built from plain records; vega-lite checks the spec at compile time and the tests compile it.
  } as unknown as TopLevelSpec;
}

function chartConfig(): Record<string, unknown> {
  return {
    font: 'DejaVu Sans',
    background: 'white',
    view: { stroke: '#dddddd' },
    axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eeeeee' },
    legend: { orient: 'top', labelFontSize: 12, symbolSize: 90, title: null },
    concat: { spacing: 18 },
  };
}

function isKept(experiment: ExperimentView): boolean {
  return !experiment.isHeadspace && (experiment.verdict === 'improved' || experiment.isBest);
}

function categoryOf(experiment: ExperimentView): Category | undefined {
  if (experiment.status === 'failed' || experiment.verdict === 'failed') return 'failed';
  if (experiment.isHeadspace) return 'headspace';
  if (isKept(experiment)) return 'kept improvement';
  if (experiment.verdict === 'no_gain') return 'no gain';
  return 'in flight';
}

const yEncoding = { field: 'value', type: 'quantitative', scale: { zero: false }, title: null } as const;

function xEncoding(xDomain: readonly number[], showAxis: boolean): Record<string, unknown> {
  return {
    field: 'order',
    type: 'quantitative',
    scale: { domain: xDomain, nice: false, padding: 8 },
    axis: showAxis ? { title: 'Experiment #', tickMinStep: 1, format: 'd' } : null,
  };
}

function panel(
  view: RunView,
  spec: MetricSpec,
  experiments: readonly ExperimentView[],
  xDomain: readonly number[],
  isLast: boolean,
): Record<string, unknown> {
  const points = panelPoints(spec, experiments);
  const sizes = pointSizes(experiments.length);
  const x = xEncoding(xDomain, isLast);
  const plain = points.filter((point) => point.category !== 'kept improvement');
  const kept = points.filter((point) => point.category === 'kept improvement');
  return {
    width: progressPanelWidthPx,
    height: 150,
    title: { text: panelTitle(view, spec), anchor: 'start', fontSize: 13 },
    // Kept points go last so neither the crowd of plain points nor the step line hides them.
    layer: [
      ...headspaceLayers(view, spec),
      pointLayer(plain, sizes, x),
      runningBestLayer(spec, experiments, xDomain, x),
      pointLayer(kept, sizes, x),
    ],
  };
}

function panelTitle(view: RunView, spec: MetricSpec): string {
  const direction = spec.isHigherBetter ? 'higher is better' : 'lower is better';
  const parts = [`${spec.title} (${spec.unit}), ${direction}`];
  if (view.primaryMetric.key === spec.key) parts.push('primary metric');
  const floor = view.headspaceFloor[spec.key];
  if (floor !== undefined) parts.push(`dashed: headspace ${formatMetric(spec, floor)}`);
  return parts.join(' · ');
}

function panelPoints(spec: MetricSpec, experiments: readonly ExperimentView[]): PanelPoint[] {
  const measured = experiments.map((experiment) => experiment.metrics[spec.key]).filter((value) => value !== undefined);
  const failedEdge = worseEdge(spec, measured);
  const points: PanelPoint[] = [];

  for (const experiment of experiments) {
    const category = categoryOf(experiment);
    const value = experiment.metrics[spec.key] ?? (category === 'failed' ? failedEdge : undefined);
    if (category === undefined || value === undefined) continue;
    points.push({ order: experiment.order, value, category, drawOrder: categories.length - categories.indexOf(category) });
  }
  return points;
}

// Unmeasured failures sit just past the worst measured value, where they cannot be mistaken for
// results.
function worseEdge(spec: MetricSpec, measured: readonly number[]): number {
  const low = Math.min(...measured);
  const high = Math.max(...measured);
  const margin = (high - low) * 0.08 || Math.abs(high) * 0.05 || 1;
  return spec.isHigherBetter ? Math.max(0, low - margin) : high + margin;
}

function pointSizes(experimentCount: number): { plain: number; kept: number } {
  const plain = Math.min(50, Math.max(12, 3000 / Math.max(1, experimentCount)));
  return { plain, kept: Math.max(45, plain * 2.2) };
}

function pointLayer(
  points: readonly PanelPoint[],
  sizes: { plain: number; kept: number },
  x: Record<string, unknown>,
): Record<string, unknown> {
  const isKept = "datum.category === 'kept improvement'";
  return {
    data: { values: points },
    mark: { type: 'point', filled: true, opacity: 1 },
    encoding: {
      x,
      y: yEncoding,
      color: { field: 'category', type: 'nominal', scale: { domain: [...categories], range: categoryColours } },
      shape: { field: 'category', type: 'nominal', scale: { domain: [...categories], range: categoryShapes } },
      size: { condition: { test: isKept, value: sizes.kept }, value: sizes.plain },
      stroke: { condition: { test: isKept, value: progressColours.keptBorder }, value: null },
      order: { field: 'drawOrder', type: 'quantitative' },
    },
  };
}

function runningBestLayer(
  spec: MetricSpec,
  experiments: readonly ExperimentView[],
  xDomain: readonly number[],
  x: Record<string, unknown>,
): Record<string, unknown> {
  const steps = experiments
    .filter((experiment) => isKept(experiment) && experiment.metrics[spec.key] !== undefined)
    .map((experiment) => ({ order: experiment.order, value: experiment.metrics[spec.key] as number }));
  const last = steps.at(-1);
  if (last !== undefined && last.order < xDomain[1]!) steps.push({ order: xDomain[1]!, value: last.value });

  return {
    data: { values: steps },
    mark: { type: 'line', interpolate: 'step-after', color: progressColours.runningBest, strokeWidth: 2 },
    encoding: { x, y: yEncoding },
  };
}

function headspaceLayers(view: RunView, spec: MetricSpec): Record<string, unknown>[] {
  const floor = view.headspaceFloor[spec.key];
  if (floor === undefined) return [];
  return [
    {
      data: { values: [{ value: floor }] },
      mark: { type: 'rule', color: progressColours.headspace, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: yEncoding },
    },
  ];
}

function labelStrip(
  view: RunView,
  experiments: readonly ExperimentView[],
  xDomain: readonly number[],
): Record<string, unknown> {
  const labels = thinnedLabels(view, experiments.filter(isKept), xDomain);
  const x = xEncoding(xDomain, false);
  return {
    width: progressPanelWidthPx,
    height: labelStripHeightPx,
    view: { stroke: null },
    title: { text: 'Kept improvements', anchor: 'start', fontSize: 13, color: progressColours.keptBorder },
    data: { values: labels },
    layer: [
      {
        mark: { type: 'tick', orient: 'vertical', color: progressColours.kept, thickness: 2, size: 10 },
        encoding: { x, y: { value: labelStripHeightPx - 5 } },
      },
      {
        mark: { type: 'text', angle: -40, align: 'left', baseline: 'middle', dx: 2, dy: -4, fontSize: 11, color: '#1c2833' },
        encoding: { x, y: { value: labelStripHeightPx - 6 }, text: { field: 'text' } },
      },
    ],
  };
}

// Keeps a label only where it is at least `labelSpacingPx` from every kept one: parallel rotated
// labels that far apart never touch. The best experiment and its path are offered room first.
function thinnedLabels(
  view: RunView,
  kept: readonly ExperimentView[],
  xDomain: readonly number[],
): { order: number; text: string }[] {
  const onPath = new Set(view.bestPath);
  const rank = (experiment: ExperimentView): number => (experiment.isBest ? 0 : onPath.has(experiment.id) ? 1 : 2);
  const offered = [...kept].sort((a, b) => rank(a) - rank(b) || a.order - b.order);
  const pxPerExperiment = progressPanelWidthPx / Math.max(1, xDomain[1]! - xDomain[0]!);
  const placedPx: number[] = [];
  const labels: { order: number; text: string }[] = [];

  for (const experiment of offered) {
    const px = (experiment.order - xDomain[0]!) * pxPerExperiment;
    if (placedPx.some((other) => Math.abs(other - px) < labelSpacingPx)) continue;
    placedPx.push(px);
    const summary = experiment.changeSummary.trim() || experiment.name;
    labels.push({ order: experiment.order, text: truncateText(`#${experiment.order} ${summary}`, labelChars) });
  }
  return labels;
}

function emptyChartSpec(view: RunView): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: view.title, anchor: 'start', fontSize: 16 },
    config: chartConfig(),
    width: 600,
    height: 120,
    data: { values: [{ text: `No measurements yet (${view.experiments.length} experiments)` }] },
    mark: { type: 'text', fontSize: 14, color: '#566573' },
    encoding: { text: { field: 'text' } },
  } as TopLevelSpec;
}
