import { readFile } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import pino from 'pino';
import type { z } from 'zod';
import { AgentConfigurationError } from '../agent-errors.ts';
import {
  AnalyzeRequest,
  AnswerRequest,
  ApplyChangesRequest,
  InstrumentRequest,
  PlanRequest,
  RepairStartupRequest,
  ReportRequest,
  WorkspaceTarget,
} from '../agent-requests.ts';
import { AnalysisReply, AnswerReply, PlanReply, ReportReply, type CodeChangeReply } from '../agent-replies.ts';
import type { AgentOperation, AgentOutcome, CodingAgent } from '../coding-agent.ts';
import { OPERATION_CATALOG } from '../operation-catalog.ts';
import { operationFailure } from '../operation-failure.ts';
import * as values from '../operation-prompts.ts';
import { PathGuard, PathRefusedError } from '../path-guard.ts';
import { DEFAULT_PROMPTS_DIR, loadKnowledge, renderPrompt } from '../prompt-loader.ts';
import { WorktreeFiles } from '../worktree-files.ts';
import { resolveAnthropicOptions, type AnthropicAgentOptions, type AnthropicAgentState } from './anthropic-options.ts';
import { runEditLoop } from './edit-loop.ts';
import type { MessagesSession } from './messages-session.ts';
import { runOperation, type RunnerContext } from './operation-runner.ts';
import { callStructured } from './structured-call.ts';

type CodeContextBuilder = (context: values.CodeContext) => Record<string, string>;

/**
 * The coding agent backed by Claude through the Anthropic Messages API. Structured replies come
 * back as the input of a submit tool whose schema is derived from the reply's zod schema; code
 * changes are made through file tools confined to the experiment's source folder.
 *
 * @example
 * const agent = new AnthropicAgent({ apiKey, logger, logsDir: join(workdir, 'logs'), ledger });
 * const analysis = await agent.analyze({ experiment, metrics, logTail });
 */
export class AnthropicAgent implements CodingAgent {
  readonly name = 'anthropic';
  readonly canEditCode = true;
  readonly settings: AnthropicAgentState;
  readonly #context: RunnerContext;
  readonly #promptsDir: string;
  #knowledge: Promise<string> | undefined;

