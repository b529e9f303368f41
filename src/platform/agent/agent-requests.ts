import { z } from 'zod';
import { BestPractice, KnobValue, ProposedChange } from './proposal.ts';

/**
 * Paths the agent may never change, as globs relative to the worktree root: workflow files,
 * the metrics harness and configuration. A request may replace the list.
 */
export const DEFAULT_PROTECTED_PATHS: readonly string[] = [
  '.github/**',
  '.git/**',
  '**/.git/**',
  '.autoresearch/**',
  '**/autoresearch_harness*',
  'autoresearch.config.*',
  '**/autoresearch.config.*',
];

/**
 * Where a code-changing operation works. `worktreeDir` is the experiment's own checkout;
 * `sourceDir` (relative to it) is the only folder the agent may touch; `pipelineScript` is
 * relative to `sourceDir`.
 */
export const WorkspaceTarget = z.object({
  worktreeDir: z.string().min(1),
  sourceDir: z.string().default('.'),
  pipelineScript: z.string().min(1),
  protectedPaths: z.array(z.string()).default([...DEFAULT_PROTECTED_PATHS]),
});
export type WorkspaceTarget = z.input<typeof WorkspaceTarget>;

/** The experiment a code change or an analysis is about. */
export const ExperimentBrief = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  hypothesis: z.string(),
  change: ProposedChange,
  parentId: z.string().nullable().default(null),
  isHeadspace: z.boolean().default(false),
});
export type ExperimentBrief = z.input<typeof ExperimentBrief>;

/** Add TTFB, per-step timing, core count and batch size lines to the pipeline. */
export const InstrumentRequest = z.object({ target: WorkspaceTarget });
export type InstrumentRequest = z.input<typeof InstrumentRequest>;

/** Carry out an experiment's planned code change in its worktree. */
export const ApplyChangesRequest = z.object({
  target: WorkspaceTarget,
  experiment: ExperimentBrief,
  parentSummary: z.string().default(''),
});
export type ApplyChangesRequest = z.input<typeof ApplyChangesRequest>;

/**
 * Fix a change that failed at start-up. `attempt` counts from 1; once it passes `maxAttempts`
 * the agent declines without calling a model. `logTail` is untrusted pipeline output.
 */
export const RepairStartupRequest = z
  .object({
    target: WorkspaceTarget,
    experiment: ExperimentBrief,
    attempt: z.number().int().min(1),
    maxAttempts: z.number().int().min(1).max(5).default(2),
    failureMessage: z.string(),
    logTail: z.string().default(''),
  });
export type RepairStartupRequest = z.input<typeof RepairStartupRequest>;

/** One pipeline source file shown to the model. */
export const SourceFile = z.object({ path: z.string().min(1), text: z.string() });
export type SourceFile = z.infer<typeof SourceFile>;

/**
 * Evidence about one finished experiment. Numbers were parsed by code (`metrics`,
 * `metricsTable`); the model interprets them. `logTail` and `stageStats` are pipeline output:
 * untrusted data.
 */
export const AnalyzeRequest = z.object({
  experiment: ExperimentBrief,
  metrics: z.record(z.string(), z.number()).default({}),
  metricsTable: z.string().default(''),
  baselineMetrics: z.record(z.string(), z.number()).default({}),
  /** The metrics of the experiment this one changed, to judge its hypothesis against. */
  parentMetrics: z.record(z.string(), z.number()).default({}),
  /** How far apart this run and its parent must be (percent) before a difference is more than noise. */
  noiseMarginPct: z.number().nonnegative().optional(),
  stageStats: z.string().default(''),
  logTail: z.string().default(''),
  masterTable: z.string().default(''),
  source: z.array(SourceFile).default([]),
});
export type AnalyzeRequest = z.input<typeof AnalyzeRequest>;

/** One finished experiment as the planner sees it. */
export const HistoryEntry = z.object({
  id: z.string().min(1),
  name: z.string(),
  parentId: z.string().nullable(),
  status: z.string(),
  change: ProposedChange,
  practices: z.array(BestPractice).default([]),
  metrics: z.record(z.string(), z.number()).default({}),
  verdict: z.string().default(''),
  isHeadspace: z.boolean().default(false),
});
export type HistoryEntry = z.input<typeof HistoryEntry>;

/** A knob the planner may set, as declared in the run's configuration. */
export const KnobDeclaration = z.object({
  name: z.string().min(1),
  values: z.array(KnobValue).optional(),
  range: z.object({ min: z.number(), max: z.number(), step: z.number().positive().optional() }).optional(),
  default: KnobValue.optional(),
  appliedAs: z.string().default(''),
});
export type KnobDeclaration = z.input<typeof KnobDeclaration>;

/**
 * Everything the planner needs, carried in the request so the call is stateless. `reviews` are
 * pull-request reviews and issue comments: untrusted text, quoted to the model as data.
 */
export const PlanRequest = z.object({
  iteration: z.number().int().min(0),
  maxIterations: z.number().int().min(1),
  maxProposals: z.number().int().min(1).max(10).default(3),
  patience: z.number().int().min(1).default(3),
  plateauCount: z.number().int().min(0).default(0),
  history: z.array(HistoryEntry),
  bestId: z.string().nullable(),
  baselineId: z.string().nullable().default(null),
  lastAnalysis: z.string().default(''),
  findings: z.array(z.string()).default([]),
  practicesTried: z.array(BestPractice).default([]),
  searchSpace: z.array(KnobDeclaration).default([]),
  canEditCode: z.boolean().default(true),
  masterTable: z.string().default(''),
  source: z.array(SourceFile).default([]),
  reviews: z.array(z.string()).default([]),
  notes: z.string().default(''),
});
export type PlanRequest = z.input<typeof PlanRequest>;

/** What the final report is written from. */
export const ReportRequest = z.object({
  runName: z.string().min(1),
  summary: z.string(),
  masterTable: z.string(),
  findings: z.array(z.string()).default([]),
  bestId: z.string().nullable(),
  baselineId: z.string().nullable().default(null),
  tree: z.string().default(''),
  stopReason: z.string().default(''),
});
export type ReportRequest = z.input<typeof ReportRequest>;

/** A question about the run. The question comes from an issue comment: untrusted text. */
export const AnswerRequest = z.object({
  question: z.string().min(1),
  status: z.string().default(''),
  masterTable: z.string().default(''),
  findings: z.array(z.string()).default([]),
});
export type AnswerRequest = z.input<typeof AnswerRequest>;
