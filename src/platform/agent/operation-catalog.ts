import type { z } from 'zod';
import type { FailureKind, FailurePhase } from '../failure.ts';
import {
  AnalyzeRequest,
  AnswerRequest,
  ApplyChangesRequest,
  InstrumentRequest,
  PlanRequest,
  RepairStartupRequest,
  ReportRequest,
} from './agent-requests.ts';
import { AnalysisReply, AnswerReply, CodeChangeReply, PlanReply, ReportReply } from './agent-replies.ts';
import type { AgentOperation } from './coding-agent.ts';

/** What every implementation needs to know about an operation. */
export interface OperationSpec {
  /** Request schema; parsing it fills the defaults. */
  readonly request: z.ZodType;
  /** Schema of the validated reply. */
  readonly reply: z.ZodType;
  /** Failure kind recorded when the operation cannot produce a valid reply. */
  readonly failureKind: FailureKind;
  /** Experiment phase named in failure records. */
  readonly failurePhase: FailurePhase;
  /** Name of the operation in log lines and log file names (`<stamp>_<logPhase>_raw.json`). */
  readonly logPhase: string;
  /** Prompt template in `prompts/` (without `.md`). */
  readonly template: string;
  /** Whether the operation edits files in a worktree. */
  readonly editsCode: boolean;
}

/** The operations and their fixed properties. */
export const OPERATION_CATALOG: Readonly<Record<AgentOperation, OperationSpec>> = {
  instrument: spec(InstrumentRequest, CodeChangeReply, ['instrumentation_failed', 'setup'], 'instrument', 'instrument', true),
  applyChanges: spec(ApplyChangesRequest, CodeChangeReply, ['code_change_failed', 'prepare'], 'apply_changes', 'apply-changes', true),
  repairStartup: spec(RepairStartupRequest, CodeChangeReply, ['code_change_failed', 'launch'], 'repair_startup', 'repair-startup', true),
  analyze: spec(AnalyzeRequest, AnalysisReply, ['analysis_failed', 'analysis'], 'analyze', 'analyze', false),
  plan: spec(PlanRequest, PlanReply, ['planning_failed', 'planning'], 'plan', 'plan', false),
  // Run-level operations: their failures are shown to the person who asked (and, for the report,
  // written into it), never stored with an experiment.
  report: spec(ReportRequest, ReportReply, ['report_failed', 'report'], 'report', 'report', false),
  answer: spec(AnswerRequest, AnswerReply, ['answer_failed', 'report'], 'answer', 'answer', false),
};

function spec(
  request: z.ZodType,
  reply: z.ZodType,
  [failureKind, failurePhase]: [FailureKind, FailurePhase],
  logPhase: string,
  template: string,
  editsCode: boolean,
): OperationSpec {
  return { request, reply, failureKind, failurePhase, logPhase, template, editsCode };
}
