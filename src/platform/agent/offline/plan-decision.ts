import { z } from 'zod';

import { configurationSchema } from './configuration.ts';

/** The known best practice a proposal covers. */
export const bestPracticeSchema = z.enum([
  'concurrency_tuning',
  'prefetch_tuning',
  'batch_size_tuning',
  'stage_split',
  'subprocess_loading',
  'parameter_tuning',
]);

/**
 * One proposed experiment: a full configuration that differs from its parent (the best it varies
 * from) in the knobs listed in `changedKnobs`. `name` reads like `num_threads_4` or
 * `batch_size_64+prefetch_4`; the subprocess switch appears as `subprocess_on` / `subprocess_off`.
 */
export const proposalSchema = z.object({
  name: z.string().min(1),
  configuration: configurationSchema,
  parentId: z.string().nullable(),
  hypothesis: z.string().min(1),
  changedKnobs: z.array(z.string()).min(1),
  bestPractice: bestPracticeSchema,
});

/** Why the planner ends the search. */
export const stopReasonSchema = z.enum(['plateau', 'space_exhausted', 'max_iterations']);

/**
 * The planner's answer: experiments to run; `wait` when every promising move is already running
 * and its result decides what comes next; or stop, with the reason and a sentence for people.
 */
export const planDecisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('propose'), proposals: z.array(proposalSchema).min(1) }),
  z.object({ action: z.literal('wait'), detail: z.string() }),
  z.object({ action: z.literal('stop'), reason: stopReasonSchema, detail: z.string() }),
]);

/** A known best practice. */
export type BestPractice = z.output<typeof bestPracticeSchema>;
/** One proposed experiment. */
export type Proposal = z.output<typeof proposalSchema>;
/** Why the search ends. */
export type StopReason = z.output<typeof stopReasonSchema>;
/** The planner's answer. */
export type PlanDecision = z.output<typeof planDecisionSchema>;
