import { z } from 'zod';

import { knobValueSchema, type KnobValue, type SearchSpace } from './search-space.ts';

/**
 * One point of the search space: a setting per knob (a missing knob means its default) and
 * whether data loading runs in a subprocess.
 */
export const configurationSchema = z.object({
  knobs: z.record(z.string(), knobValueSchema),
  subprocess: z.boolean(),
});

/** One point of the search space. */
export type Configuration = z.output<typeof configurationSchema>;

/** The baseline: every knob at its default, loading in-process. */
export function defaultConfiguration(space: SearchSpace): Configuration {
  const knobs: Record<string, KnobValue> = {};
  for (const knob of space.knobs) knobs[knob.name] = knob.default;
  return { knobs, subprocess: false };
}

/**
 * Fills missing knobs with their defaults and orders them as the space declares them, so two
 * descriptions of the same point compare equal. Knobs the space does not declare are dropped.
 */
export function normalizeConfiguration(space: SearchSpace, configuration: Configuration): Configuration {
  const knobs: Record<string, KnobValue> = {};
  for (const knob of space.knobs) knobs[knob.name] = configuration.knobs[knob.name] ?? knob.default;
  return { knobs, subprocess: configuration.subprocess };
}

/** A string that is equal for two configurations exactly when they are the same point. */
export function configurationKey(space: SearchSpace, configuration: Configuration): string {
  const normalized = normalizeConfiguration(space, configuration);
  return JSON.stringify([space.knobs.map((knob) => normalized.knobs[knob.name]), normalized.subprocess]);
}
