import type { ExperimentNode } from './experiment-node.ts';
import { CONFIRM_Z, SCREEN_Z, noiseMarginPct } from './noise-margin.ts';
import { gainPct, metricOf, type MetricChoice } from './primary-metric.ts';

/** Settings of the "improved" decision. */
export interface DecisionSettings {
  metric: MetricChoice;
  minEffectPct: number;
  confirmImprovements: boolean;
}

/** What the decision changes: verdicts of one or more experiments, and whether to re-run one. */
export interface Judgement {
  updates: { id: string; verdict: ExperimentNode['verdict']; confirmed?: boolean; note?: string }[];
  /** Queue a confirmation repeat of this experiment before it may become the best. */
  confirm?: string;
  /** One line for logs and notes. */
  note: string;
}

/**
 * The metric value a kept experiment stands for: the mean of its own run and of every repeat of
 * it, so a confirmed best is not its luckiest run.
 */
export function effectiveMetric(node: ExperimentNode, all: readonly ExperimentNode[], metric: MetricChoice): number | undefined {
  const values = [node, ...all.filter((other) => other.repeat_of === node.id)]
    .map((run) => metricOf(run, metric))
    .filter((value): value is number => value !== undefined);
  return values.length ? values.reduce((sum, x) => sum + x, 0) / values.length : undefined;
}

/**
 * The current best: among kept experiments (verdict improved, never headspace), the one whose
 * effective metric is best. The single definition of "best" used by tables, plots and planning.
 */
export function currentBest(all: readonly ExperimentNode[], metric: MetricChoice, excludeId?: string): ExperimentNode | undefined {
  let best: { node: ExperimentNode; value: number } | undefined;
  for (const node of all) {
    if (node.id === excludeId || node.is_headspace || node.verdict !== 'improved') continue;
    const value = effectiveMetric(node, all, metric);
    if (value === undefined) continue;
    if (!best || gainPct(value, best.value, metric) > 0) best = { node, value };
  }
  return best?.node;
}

/** Decides the verdict of a freshly measured experiment against the best before it. */
export function judge(node: ExperimentNode, all: readonly ExperimentNode[], settings: DecisionSettings): Judgement {
  const value = metricOf(node, settings.metric);
  if (node.is_headspace) return single(node, 'no_gain', 'headspace run: a bound, never a candidate');
  if (value === undefined) return single(node, 'failed', `no ${settings.metric.key} measured`);
  if (node.seed === 'baseline') return { updates: [{ id: node.id, verdict: 'improved', confirmed: true }], note: 'baseline: the reference' };

  const original = node.repeat_of ? all.find((other) => other.id === node.repeat_of) : undefined;
  if (original?.verdict === 'pending') return judgeConfirmation(node, original, all, settings);
  if (original) return single(node, 'no_gain', `repeat of ${original.id}`);

  return judgeCandidate(node, value, all, settings);
}

function judgeCandidate(node: ExperimentNode, value: number, all: readonly ExperimentNode[], settings: DecisionSettings): Judgement {
  const best = currentBest(all, settings.metric, node.id);
  if (!best) return { updates: [{ id: node.id, verdict: 'improved', confirmed: true }], note: 'first measured run' };

  const reference = effectiveMetric(best, all, settings.metric)!;
  const gain = gainPct(value, reference, settings.metric);
  // With confirmation on, a single run only has to look promising (one σ); its repeat must then
  // carry the mean of both past two σ. Without confirmation, the single run must clear two σ.
  const z = settings.confirmImprovements ? SCREEN_Z : CONFIRM_Z;
  const margin = noiseMarginPct(node, best, all, settings.metric, settings.minEffectPct, z);
  const note = `${formatPct(gain)} vs best ${best.id} (margin ±${margin.toFixed(1)}%)`;
  if (gain <= margin) return single(node, 'no_gain', note);
  if (!settings.confirmImprovements) return { updates: [{ id: node.id, verdict: 'improved', confirmed: true }], note };
  return { updates: [{ id: node.id, verdict: 'pending' }], confirm: node.id, note: `${note}; confirming with a repeat` };
}

function judgeConfirmation(
  repeat: ExperimentNode,
  original: ExperimentNode,
  all: readonly ExperimentNode[],
  settings: DecisionSettings,
): Judgement {
  const withRepeat = all.map((n) => (n.id === repeat.id ? repeat : n));
  const best = currentBest(withRepeat, settings.metric, original.id);
  const mean = effectiveMetric(original, withRepeat, settings.metric)!;
  const reference = best ? effectiveMetric(best, withRepeat, settings.metric)! : undefined;
  const margin = best ? noiseMarginPct(original, best, withRepeat, settings.metric, settings.minEffectPct, CONFIRM_Z) : 0;
  const gain = reference === undefined ? Infinity : gainPct(mean, reference, settings.metric);
  const isConfirmed = gain > margin;
  const note = `confirmation of ${original.id}: mean ${formatPct(gain)} vs best ${best?.id ?? '-'} (margin ±${margin.toFixed(1)}%) → ${isConfirmed ? 'kept' : 'not kept'}`;
  return {
    updates: [
      { id: repeat.id, verdict: 'no_gain' },
      { id: original.id, verdict: isConfirmed ? 'improved' : 'no_gain', confirmed: isConfirmed, note },
    ],
    note,
  };
}

function single(node: ExperimentNode, verdict: ExperimentNode['verdict'], note: string): Judgement {
  return { updates: [{ id: node.id, verdict }], note };
}

function formatPct(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}
