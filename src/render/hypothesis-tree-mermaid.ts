import { formatMetric, metricSpecFor } from './metric-catalog.ts';
import { escapeMermaidLabel } from './mermaid-label.ts';
import { isInFlight, type ExperimentView, type RunView } from './run-view.ts';
import { outlineTree, type OutlineSummary, type TreeOutline } from './tree-outline.ts';

/** Options of {@link buildHypothesisTreeMermaid}. */
export interface HypothesisTreeMermaidOptions {
  /**
   * Most boxes drawn (experiments plus summary nodes); the rest of the tree is summarised.
   * Default 100, at least 1. The best path is always drawn, even past this number.
   */
  readonly maxNodes?: number;
  /**
   * Most characters of the returned text. Default 40,000, well within GitHub's 65,536-character
   * comment body; the tree is summarised harder, then labels are shortened, until it fits.
   */
  readonly maxChars?: number;
  /** A diagram title (mermaid front matter); none by default, as markdown has its own heading. */
  readonly title?: string;
}

type LabelMode = 'full' | 'compact';

/** Fill, border and text colours of each kind of node; `Path` variants mark the best path. */
export const treeNodeColours = {
  improved: { fill: '#2ecc71', stroke: '#1e8449', text: '#0b2e17' },
  noGain: { fill: '#d5d8dc', stroke: '#808b96', text: '#1c2833' },
  failed: { fill: '#e74c3c', stroke: '#922b21', text: '#ffffff' },
  inFlight: { fill: '#3498db', stroke: '#1f618d', text: '#ffffff' },
  queued: { fill: '#ffffff', stroke: '#7f8c8d', text: '#1c2833' },
  pending: { fill: '#fcf3cf', stroke: '#b7950b', text: '#1c2833' },
  headspace: { fill: '#d2b4de', stroke: '#6c3483', text: '#1c2833' },
  summary: { fill: '#f4f6f6', stroke: '#aab7b8', text: '#566573' },
} as const;
type NodeClass = keyof typeof treeNodeColours;

const bestPathEdgeStyle = 'stroke:#1e8449,stroke-width:4px';

/**
 * Writes the run's hypothesis tree as a mermaid flowchart (left to right), to be put in a
 * ```` ```mermaid ```` fence in markdown or rendered to a picture. Colours: green improved, gray
 * no gain, red failed, blue in flight, dashed white queued, purple hexagon headspace; the best
 * path has thick borders and edges, and the best node a star. Large trees are summarised: see
 * {@link outlineTree}.
 *
 * @example
 * const text = buildHypothesisTreeMermaid(view);
 * const markdown = ['```mermaid', text, '```'].join('\n');
 */
export function buildHypothesisTreeMermaid(
  view: RunView,
  options: HypothesisTreeMermaidOptions = {},
): string {
  const maxChars = options.maxChars ?? 40_000;
  let maxNodes = Math.max(1, options.maxNodes ?? 100);

  for (const labelMode of ['full', 'compact'] as const) {
    for (let nodes = maxNodes; ; nodes = Math.floor(nodes * 0.7)) {
      const text = writeFlowchart(view, outlineTree(view, nodes), labelMode, options.title);
      if (text.length <= maxChars) return text;
      if (nodes <= 10) break;
    }
    maxNodes = 10;
  }
  return writeFlowchart(view, outlineTree(view, 1), 'compact', options.title);
}

function writeFlowchart(view: RunView, outline: TreeOutline, labelMode: LabelMode, title?: string): string {
  const nodeIds = new Map(outline.shown.map((experiment, index) => [experiment.id, `n${index}`]));
  const lines = [...frontMatter(title), 'flowchart LR'];
  const usedClasses = new Set<string>();

  for (const experiment of outline.shown) {
    const nodeClass = classOf(experiment, outline);
    usedClasses.add(nodeClass);
    const label = experimentLabel(view, experiment, labelMode);
    lines.push(`  ${nodeIds.get(experiment.id)}${shape(experiment, label)}:::${nodeClass}`);
  }
  outline.summaries.forEach((summary, index) => {
    usedClasses.add('summary');
    lines.push(`  s${index}(["${summaryLabel(view, summary)}"]):::summary`);
  });

  lines.push(...edges(outline, nodeIds));
  lines.push(...[...usedClasses].sort().map(classDefinition));
  return `${lines.join('\n')}\n`;
}

