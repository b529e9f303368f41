import type { FailureRecord } from '../failure.ts';
import type {
  AnalyzeRequest,
  AnswerRequest,
  ApplyChangesRequest,
  InstrumentRequest,
  PlanRequest,
  RepairStartupRequest,
  ReportRequest,
} from './agent-requests.ts';
import type { AnalysisReply, AnswerReply, CodeChangeReply, PlanReply, ReportReply } from './agent-replies.ts';

/**
 * What an operation ends in: its validated reply, or a failure record. Operations never throw
 * for a bad reply or an unreachable API; they throw only for conditions that must stop the run
 * (an exhausted budget, a missing recording, misuse).
 */
export type AgentOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: FailureRecord };

/** The operations, by name. Used for file names, prompt templates and failure records. */
export const AGENT_OPERATIONS = ['instrument', 'applyChanges', 'repairStartup', 'analyze', 'plan', 'report', 'answer'] as const;
export type AgentOperation = (typeof AGENT_OPERATIONS)[number];

/**
 * The coding-agent capability. Every call is stateless: the request carries everything the
 * implementation needs, so a run can stop, resume, or switch implementation between calls.
 *
 * Code-changing operations (`instrument`, `applyChanges`, `repairStartup`) edit files inside the
 * request's source folder only. An implementation that cannot edit code (a knob-only planner)
 * returns a failure record from them instead of pretending.
 *
 * @example
 * const agent = createAgent(defaultAgentName(process.env), { logger, logsDir });
 * const plan = await agent.plan(request);
 * if (!plan.ok) await store.recordFailure(plan.failure);
 */
export interface CodingAgent {
  /** Registry name of the implementation, e.g. `anthropic`. */
  readonly name: string;
  /** Whether this implementation can carry out code instructions (not only knob settings). */
  readonly canEditCode: boolean;

  instrument(request: InstrumentRequest): Promise<AgentOutcome<CodeChangeReply>>;
  applyChanges(request: ApplyChangesRequest): Promise<AgentOutcome<CodeChangeReply>>;
  repairStartup(request: RepairStartupRequest): Promise<AgentOutcome<CodeChangeReply>>;
  analyze(request: AnalyzeRequest): Promise<AgentOutcome<AnalysisReply>>;
  plan(request: PlanRequest): Promise<AgentOutcome<PlanReply>>;
  report(request: ReportRequest): Promise<AgentOutcome<ReportReply>>;
  answer(request: AnswerRequest): Promise<AgentOutcome<AnswerReply>>;
}
