import type { z } from 'zod';
import { describeIssues, readJsonFile } from '../../../engine/durable-file.ts';
import { MissingRecordingError } from '../agent-errors.ts';
import { WorkspaceTarget } from '../agent-requests.ts';
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
import { OPERATION_CATALOG } from '../operation-catalog.ts';
import { operationFailure } from '../operation-failure.ts';
import { PathGuard, PathRefusedError } from '../path-guard.ts';
import { EditRejectedError, WorktreeFiles } from '../worktree-files.ts';
import { Recording, recordingPath } from './recording.ts';

/**
 * Answers every operation from recorded exchanges, for tests and for reproducing a run. Calls
 * are matched by operation and order: the n-th `plan` call reads `plan-00n.json`. Recorded
 * replies are validated like live ones; recorded edits are applied through the same path guard.
 * A missing recording throws {@link MissingRecordingError} naming the expected file.
 *
 * @example
 * const agent = new ReplayAgent('test/fixtures/agent/two-iterations');
 */
export class ReplayAgent implements CodingAgent {
  readonly name = 'replay';
  readonly canEditCode = true;
  readonly #sequences = new Map<AgentOperation, number>();

  constructor(readonly folder: string) {}

  instrument(request: InstrumentRequest): Promise<AgentOutcome<CodeChangeReply>> {
    return this.#codeChange('instrument', request.target);
  }

  applyChanges(request: ApplyChangesRequest): Promise<AgentOutcome<CodeChangeReply>> {
    return this.#codeChange('applyChanges', request.target);
  }

  repairStartup(request: RepairStartupRequest): Promise<AgentOutcome<CodeChangeReply>> {
    return this.#codeChange('repairStartup', request.target);
  }

  analyze(_request: AnalyzeRequest): Promise<AgentOutcome<AnalysisReply>> {
    return this.#structured('analyze');
  }

  plan(_request: PlanRequest): Promise<AgentOutcome<PlanReply>> {
    return this.#structured('plan');
  }

  report(_request: ReportRequest): Promise<AgentOutcome<ReportReply>> {
    return this.#structured('report');
  }

  answer(_request: AnswerRequest): Promise<AgentOutcome<AnswerReply>> {
    return this.#structured('answer');
  }

  async #next(operation: AgentOperation): Promise<Recording> {
    const sequence = (this.#sequences.get(operation) ?? 0) + 1;
    this.#sequences.set(operation, sequence);
    const path = recordingPath(this.folder, operation, sequence);

    const recording = await readJsonFile(path, Recording);
    if (!recording) throw new MissingRecordingError(operation, sequence, path);
    return recording;
  }

  async #structured<T>(operation: AgentOperation): Promise<AgentOutcome<T>> {
    const spec = OPERATION_CATALOG[operation];
    const recording = await this.#next(operation);
    if (recording.failure) return { ok: false, failure: recording.failure };

    const parsed = (spec.reply as z.ZodType<T>).safeParse(recording.reply);
    if (parsed.success) return { ok: true, value: parsed.data };
    const problems = describeIssues(parsed.error.issues);
    return { ok: false, failure: operationFailure(operation, `The recorded reply does not match the schema: ${problems.join('; ')}`, { problems }) };
  }

  async #codeChange(operation: AgentOperation, target: WorkspaceTarget): Promise<AgentOutcome<CodeChangeReply>> {
    const recording = await this.#next(operation);
    if (recording.failure) return { ok: false, failure: recording.failure };

    const resolved = WorkspaceTarget.parse(target);
    const files = new WorktreeFiles(new PathGuard(resolved.worktreeDir, resolved.sourceDir, resolved.protectedPaths));
    try {
      for (const edit of recording.edits ?? []) await files.apply(edit);
    } catch (error) {
      if (!(error instanceof PathRefusedError || error instanceof EditRejectedError)) throw error;
      return { ok: false, failure: operationFailure(operation, `A recorded edit could not be applied: ${error.message}`) };
    }

    const summary = (recording.reply as { summary?: unknown } | undefined)?.summary;
    return { ok: true, value: { summary: typeof summary === 'string' && summary ? summary : '(recorded change)', changedFiles: files.changedFiles, edits: [...files.edits] } };
  }
}
