import type { AxisChange, CandidateMove } from './candidate-move.ts';
import type { BestPractice } from './plan-decision.ts';
import { SUBPROCESS_DIMENSION } from './search-dimension.ts';
import type { KnobValue } from './search-space.ts';

// Matched against the knob name, in this order; the first hit names the practice.
const PRACTICE_PATTERNS: ReadonlyArray<readonly [RegExp, BestPractice]> = [
  [/subprocess|process/i, 'subprocess_loading'],
  [/split|stage/i, 'stage_split'],
  [/prefetch|buffer|queue|cache/i, 'prefetch_tuning'],
  [/batch/i, 'batch_size_tuning'],
  [/thread|worker|concurren|parallel|jobs/i, 'concurrency_tuning'],
];

/** The known best practice a knob belongs to, read from its name (`parameter_tuning` if none). */
export function bestPracticeOf(dimensionName: string): BestPractice {
  if (dimensionName === SUBPROCESS_DIMENSION) return 'subprocess_loading';
  return PRACTICE_PATTERNS.find(([pattern]) => pattern.test(dimensionName))?.[1] ?? 'parameter_tuning';
}

/** A proposal name such as `num_threads_4`, `batch_size_64+prefetch_4` or `subprocess_on`. */
export function proposalName(move: CandidateMove): string {
  return move.changes
    .map((change) => `${change.dimension.name}_${valueLabel(change.dimension.grid[change.toIndex] as KnobValue)}`)
    .join('+');
}

/** One sentence saying what the move tests and why it may help. */
export function proposalHypothesis(move: CandidateMove, parentLabel: string): string {
  if (move.kind === 'combine') return combineHypothesis(move, parentLabel);
  const [change] = move.changes as [AxisChange];
  const knob = axisLabel(change);
  const from = valueText(change, change.fromIndex);
  const to = valueText(change, change.toIndex);

  switch (move.kind) {
    case 'momentum':
      return `The last move of ${knob} this way raised the metric by ${percent(move.lastGainFraction)}; a larger step, from ${from} to ${to}, should raise it again over ${parentLabel}.`;
    case 'explore':
      return `${capitalize(knob)} at ${to} instead of ${from} has not been measured around ${parentLabel}; ${importanceClause(move)}.`;
    case 'narrow':
      return `${capitalize(knob)} at ${to} lies between ${parentLabel} (${from}) and ${valueText(change, move.referenceIndex)}, which was no better; the peak may lie between them.`;
    case 'extend':
      return `${capitalize(knob)} at ${valueText(change, move.referenceIndex)} was within noise of ${parentLabel}; ${to} checks whether a gain only shows further on.`;
    default:
      return `The one-knob moves around ${parentLabel} are used up; ${combinationText(move)} checks whether a gain hides further out.`;
  }
}

function combineHypothesis(move: CandidateMove, parentLabel: string): string {
  const parts = move.changes.map((change, index) => `${combinationText({ ...move, changes: [change] })} (+${percent(move.partGainFractions?.[index])})`);
  return `Alone, ${parts.join(' and ')} each measured above ${parentLabel} but within noise; together their gains may add up beyond it.`;
}

function importanceClause(move: CandidateMove): string {
  if (move.importance === undefined) return 'it has not been moved yet, so its effect is unknown';
  return `changing it moved the metric by up to ${percent(move.importance)} before, and other knobs have moved since`;
}

function combinationText(move: CandidateMove): string {
  return move.changes.map((change) => `${axisLabel(change)} at ${valueText(change, change.toIndex)}`).join(' with ');
}

function axisLabel(change: AxisChange): string {
  return change.dimension.name === SUBPROCESS_DIMENSION ? 'subprocess loading' : change.dimension.name;
}

function valueText(change: AxisChange, index: number | undefined): string {
  const value = index === undefined ? undefined : change.dimension.grid[index];
  if (value === undefined) return 'an unlisted setting';
  if (change.dimension.name === SUBPROCESS_DIMENSION) return value ? 'on' : 'off';
  return String(value);
}

function valueLabel(value: KnobValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value).replace(/[^A-Za-z0-9_.-]+/g, '-');
}

function percent(fraction: number | undefined): string {
  return `${Math.round((fraction ?? 0) * 1000) / 10}%`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
