import { z } from 'zod';

import { SearchSpaceError } from './offline-agent-error.ts';

/** Most grid points a `range` knob may expand to; a larger grid is rejected (raise `step`). */
export const MAX_GRID_POINTS = 64;

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const FLAG_PATTERN = /^--?[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One setting of a knob: a number, a string or a boolean. */
export const knobValueSchema = z.union([z.number().finite(), z.string(), z.boolean()]);

const flagSchema = z.string().regex(FLAG_PATTERN, 'must look like --name or -n');
const envSchema = z.string().regex(ENV_PATTERN, 'must be an environment variable name such as LOADER_THREADS');

/**
 * A numeric interval, discretized to a grid (see `knobGrid`). `step` is the increment for
 * `scale: "linear"` (default: 1 for integer bounds at most 16 apart, else an eighth of the span)
 * and the factor between neighbours for `scale: "log"` (default 2, must be above 1).
 */
export const knobRangeSchema = z.strictObject({
  min: z.number().finite(),
  max: z.number().finite(),
  step: z.number().finite().positive().optional(),
  scale: z.enum(['linear', 'log']).optional(),
});

/**
 * A tunable setting of the pipeline. It reaches the pipeline through exactly one of `flag`
 * (`--flag value`; a boolean true is the bare flag, false leaves it out) or `env` (an environment
 * variable), and takes exactly one of `values` (an ordered list of one type) or `range`.
 * `default` is the setting the pipeline runs with when nothing is changed: the baseline.
 */
export const knobSchema = z
  .strictObject({
    name: z.string().regex(NAME_PATTERN, 'must be letters, digits and underscores, starting with a letter'),
    flag: flagSchema.optional(),
    env: envSchema.optional(),
    values: z.array(knobValueSchema).min(1).optional(),
    range: knobRangeSchema.optional(),
    default: knobValueSchema,
  })
  .superRefine((knob, ctx) => {
    for (const problem of knobProblems(knob)) ctx.addIssue({ code: 'custom', ...problem });
  });

/**
 * How a seed experiment is switched on for this pipeline: a flag (bare, or with `value`) or an
 * environment variable set to `value`.
 */
export const seedSwitchSchema = z
  .strictObject({
    flag: flagSchema.optional(),
    env: envSchema.optional(),
    value: z.union([z.string(), z.number().finite()]).optional(),
  })
  .superRefine((seedSwitch, ctx) => {
    const problem = oneOf(seedSwitch.flag, seedSwitch.env, 'flag', 'env');
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [] });

    if (seedSwitch.env !== undefined && seedSwitch.value === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required with env (the value the variable is set to)', path: ['value'] });
    }
  });

/**
 * The search space the offline planner explores: the knobs, plus how the headspace seed (a cache
 * that replays batches) and the subprocess seed (loading in another process) are switched on.
 * A seed whose switch is absent is not available for this pipeline.
 */
export const searchSpaceSchema = z
  .strictObject({
    knobs: z.array(knobSchema).min(1),
    headspace: seedSwitchSchema.optional(),
    subprocess: seedSwitchSchema.optional(),
  })
  .superRefine((space, ctx) => {
    for (const problem of uniquenessProblems(space)) ctx.addIssue({ code: 'custom', ...problem });
  });

/** A knob setting. */
export type KnobValue = z.output<typeof knobValueSchema>;
/** A knob's numeric interval. */
export type KnobRange = z.output<typeof knobRangeSchema>;
/** A tunable setting of the pipeline. */
export type Knob = z.output<typeof knobSchema>;
/** How a seed is switched on. */
export type SeedSwitch = z.output<typeof seedSwitchSchema>;
/** The declared search space. */
export type SearchSpace = z.output<typeof searchSpaceSchema>;

/**
 * Validates a search space read from the configuration. Throws {@link SearchSpaceError} whose
 * problems each start with the field they are about, e.g.
 * `knobs[1].default: 3 is not one of values [1,2,4]`.
 *
 * @example
 * const space = parseSearchSpace(JSON.parse(text), 'examples/pipeline/search-space.json');
 */