function frontMatter(title: string | undefined): string[] {
  if (title === undefined) return [];
  // A YAML double-quoted string, shown as text: quotes and backslashes would end or escape it,
  // and mermaid drops anything that looks like an HTML tag.
  const safe = title
    .replace(/[\u0000-\u001f\\]+/g, ' ')
    .replace(/"/g, "'")
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .trim()
    .slice(0, 120);
  return ['---', `title: "${safe}"`, '---'];
}

function classOf(experiment: ExperimentView, outline: TreeOutline): string {
  const base = baseClassOf(experiment);
  if (experiment.isBest) return `${base}Best`;
  return outline.bestPathIds.has(experiment.id) ? `${base}Path` : base;
}

function baseClassOf(experiment: ExperimentView): NodeClass {
  if (experiment.status === 'failed' || experiment.verdict === 'failed') return 'failed';
  if (experiment.status === 'queued') return 'queued';
  if (isInFlight(experiment.status)) return 'inFlight';
  if (experiment.isHeadspace) return 'headspace';
  if (experiment.verdict === 'improved') return 'improved';
  return experiment.verdict === 'no_gain' ? 'noGain' : 'pending';
}

function shape(experiment: ExperimentView, label: string): string {
  return experiment.isHeadspace ? `{{"${label}"}}` : `["${label}"]`;
}

function experimentLabel(view: RunView, experiment: ExperimentView, labelMode: LabelMode): string {
  const star = experiment.isBest ? '★ ' : '';
  const nameChars = labelMode === 'full' ? 32 : 18;
  const lines = [escapeMermaidLabel(`${star}#${experiment.order} ${experiment.name}`, nameChars)];
  lines.push(escapeMermaidLabel(outcomeText(view, experiment), 40));

  const change = experiment.changeSummary.trim();
  if (labelMode === 'full' && change !== '' && change !== experiment.name) {
    lines.push(escapeMermaidLabel(change, 40));
  }
  return lines.join('<br/>');
}

function outcomeText(view: RunView, experiment: ExperimentView): string {
  if (experiment.status === 'failed' || experiment.verdict === 'failed') return 'failed';
  if (experiment.status !== 'completed') return experiment.status;

  const spec = metricSpecFor(view, view.primaryMetric.key);
  const value = experiment.metrics[spec.key];
  if (value === undefined) return `${spec.shortName} not measured`;
  return `${spec.shortName} ${formatMetric(spec, value)}`;
}

function summaryLabel(view: RunView, summary: OutlineSummary): string {
  const counts = countOutcomes(summary.experiments);
  const parts = Object.entries(counts).filter(([, count]) => count > 0);
  const lines = [`${summary.experiments.length} more`, parts.map(([name, count]) => `${count} ${name}`).join(', ')];

  // "top run", not "best": a single run that measured high may still be within the noise, and
  // the best is the verdict shown with a star on its own node.
  const top = topMeasured(view, summary.experiments);
  if (top !== undefined) lines.push(`top run ${top}`);
  return lines.map((line) => escapeMermaidLabel(line, 48)).join('<br/>');
}

function countOutcomes(experiments: readonly ExperimentView[]): Record<string, number> {
  const counts: Record<string, number> = { improved: 0, 'no gain': 0, failed: 0, 'in flight': 0, queued: 0 };
  for (const experiment of experiments) {
    const nodeClass = baseClassOf(experiment);
    if (nodeClass === 'improved') counts.improved! += 1;
    else if (nodeClass === 'failed') counts.failed! += 1;
    else if (nodeClass === 'queued') counts.queued! += 1;
    else if (nodeClass === 'inFlight') counts['in flight']! += 1;
    else counts['no gain']! += 1;
  }
  return counts;
}

// The highest (or lowest, when lower is better) single measurement of the primary metric in a
// hidden group, as a plain statistic: which experiment is kept is the caller's verdict.
function topMeasured(view: RunView, experiments: readonly ExperimentView[]): string | undefined {
  const spec = metricSpecFor(view, view.primaryMetric.key);
  const values = experiments
    .filter((experiment) => !experiment.isHeadspace && experiment.status === 'completed')
    .map((experiment) => experiment.metrics[spec.key])
    .filter((value): value is number => value !== undefined);
  if (values.length === 0) return undefined;
  return formatMetric(spec, spec.isHigherBetter ? Math.max(...values) : Math.min(...values));
}

function edges(outline: TreeOutline, nodeIds: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  const bestEdgeIndexes: number[] = [];

  for (const experiment of outline.shown) {
    const parentId = outline.parentOf.get(experiment.id);
    if (parentId === undefined) continue;

    const isBestEdge = outline.bestPathIds.has(parentId) && outline.bestPathIds.has(experiment.id);
    if (isBestEdge) bestEdgeIndexes.push(lines.length);
    lines.push(`  ${nodeIds.get(parentId)} ${isBestEdge ? '==>' : '-->'} ${nodeIds.get(experiment.id)}`);
  }
  outline.summaries.forEach((summary, index) => {
    if (summary.parentId !== null) lines.push(`  ${nodeIds.get(summary.parentId)} -.-> s${index}`);
  });

  if (bestEdgeIndexes.length > 0) lines.push(`  linkStyle ${bestEdgeIndexes.join(',')} ${bestPathEdgeStyle}`);
  return lines;
}

function classDefinition(name: string): string {
  const base = name.replace(/(Best|Path)$/, '') as NodeClass;
  const colours = treeNodeColours[base];
  const styles = [`fill:${colours.fill}`, `stroke:${colours.stroke}`, `color:${colours.text}`];
  if (base === 'queued') styles.push('stroke-dasharray:5 4');
  if (name.endsWith('Path')) styles.push('stroke-width:4px');
  if (name.endsWith('Best')) styles.push('stroke-width:5px', 'font-weight:bold');
  return `  classDef ${name} ${styles.join(',')}`;
}
