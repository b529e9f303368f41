import { writeJsonDurably } from '../../../engine/durable-file.ts';
import type {
  AnalyzeRequest,
  AnswerRequest,
  ApplyChangesRequest,
  InstrumentRequest,
  PlanRequest,
  RepairStartupRequest,
  ReportRequest,
} from '../agent-requests.ts';
import type { AnalysisReply, AnswerReply, CodeChangeReply, PlanReply, ReportReply } from '../agent-replies.ts';
import type { AgentOperation, AgentOutcome, CodingAgent } from '../coding-agent.ts';
import { lastRecordedSequences, recordingPath, type Recording } from './recording.ts';

/**
 * Wraps another agent and writes each outcome as a recording the {@link ReplayAgent} can play
 * back. Numbering continues after the recordings already in the folder, so a resumed run
 * extends its recordings instead of overwriting them.
 */
export class RecordingAgent implements CodingAgent {
  readonly name: string;
  readonly canEditCode: boolean;
  #sequences: Promise<Map<AgentOperation, number>> | undefined;

  constructor(
    readonly inner: CodingAgent,
    readonly folder: string,
  ) {
    this.name = inner.name;
    this.canEditCode = inner.canEditCode;
  }

  instrument(request: InstrumentRequest): Promise<AgentOutcome<CodeChangeReply>> {
    return this.#record('instrument', () => this.inner.instrument(request));
  }

  applyChanges(request: ApplyChangesRequest): Promise<AgentOutcome<CodeChangeReply>> {
    return this.#record('applyChanges', () => this.inner.applyChanges(request));
  }

  repairStartup(request: RepairStartupRequest): Promise<AgentOutcome<CodeChangeReply>> {
    return this.#record('repairStartup', () => this.inner.repairStartup(request));
  }

  analyze(request: AnalyzeRequest): Promise<AgentOutcome<AnalysisReply>> {
    return this.#record('analyze', () => this.inner.analyze(request));
  }

  plan(request: PlanRequest): Promise<AgentOutcome<PlanReply>> {
    return this.#record('plan', () => this.inner.plan(request));
  }

  report(request: ReportRequest): Promise<AgentOutcome<ReportReply>> {
    return this.#record('report', () => this.inner.report(request));
  }

  answer(request: AnswerRequest): Promise<AgentOutcome<AnswerReply>> {
    return this.#record('answer', () => this.inner.answer(request));
  }

  async #record<T>(operation: AgentOperation, call: () => Promise<AgentOutcome<T>>): Promise<AgentOutcome<T>> {
    const sequence = await this.#claim(operation);
    const outcome = await call();
    await writeJsonDurably(recordingPath(this.folder, operation, sequence), recordingOf(operation, outcome));
    return outcome;
  }

  // Claimed before the call, so concurrent calls of one operation keep their call order.
  async #claim(operation: AgentOperation): Promise<number> {
    this.#sequences ??= lastRecordedSequences(this.folder);
    const sequences = await this.#sequences;
    const sequence = (sequences.get(operation) ?? 0) + 1;
    sequences.set(operation, sequence);
    return sequence;
  }
}

function recordingOf<T>(operation: AgentOperation, outcome: AgentOutcome<T>): Recording {
  if (!outcome.ok) return { operation, failure: outcome.failure };
  const value = outcome.value as Partial<CodeChangeReply>;
  if (Array.isArray(value.edits)) return { operation, reply: { summary: value.summary }, edits: value.edits };
  return { operation, reply: outcome.value };
}