export function parseSearchSpace(raw: unknown, source = 'search space'): SearchSpace {
  const parsed = searchSpaceSchema.safeParse(raw);
  if (parsed.success) return parsed.data;

  const problems = parsed.error.issues.map((issue) => {
    const field = formatFieldPath(issue.path);
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  throw new SearchSpaceError(source, problems);
}

/**
 * The ordered settings a knob can take: its `values` as declared, or its `range` expanded to a
 * grid (always holding `min`, `max` and `default`).
 */
export function knobGrid(knob: Knob): KnobValue[] {
  if (knob.values) return [...knob.values];

  const range = knob.range as KnobRange;
  const points = rangePoints(range).concat([range.max, knob.default as number]);
  return [...new Set(points.map(roundToGrid))].sort((a, b) => a - b);
}

interface Problem {
  message: string;
  path: PropertyKey[];
}

interface KnobFields {
  flag?: string;
  env?: string;
  values?: KnobValue[];
  range?: KnobRange;
  default: KnobValue;
}

function knobProblems(knob: KnobFields): Problem[] {
  const problems: Problem[] = [];
  const channel = oneOf(knob.flag, knob.env, 'flag', 'env');
  if (channel) problems.push({ message: channel, path: [] });

  const domain = oneOf(knob.values, knob.range, 'values', 'range');
  if (domain) return [...problems, { message: domain, path: [] }];

  if (knob.values) return [...problems, ...valuesProblems(knob.values, knob.default)];
  return [...problems, ...rangeProblems(knob.range as KnobRange, knob.default)];
}

function oneOf(first: unknown, second: unknown, firstName: string, secondName: string): string | undefined {
  if (first !== undefined && second !== undefined) {
    return `set exactly one of ${firstName} or ${secondName}, not both`;
  }
  if (first === undefined && second === undefined) return `set one of ${firstName} or ${secondName}`;
  return undefined;
}

function valuesProblems(values: KnobValue[], fallback: KnobValue): Problem[] {
  const types = [...new Set(values.map((value) => typeof value))];
  if (types.length > 1) {
    return [{ message: `mixes ${types.join(' and ')} values; use one type`, path: ['values'] }];
  }

  const repeated = values.find((value, index) => values.indexOf(value) !== index);
  if (repeated !== undefined) {
    return [{ message: `lists ${JSON.stringify(repeated)} more than once`, path: ['values'] }];
  }

  if (!values.includes(fallback)) {
    const listed = values.map((value) => JSON.stringify(value)).join(',');
    return [{ message: `${JSON.stringify(fallback)} is not one of values [${listed}]`, path: ['default'] }];
  }
  return [];
}

function rangeProblems(range: KnobRange, fallback: KnobValue): Problem[] {
  if (range.min >= range.max) {
    return [{ message: `min ${range.min} must be below max ${range.max}`, path: ['range'] }];
  }
  if (range.scale === 'log' && range.min <= 0) {
    return [{ message: `must be above 0 for scale "log", got ${range.min}`, path: ['range', 'min'] }];
  }
  if (range.scale === 'log' && range.step !== undefined && range.step <= 1) {
    return [{ message: `is the factor between grid points for scale "log" and must be above 1, got ${range.step}`, path: ['range', 'step'] }];
  }

  const count = rangePointCount(range);
  if (count > MAX_GRID_POINTS) {
    return [{ message: `makes ${count} grid points, at most ${MAX_GRID_POINTS} are allowed; raise step`, path: ['range'] }];
  }

  if (typeof fallback !== 'number') {
    return [{ message: `${JSON.stringify(fallback)} is not a number, as range requires`, path: ['default'] }];
  }
  if (fallback < range.min || fallback > range.max) {
    return [{ message: `${fallback} is outside range [${range.min}, ${range.max}]`, path: ['default'] }];
  }
  return [];
}

function uniquenessProblems(space: { knobs: Knob[]; headspace?: SeedSwitch; subprocess?: SeedSwitch }): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, number>();
  const channels = new Map<string, string>();

  const claim = (channel: string | undefined, owner: string, path: PropertyKey[]): void => {
    if (channel === undefined) return;
    const holder = channels.get(channel);
    if (holder) problems.push({ message: `"${channel}" is already used by ${holder}`, path });
    else channels.set(channel, owner);
  };

  space.knobs.forEach((knob, index) => {
    const holder = names.get(knob.name);
    if (holder !== undefined) {
      problems.push({ message: `"${knob.name}" is already the name of knobs[${holder}]`, path: ['knobs', index, 'name'] });
    } else names.set(knob.name, index);

    claim(knob.flag, `knobs[${index}]`, ['knobs', index, 'flag']);
    claim(knob.env, `knobs[${index}]`, ['knobs', index, 'env']);
  });

  for (const seed of ['headspace', 'subprocess'] as const) {
    claim(space[seed]?.flag, seed, [seed, 'flag']);
    claim(space[seed]?.env, seed, [seed, 'env']);
  }
  return problems;
}

function rangeStep(range: KnobRange): number {
  if (range.step !== undefined) return range.step;
  if (range.scale === 'log') return 2;

  const isSmallIntegerSpan = Number.isInteger(range.min) && Number.isInteger(range.max) && range.max - range.min <= 16;
  return isSmallIntegerSpan ? 1 : (range.max - range.min) / 8;
}

function rangePointCount(range: KnobRange): number {
  const step = rangeStep(range);
  // A small tolerance keeps a bound that float arithmetic lands just past on the grid.
  if (range.scale === 'log') return Math.floor(Math.log(range.max / range.min) / Math.log(step) + 1e-9) + 1;
  return Math.floor((range.max - range.min) / step + 1e-9) + 1;
}

function rangePoints(range: KnobRange): number[] {
  const step = rangeStep(range);
  const count = rangePointCount(range);
  const at = (index: number): number =>
    range.scale === 'log' ? range.min * step ** index : range.min + step * index;
  return Array.from({ length: count }, (_, index) => at(index));
}

// Twelve significant digits hide float noise such as 0.30000000000000004 in grid values.
function roundToGrid(value: number): number {
  return Number(value.toPrecision(12));
}

function formatFieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`))
    .join('');
}
