import { z } from 'zod';
import { FailureRecordSchema } from '../platform/failure.ts';
import { BestPractice, ProposedChange } from '../platform/agent/proposal.ts';

/** The lifecycle of one experiment; the phase is persisted at every boundary. */
export const PhaseSchema = z.enum([
  'queued',
  'preparing',
  'building',
  'launching',
  'running',
  'collecting',
  'analyzing',
  'planning',
  'completed',
  'failed',
]);
export type Phase = z.output<typeof PhaseSchema>;

export const TERMINAL_PHASES: ReadonlySet<Phase> = new Set(['completed', 'failed']);
/** Phases after which the experiment's own measurement is recorded. */
export const MEASURED_PHASES: ReadonlySet<Phase> = new Set(['analyzing', 'planning', 'completed']);

/** Seeds are the roots of the tree: the unchanged pipeline, its compute floor, subprocess loading. */
export const SeedRoleSchema = z.enum(['baseline', 'headspace', 'subprocess', 'baseline_repeat']);
export type SeedRole = z.output<typeof SeedRoleSchema>;

/** How an experiment compares with the best before it. One definition, used everywhere. */
export const VerdictSchema = z.enum(['improved', 'no_gain', 'failed', 'pending']);
export type Verdict = z.output<typeof VerdictSchema>;

/** Parsed metrics of one run; a metric that could not be measured is absent, never zero. */
export const MeasuredMetricsSchema = z.object({
  throughput_samples_per_s: z.number().optional(),
  step_time_ms: z.number().optional(),
  steady_step_time_ms: z.number().optional(),
  ttfb_s: z.number().optional(),
  sm_util_pct: z.number().optional(),
  steady_sm_util_pct: z.number().optional(),
  cpu_util_pct: z.number().optional(),
  data_readiness_pct: z.number().optional(),
  duration_s: z.number().optional(),
  /** Relative spread of the per-step times (robust, percent), the within-run noise. */
  step_time_spread_pct: z.number().optional(),
  steps: z.number().optional(),
});
export type MeasuredMetrics = z.output<typeof MeasuredMetricsSchema>;

/**
 * One experiment: `engine/nodes/<id>/spec.json`. Its own folder is its source of truth, so
 * persisting one experiment costs the same however many exist.
 */
export const ExperimentNodeSchema = z.object({
  id: z.string().min(1),
  /** Experiment number in order of creation, from 0. */
  order: z.number().int().nonnegative(),
  name: z.string().min(1),
  parent_id: z.string().nullable(),
  seed: SeedRoleSchema.optional(),
  is_headspace: z.boolean().default(false),
  hypothesis: z.string().default(''),
  change: ProposedChange.default({}),
  /** The full knob setting this experiment runs with (empty when no search space is declared). */
  knobs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  subprocess: z.boolean().default(false),
  practices: z.array(BestPractice).default([]),
  requires_rebuild: z.boolean().default(true),
  repeat_of: z.string().optional(),
  change_summary: z.string().default(''),
  priority: z.number().default(0),
  phase: PhaseSchema.default('queued'),
  created_at: z.string(),
  base_commit: z.string().optional(),
  commit: z.string().optional(),
  worktree: z.string().optional(),
  image: z.string().optional(),
  launch_command: z.string().optional(),
  launch_env: z.record(z.string(), z.string()).default({}),
  job_name: z.string().optional(),
  launch_attempt: z.number().int().default(0),
  repair_attempt: z.number().int().default(0),
  started_at: z.string().optional(),
  /** How the job ended, as the execution capability reported it. */
  job_state: z.string().optional(),
  exit_code: z.number().int().optional(),
  ended_at: z.string().optional(),
  metrics: MeasuredMetricsSchema.optional(),
  verdict: VerdictSchema.default('pending'),
  /** Set when this run became the best only after its confirmation repeat agreed. */
  confirmed: z.boolean().default(false),
  failure: FailureRecordSchema.optional(),
  /** A failure after the measurement (analysis, planning): recorded without erasing the result. */
  followup_failure: FailureRecordSchema.optional(),
  findings: z.array(z.string()).default([]),
  bottleneck: z.string().optional(),
  /** The decision's one-line account (gain, margin, confirmation) or the failure's summary. */
  notes: z.string().default(''),
  /** Ids of the experiments planned from this one, saved before they are queued. */
  planned_children: z.array(z.string()).optional(),
  /** The experiment whose planning step created this one (to adopt it after a crash). */
  planned_by: z.string().optional(),
});
export type ExperimentNode = z.output<typeof ExperimentNodeSchema>;
export type ExperimentNodeInput = z.input<typeof ExperimentNodeSchema>;
