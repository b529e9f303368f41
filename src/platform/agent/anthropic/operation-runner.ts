import { AnthropicError, APIError, type Anthropic } from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { FailureRecord } from '../../failure.ts';
import type { AgentOutcome } from '../coding-agent.ts';
import { CallRecorder, type CallRecorderOptions } from '../cost/call-recorder.ts';
import type { AgentOperation } from '../coding-agent.ts';
import { OPERATION_CATALOG } from '../operation-catalog.ts';
import { operationFailure } from '../operation-failure.ts';
import { MessagesSession } from './messages-session.ts';

/** Shared parts every operation run needs. */
export interface RunnerContext {
  readonly client: Anthropic;
  readonly model: string;
  readonly maxTokens: number;
  readonly logger: Logger;
  readonly recorderOptions: Omit<CallRecorderOptions, 'operation' | 'phase'>;
}

/**
 * Runs one operation in its own session and accounts for it: the API's final errors (after the
 * SDK's retries) become failure records of the operation's kind; the budget error and other
 * errors that must stop the run propagate. The log files are written either way.
 */
export async function runOperation<T>(
  context: RunnerContext,
  operation: AgentOperation,
  label: string,
  body: (session: MessagesSession) => Promise<AgentOutcome<T>>,
): Promise<AgentOutcome<T>> {
  const logPhase = OPERATION_CATALOG[operation].logPhase;
  const phase = label ? `${logPhase}_${label}` : logPhase;
  const recorder = new CallRecorder({ ...context.recorderOptions, operation, phase });
  const logger = context.logger.child({ operation, phase });
  const session = new MessagesSession(context.client, context.model, context.maxTokens, recorder, logger);

  let outcome: AgentOutcome<T>;
  try {
    outcome = await body(session);
  } catch (error) {
    if (!(error instanceof AnthropicError)) throw error;
    outcome = { ok: false, failure: apiFailure(operation, error) };
  }

  const failure = outcome.ok ? undefined : outcome.failure;
  await recorder.finish(session.promptText, outputText(session, outcome), failure);
  if (failure) logger.warn({ kind: failure.kind, failureMessage: failure.message }, 'agent operation failed');
  return outcome;
}

function outputText<T>(session: MessagesSession, outcome: AgentOutcome<T>): string {
  const result = outcome.ok ? outcome.value : outcome.failure;
  const heading = outcome.ok ? 'Result' : 'Failure';
  return `${session.transcript || '(no reply)'}\n\n---\n\n## ${heading}\n\n\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\`\n`;
}

function apiFailure(operation: AgentOperation, error: AnthropicError): FailureRecord {
  const status = error instanceof APIError ? error.status : undefined;
  const requestId = error instanceof APIError ? error.requestID : undefined;
  return operationFailure(operation, `The Anthropic API request failed${status ? ` with status ${status}` : ''}: ${error.message}`, {
    errorName: error.constructor.name,
    ...(status ? { status } : {}),
    ...(requestId ? { requestId } : {}),
  });
}
