import type { Configuration } from './configuration.ts';
import { knobGrid, type KnobValue, type SearchSpace } from './search-space.ts';

/** The name the subprocess switch goes by when the planner moves it like a knob. */
export const SUBPROCESS_DIMENSION = 'subprocess';

/**
 * One axis the planner moves along: a knob's grid, or the subprocess switch as the grid
 * [false, true]. Indexes are grid positions, so "a larger step" means more grid points.
 */
export interface SearchDimension {
  readonly name: string;
  readonly grid: readonly KnobValue[];
  /** Grid index of the configuration's setting; an off-grid number maps to the nearest point. */
  indexOf(configuration: Configuration): number;
  /** The configuration with this axis set to grid point `index`. */
  withIndex(configuration: Configuration, index: number): Configuration;
}

/** The axes of a search space: its knobs in declared order, then the subprocess switch if any. */
export function searchDimensions(space: SearchSpace): SearchDimension[] {
  const dimensions = space.knobs.map((knob) => knobDimension(knob.name, knobGrid(knob), knob.default));
  if (space.subprocess !== undefined) dimensions.push(subprocessDimension());
  return dimensions;
}

function knobDimension(name: string, grid: KnobValue[], fallback: KnobValue): SearchDimension {
  return {
    name,
    grid,
    indexOf: (configuration) => gridIndex(grid, configuration.knobs[name] ?? fallback),
    withIndex: (configuration, index) => ({
      ...configuration,
      knobs: { ...configuration.knobs, [name]: grid[index] as KnobValue },
    }),
  };
}

function subprocessDimension(): SearchDimension {
  return {
    name: SUBPROCESS_DIMENSION,
    grid: [false, true],
    indexOf: (configuration) => (configuration.subprocess ? 1 : 0),
    withIndex: (configuration, index) => ({ ...configuration, subprocess: index === 1 }),
  };
}

function gridIndex(grid: readonly KnobValue[], value: KnobValue): number {
  const exact = grid.indexOf(value);
  if (exact !== -1 || typeof value !== 'number') return exact;

  let nearest = -1;
  grid.forEach((point, index) => {
    if (typeof point !== 'number') return;
    const isCloser = nearest === -1 || Math.abs(point - value) < Math.abs((grid[nearest] as number) - value);
    if (isCloser) nearest = index;
  });
  return nearest;
}