  constructor(options: AnthropicAgentOptions) {
    if (!options.apiKey) throw new AgentConfigurationError('apiKey', 'The anthropic agent needs an API key: set ANTHROPIC_API_KEY, or choose the offline agent.');
    this.settings = resolveAnthropicOptions(options);
    this.#promptsDir = options.promptsDir ?? DEFAULT_PROMPTS_DIR;
    const client = new Anthropic({
      apiKey: options.apiKey,
      maxRetries: this.settings.maxRetries,
      timeout: this.settings.timeoutMs,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    });
    this.#context = {
      client,
      model: this.settings.model,
      maxTokens: this.settings.maxTokens,
      logger: (options.logger ?? pino({ level: 'silent' })).child({ agent: 'anthropic', model: this.settings.model }),
      recorderOptions: { logsDir: options.logsDir, ledger: options.ledger, budget: options.budget },
    };
  }

  instrument(request: InstrumentRequest): Promise<AgentOutcome<CodeChangeReply>> {
    const parsed = InstrumentRequest.parse(request);
    return this.#codeChange('instrument', parsed.target, '', (context) => values.instrumentValues(context));
  }

  applyChanges(request: ApplyChangesRequest): Promise<AgentOutcome<CodeChangeReply>> {
    const parsed = ApplyChangesRequest.parse(request);
    return this.#codeChange('applyChanges', parsed.target, parsed.experiment.id, (context) => values.applyChangesValues(parsed, context));
  }

  async repairStartup(request: RepairStartupRequest): Promise<AgentOutcome<CodeChangeReply>> {
    const parsed = RepairStartupRequest.parse(request);
    if (parsed.attempt > parsed.maxAttempts) {
      const message = `Start-up repair attempt ${parsed.attempt} exceeds the limit of ${parsed.maxAttempts}; the experiment stays failed.`;
      return { ok: false, failure: operationFailure('repairStartup', message, { attempt: parsed.attempt }) };
    }
    return this.#codeChange('repairStartup', parsed.target, parsed.experiment.id, (context) => values.repairStartupValues(parsed, context));
  }

  async analyze(request: AnalyzeRequest): Promise<AgentOutcome<AnalysisReply>> {
    const parsed = AnalyzeRequest.parse(request);
    const knowledge = await this.#loadKnowledge();
    return this.#structured('analyze', parsed.experiment.id, 'submit_analysis', 'Submit the analysis of the experiment.', AnalysisReply, values.analyzeValues(parsed, knowledge));
  }

  async plan(request: PlanRequest): Promise<AgentOutcome<PlanReply>> {
    const parsed = PlanRequest.parse(request);
    const knowledge = await this.#loadKnowledge();
    const label = `iter${parsed.iteration}`;
    return this.#structured('plan', label, 'submit_plan', 'Submit the proposed experiments, or stop with a reason.', PlanReply, values.planValues(parsed, knowledge));
  }

  report(request: ReportRequest): Promise<AgentOutcome<ReportReply>> {
    const parsed = ReportRequest.parse(request);
    return this.#structured('report', '', 'submit_report', 'Submit the final report as markdown.', ReportReply, values.reportValues(parsed));
  }

  answer(request: AnswerRequest): Promise<AgentOutcome<AnswerReply>> {
    const parsed = AnswerRequest.parse(request);
    return this.#structured('answer', '', 'submit_answer', 'Submit the answer to the question.', AnswerReply, values.answerValues(parsed));
  }

  async #structured<S extends z.ZodType>(
    operation: AgentOperation,
    label: string,
    toolName: string,
    toolDescription: string,
    schema: S,
    templateValues: Record<string, string>,
  ): Promise<AgentOutcome<z.output<S>>> {
    const spec = OPERATION_CATALOG[operation];
    const system = await renderPrompt('system', {}, this.#promptsDir);
    const prompt = await renderPrompt(spec.template, templateValues, this.#promptsDir);
    const toolChoice = this.settings.toolChoice;

    return runOperation(this.#context, operation, label, async (session) => {
      const result = await callStructured(session, { system, prompt, toolName, toolDescription, schema, toolChoice });
      if (result.ok) return { ok: true, value: result.value };
      const message = `The reply did not match the expected ${toolName} schema after one repair attempt: ${result.problems.join('; ')}`;
      return { ok: false, failure: operationFailure(operation, message, { problems: result.problems }) };
    });
  }

  async #codeChange(
    operation: AgentOperation,
    target: z.output<typeof WorkspaceTarget>,
    label: string,
    buildValues: CodeContextBuilder,
  ): Promise<AgentOutcome<CodeChangeReply>> {
    const spec = OPERATION_CATALOG[operation];
    const files = new WorktreeFiles(new PathGuard(target.worktreeDir, target.sourceDir, target.protectedPaths));
    const system = await renderPrompt('system', {}, this.#promptsDir);

    return runOperation(this.#context, operation, label, async (session) => {
      const pipelineCode = await readPipeline(files, target.pipelineScript);
      if (pipelineCode === undefined) {
        return { ok: false, failure: operationFailure(operation, `The pipeline script ${target.pipelineScript} cannot be read inside the source folder ${target.sourceDir}.`) };
      }
      const context = { knowledge: await this.#loadKnowledge(), pipelineScript: target.pipelineScript, pipelineCode, protectedPaths: target.protectedPaths };
      const prompt = await renderPrompt(spec.template, buildValues(context), this.#promptsDir);
      return editOutcome(session, files, system, prompt, this.settings.maxEditTurns, operation);
    });
  }

  #loadKnowledge(): Promise<string> {
    this.#knowledge ??= loadKnowledge(this.#promptsDir);
    return this.#knowledge;
  }
}

async function editOutcome(
  session: MessagesSession,
  files: WorktreeFiles,
  system: string,
  prompt: string,
  maxTurns: number,
  operation: AgentOperation,
): Promise<AgentOutcome<CodeChangeReply>> {
  const loop = await runEditLoop(session, files, system, prompt, maxTurns);
  const details = { turns: loop.turns, changedFiles: files.changedFiles };
  if (!loop.ok) return { ok: false, failure: operationFailure(operation, `The code change was not completed: ${loop.problem}.`, details) };

  // A session that changed nothing has not carried out the change, whatever its summary says.
  if (files.edits.length === 0) {
    return { ok: false, failure: operationFailure(operation, `No file was changed. The agent said: ${loop.summary}`, details) };
  }
  return { ok: true, value: { summary: loop.summary, changedFiles: files.changedFiles, edits: [...files.edits] } };
}

async function readPipeline(files: WorktreeFiles, pipelineScript: string): Promise<string | undefined> {
  try {
    const { absolutePath } = await files.guard.resolve(pipelineScript);
    return await readFile(absolutePath, 'utf8');
  } catch (error) {
    if (error instanceof PathRefusedError || (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
