import type { Logger } from 'pino';
import type { BudgetLimits } from '../cost/budget.ts';
import type { CostLedger } from '../cost/cost-ledger.ts';

/**
 * Models that answer a forced `tool_choice` with a 400 error; they get `auto` and a firm prompt.
 * See https://platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5 ("Forced tool use
 * returns an error").
 */
export const MODELS_REJECTING_FORCED_TOOL_CHOICE: readonly string[] = ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-fable-5-1'];

/** Options of the anthropic agent. */
export interface AnthropicAgentOptions {
  /** API key; required (the environment is not read here, so tests and runs are explicit). */
  readonly apiKey: string;
  /** Model id. Default `claude-sonnet-5`. */
  readonly model?: string;
  /**
   * Output token limit per request. Default 8192; 1 to 21000. Requests are not streamed, and the
   * SDK refuses a non-streaming request whose limit implies more than ten minutes of output.
   */
  readonly maxTokens?: number;
  /**
   * Retries of one request on 408/409/429/5xx (529 overloaded included) and connection errors,
   * by the SDK, with exponential backoff that honours `retry-after`/`retry-after-ms`.
   * Default 4; 0 to 10.
   */
  readonly maxRetries?: number;
  /** Time limit of one request in ms. Default 600000 (10 minutes). */
  readonly timeoutMs?: number;
  /** Turn limit of a code-editing session. Default 40; 1 to 200. */
  readonly maxEditTurns?: number;
  /**
   * How structured replies are requested: `forced` names the submit tool in `tool_choice`;
   * `auto` offers it and asks for it in the prompt (for models that refuse forcing). Default:
   * `auto` for the models in {@link MODELS_REJECTING_FORCED_TOOL_CHOICE}, else `forced`.
   */
  readonly toolChoice?: 'forced' | 'auto';
  /** API base URL. Default `https://api.anthropic.com`. */
  readonly baseURL?: string;
  /** Logger; silent when absent. */
  readonly logger?: Logger;
  /** Folder for `<stamp>_<phase>_prompt.md`, `_output.md`, `_raw.json`; none written when absent. */
  readonly logsDir?: string;
  /** Run ledger that every priced request is appended to. */
  readonly ledger?: CostLedger;
  /** Limits checked (fail closed) before every request; needs `ledger`. */
  readonly budget?: BudgetLimits;
  /** Folder of prompt templates and knowledge. Default: the project's `prompts/`. */
  readonly promptsDir?: string;
}

/** Options with every default filled. */
export interface AnthropicAgentState {
  readonly model: string;
  readonly maxTokens: number;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly maxEditTurns: number;
  readonly toolChoice: 'forced' | 'auto';
}

/** Fills the defaults and checks the bounds of the numeric options. */
export function resolveAnthropicOptions(options: AnthropicAgentOptions): AnthropicAgentState {
  const model = options.model ?? 'claude-sonnet-5';
  return {
    model,
    maxTokens: bounded('maxTokens', options.maxTokens ?? 8192, 1, 21_000),
    maxRetries: bounded('maxRetries', options.maxRetries ?? 4, 0, 10),
    timeoutMs: bounded('timeoutMs', options.timeoutMs ?? 600_000, 1, 3_600_000),
    maxEditTurns: bounded('maxEditTurns', options.maxEditTurns ?? 40, 1, 200),
    toolChoice: options.toolChoice ?? (rejectsForcing(model) ? 'auto' : 'forced'),
  };
}

function rejectsForcing(model: string): boolean {
  return MODELS_REJECTING_FORCED_TOOL_CHOICE.some((id) => model === id || model.startsWith(`${id}-`));
}

function bounded(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Option ${option} must be an integer from ${min} to ${max}; received ${value}.`);
  }
  return value;
}
