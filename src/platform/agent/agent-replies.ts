import { z } from 'zod';
import { Proposal } from './proposal.ts';

/** One edit the agent made, in the order made; enough to replay the change elsewhere. */
export const FileEdit = z.discriminatedUnion('type', [
  z.object({ type: z.literal('replace'), path: z.string().min(1), oldText: z.string(), newText: z.string() }),
  z.object({ type: z.literal('create'), path: z.string().min(1), content: z.string() }),
]);
export type FileEdit = z.infer<typeof FileEdit>;

/**
 * The result of a code-changing operation. `changedFiles` and `edits` come from the edit tools,
 * not from the model's own account; `summary` is the model's.
 */
export const CodeChangeReply = z.object({
  summary: z.string().min(1),
  changedFiles: z.array(z.string()),
  edits: z.array(FileEdit),
});
export type CodeChangeReply = z.infer<typeof CodeChangeReply>;

/** What the model submits to end an edit session. */
export const FinishEdits = z.object({
  summary: z.string().min(1).describe('What was changed and why, in a few sentences.'),
});
export type FinishEdits = z.infer<typeof FinishEdits>;

/** Where the time goes, as the analysis sees it. */
export const Bottleneck = z.object({
  stage: z.string().min(1).describe('Pipeline stage name, or "compute" / "unknown".'),
  kind: z.enum(['data_loading', 'compute', 'host_to_device', 'startup', 'unknown']),
  evidence: z.string().min(1).describe('The numbers that point there.'),
});
export type Bottleneck = z.infer<typeof Bottleneck>;

/** A fact established by the evidence, with the numbers behind it. */
export const Finding = z.object({
  statement: z.string().min(1),
  evidence: z.string().min(1),
});
export type Finding = z.infer<typeof Finding>;

/** The analysis of one experiment. */
export const AnalysisReply = z.object({
  summary: z.string().min(1),
  bottleneck: Bottleneck,
  hypothesisVerdict: z.enum(['confirmed', 'refuted', 'inconclusive', 'not_applicable']),
  verdictReason: z.string().min(1),
  findings: z.array(Finding),
});
export type AnalysisReply = z.infer<typeof AnalysisReply>;

/**
 * The plan: either proposals (at least one — an empty plan is never accepted silently) or a
 * stop with its reason.
 */
export const PlanReply = z
  .object({
    action: z.enum(['propose', 'stop']),
    reasoning: z.string().min(1),
    stopReason: z.string().optional().describe('Required when action is "stop".'),
    proposals: z.array(Proposal).describe('At least one when action is "propose"; empty when stopping.'),
  })
  .superRefine((plan, context) => {
    if (plan.action === 'propose' && plan.proposals.length === 0) {
      context.addIssue({ code: 'custom', path: ['proposals'], message: 'action "propose" needs at least one proposal' });
    }
    if (plan.action === 'stop' && !plan.stopReason?.trim()) {
      context.addIssue({ code: 'custom', path: ['stopReason'], message: 'action "stop" needs a stopReason' });
    }
  });
export type PlanReply = z.infer<typeof PlanReply>;

/** The final report, as markdown. */
export const ReportReply = z.object({ markdown: z.string().min(1) });
export type ReportReply = z.infer<typeof ReportReply>;

/** An answer to a question about the run. */
export const AnswerReply = z.object({ answer: z.string().min(1) });
export type AnswerReply = z.infer<typeof AnswerReply>;
