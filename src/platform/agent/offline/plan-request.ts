import { z } from 'zod';

import { configurationSchema } from './configuration.ts';
import { searchSpaceSchema } from './search-space.ts';

/**
 * A finished experiment as the planner sees it. `metric` is the primary metric with higher
 * better (the caller converts a step time); `noiseMargin` is, in the metric's own unit, the
 * difference below which two results count as equal. Repeats of one configuration (confirmation
 * runs) are averaged.
 */
export const finishedExperimentSchema = z.object({
  id: z.string().min(1),
  configuration: configurationSchema,
  status: z.enum(['completed', 'failed']),
  metric: z.number().finite().optional(),
  noiseMargin: z.number().finite().nonnegative().optional(),
  isHeadspace: z.boolean().default(false),
  isKept: z.boolean().default(false),
});

/**
 * Bounds on one planning call. `patience`: stop after this many finished experiments without a
 * kept improvement (at least 1). `remainingExperiments`: how many experiments may still be
 * started (0 stops with `max_iterations`). `maxProposals`: at most this many proposals, usually
 * the free concurrency slots (at least 1). `minEffectFraction`: the smallest relative gain that
 * counts even when the noise margin is smaller (default 0.02, between 0 and 1).
 */
export const plannerLimitsSchema = z.object({
  patience: z.number().int().positive(),
  remainingExperiments: z.number().int().nonnegative(),
  maxProposals: z.number().int().positive(),
  minEffectFraction: z.number().min(0).max(1).default(0.02),
});

/**
 * Everything one planning call needs; the planner keeps no state between calls. `history` is in
 * the order the experiments finished. `pending` holds configurations already proposed, queued or
 * running, which are never proposed again. `bestId` is the kept best (the highest metric is used
 * when it is absent). `seed` only breaks ties between equally promising moves.
 */
export const planRequestSchema = z.object({
  space: searchSpaceSchema,
  history: z.array(finishedExperimentSchema),
  pending: z.array(configurationSchema).default([]),
  bestId: z.string().optional(),
  experimentsSinceImprovement: z.number().int().nonnegative(),
  limits: plannerLimitsSchema,
  seed: z.number().int().default(0),
});

/** A finished experiment as the planner sees it. */
export type FinishedExperiment = z.output<typeof finishedExperimentSchema>;
/** Bounds on one planning call, with defaults filled in. */
export type PlannerLimits = z.output<typeof plannerLimitsSchema>;
/** A planning call's input, with defaults filled in. */
export type PlanRequest = z.output<typeof planRequestSchema>;
/** A planning call's input as a caller may write it (defaults optional). */
export type PlanRequestOptions = z.input<typeof planRequestSchema>;
