import type { Configuration } from './configuration.ts';
import type { SearchDimension } from './search-dimension.ts';

/**
 * Why a move is worth running. `momentum`: keep going the way the last gain came, with a larger
 * step. `explore`: this axis has not been moved around the current best. `narrow`: a point
 * between the best and a worse or equal result further out. `extend`: past a result that was
 * within noise, in case the gain only shows further on. `combine`: several one-knob moves that
 * each measured above the best but within noise, together, so their gains may add up past it.
 * `fill` and `pair`: the local moves are used up, so try the rest of an axis, or two axes at once.
 */
export type MoveKind = 'momentum' | 'explore' | 'narrow' | 'extend' | 'combine' | 'fill' | 'pair';

/** One axis changed by a move, as grid indexes. */
export interface AxisChange {
  readonly dimension: SearchDimension;
  readonly fromIndex: number;
  readonly toIndex: number;
}

/** A configuration the planner could propose, with how promising it looks. */
export interface CandidateMove {
  readonly key: string;
  readonly configuration: Configuration;
  readonly changes: readonly AxisChange[];
  readonly kind: MoveKind;
  /** Higher runs first; a rough expected relative gain. */
  readonly score: number;
  /** For `narrow` and `extend`: the grid index of the result the move is measured against. */
  readonly referenceIndex?: number;
  /** For `momentum`: the relative gain of the move that made the current best. */
  readonly lastGainFraction?: number;
  /** For `combine`: the relative gain each combined move showed alone, in `changes` order. */
  readonly partGainFractions?: readonly number[];
  /** Largest relative effect this axis has shown so far, if any. */
  readonly importance?: number;
}
