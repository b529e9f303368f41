import type { z } from 'zod';
import type { AgentFailureKind } from './agent-failure.ts';
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
  readonly failureKind: AgentFailureKind;
  /** Phase named in logs, log file names and failure records. */
  readonly phase: string;
  /** Prompt template in `prompts/` (without `.md`). */
  readonly template: string;
  /** Whether the operation edits files in a worktree. */
  readonly editsCode: boolean;
}

/** The operations and their fixed properties. */
export const OPERATION_CATALOG: Readonly<Record<AgentOperation, OperationSpec>> = {
  instrument: spec(InstrumentRequest, CodeChangeReply, 'instrumentation_failed', 'instrument', 'instrument', true),
  applyChanges: spec(ApplyChangesRequest, CodeChangeReply, 'code_change_failed', 'apply_changes', 'apply-changes', true),
  repairStartup: spec(RepairStartupRequest, CodeChangeReply, 'startup_repair_failed', 'repair_startup', 'repair-startup', true),
  analyze: spec(AnalyzeRequest, AnalysisReply, 'analysis_failed', 'analyze', 'analyze', false),
  plan: spec(PlanRequest, PlanReply, 'planning_failed', 'plan', 'plan', false),
  report: spec(ReportRequest, ReportReply, 'report_failed', 'report', 'report', false),
  answer: spec(AnswerRequest, AnswerReply, 'answer_failed', 'answer', 'answer', false),
};

function spec(
  request: z.ZodType,
  reply: z.ZodType,
  failureKind: AgentFailureKind,
  phase: string,
  template: string,
  editsCode: boolean,
): OperationSpec {
  return { request, reply, failureKind, phase, template, editsCode };
}
