import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { CallRecorder } from '../cost/call-recorder.ts';

/** A request without the fields the session fills (model, output limit). */
export type SessionRequest = Omit<Anthropic.MessageCreateParamsNonStreaming, 'model' | 'max_tokens'>;

/**
 * Sends the requests of one operation: checks the budget before each, and prices and records
 * each response as it arrives. Retries of 429/529 and connection failures happen inside the SDK
 * (`maxRetries` on the client); what reaches here is the final answer or the final error.
 */
export class MessagesSession {
  readonly #transcript: string[] = [];
  #promptText = '';

  constructor(
    readonly client: Anthropic,
    readonly model: string,
    readonly maxTokens: number,
    readonly recorder: CallRecorder,
    readonly logger: Logger,
  ) {}

  /** Sends one request and returns the model's message. */
  async send(request: SessionRequest): Promise<Anthropic.Message> {
    await this.recorder.checkBudget();
    if (!this.#promptText) this.#promptText = promptTextOf(request);
    const startedMs = Date.now();

    const { data, request_id: requestId } = await this.client.messages
      .create({ ...request, model: this.model, max_tokens: this.maxTokens })
      .withResponse();
    const durationMs = Date.now() - startedMs;

    const record = await this.recorder.recordResponse({
      requestId: requestId ?? null,
      model: data.model || this.model,
      stopReason: data.stop_reason ?? null,
      usage: usageOf(data.usage),
      durationMs,
    });
    this.logger.debug({ requestId, durationMs, costUsd: record.costUsd, stopReason: data.stop_reason }, 'model request finished');
    this.#transcript.push(describeMessage(data));
    return data;
  }

  /** The system prompt and first user message, for `_prompt.md`. */
  get promptText(): string {
    return this.#promptText || '(no request was sent)';
  }

  /** The model's side of the exchange so far, as markdown, for `_output.md`. */
  get transcript(): string {
    return this.#transcript.join('\n\n---\n\n');
  }
}

function usageOf(usage: Anthropic.Usage) {
  const split = usage.cache_creation;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    // Without the TTL split every cache write is billed at the 5-minute rate.
    cacheWrite5mTokens: split ? split.ephemeral_5m_input_tokens : cacheWrite,
    cacheWrite1hTokens: split ? split.ephemeral_1h_input_tokens : 0,
  };
}

function describeMessage(message: Anthropic.Message): string {
  return message.content
    .map((block) => {
      if (block.type === 'text') return block.text;
      if (block.type === 'tool_use') return `**tool call** \`${block.name}\`\n\n\`\`\`json\n${JSON.stringify(block.input, null, 2)}\n\`\`\``;
      return `(${block.type} block)`;
    })
    .join('\n\n');
}

function promptTextOf(request: SessionRequest): string {
  const first = request.messages[0];
  const user = typeof first?.content === 'string' ? first.content : JSON.stringify(first?.content ?? '', null, 2);
  const system = typeof request.system === 'string' ? request.system : JSON.stringify(request.system ?? '');
  return `# System\n\n${system}\n\n# User\n\n${user}\n`;
}
