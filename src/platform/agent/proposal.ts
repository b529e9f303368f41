import { z } from 'zod';

/**
 * Known data-loading practices a proposal can say it covers. The workflow counts which have been
 * tried, so a run does not stop before the standard moves were made. `other` is for a change
 * that fits none of them.
 */
export const BestPractice = z.enum([
  'subprocess_loading',
  'batch_size_tuning',
  'concurrency_tuning',
  'prefetch_tuning',
  'stage_split',
  'gc_tuning',
  'other',
]);
export type BestPractice = z.infer<typeof BestPractice>;

/** A knob value as a launch flag or environment variable would carry it. */
export const KnobValue = z.union([z.string(), z.number(), z.boolean()]);
export type KnobValue = z.infer<typeof KnobValue>;

/**
 * What a proposal changes: free-form code instructions for the agent that edits the source,
 * and/or knob settings (name → value) that are applied without touching code. Planners that do
 * not edit code propose knob settings only.
 */
export const ProposedChange = z.object({
  instructions: z
    .string()
    .optional()
    .describe('Precise instructions for the engineer who edits the code; omit for knob-only changes.'),
  knobs: z
    .record(z.string(), KnobValue)
    .optional()
    .describe('Knob settings, name to value, applied as declared in the search space.'),
});
export type ProposedChange = z.infer<typeof ProposedChange>;

/**
 * One proposed experiment. `parentId` is the experiment it builds on (its code and knobs are
 * the starting point), or null for the instrumented baseline. `repeatOf` marks a deliberate
 * repeat of an already measured experiment, to confirm a result against noise.
 */
export const Proposal = z
  .object({
    name: z.string().min(1).max(80).describe('Short name, a few words, unique in the run.'),
    hypothesis: z.string().min(1).describe('What should happen to throughput, and why.'),
    parentId: z.string().min(1).nullable().describe('Experiment to build on, or null for the baseline.'),
    change: ProposedChange,
    requiresRebuild: z.boolean().describe('True when the image must be rebuilt (code or dependency change).'),
    practices: z.array(BestPractice).describe('Known practices this experiment covers.'),
    repeatOf: z.string().min(1).optional().describe('Id of the experiment this deliberately repeats.'),
  })
  .refine((proposal) => hasSomeChange(proposal), {
    message: 'a proposal must carry change.instructions, change.knobs, or repeatOf',
    path: ['change'],
  });
export type Proposal = z.infer<typeof Proposal>;

function hasSomeChange(proposal: { change: ProposedChange; repeatOf?: string | undefined }): boolean {
  const hasInstructions = (proposal.change.instructions ?? '').trim().length > 0;
  const hasKnobs = Object.keys(proposal.change.knobs ?? {}).length > 0;
  return hasInstructions || hasKnobs || proposal.repeatOf !== undefined;
}
