import type { Logger } from 'pino';
import { z } from 'zod';
import { AgentConfigurationError, UnknownAgentError } from './agent-errors.ts';
import { AnthropicAgent } from './anthropic/anthropic-agent.ts';
import type { CodingAgent } from './coding-agent.ts';
import type { BudgetLimits } from './cost/budget.ts';
import type { CostLedger } from './cost/cost-ledger.ts';
import { OfflineCodingAgent } from './offline/offline-coding-agent.ts';
import { searchSpaceSchema } from './offline/search-space.ts';
import { ReplayAgent } from './replay/replay-agent.ts';

/**
 * What a factory receives. Common services are typed; implementation-specific settings (a
 * model, a search space, a recordings folder) come in `settings` and each factory validates the
 * part it reads.
 */
export interface AgentFactoryOptions {
  /** Environment to read credentials from; pass `process.env` in production. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Folder for per-call log files, usually `<workdir>/logs`. */
  readonly logsDir?: string;
  readonly ledger?: CostLedger;
  readonly budget?: BudgetLimits;
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Builds an agent from options. */
export type AgentFactory = (options: AgentFactoryOptions) => CodingAgent;

/**
 * Maps agent names to factories. Built-in: `anthropic` and `replay`; further implementations
 * (the offline planner) register themselves with {@link AgentRegistry.register}.
 *
 * @example
 * agentRegistry.register('offline', (options) => new OfflinePlanner(options.settings));
 * const agent = agentRegistry.create(defaultAgentName(process.env), { env: process.env, logger });
 */
export class AgentRegistry {
  readonly #factories = new Map<string, AgentFactory>();

  /** Adds or replaces the factory for `name`. */
  register(name: string, factory: AgentFactory): this {
    this.#factories.set(name, factory);
    return this;
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.#factories.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#factories.keys()].sort();
  }

  /** Creates the agent named `name`; throws {@link UnknownAgentError} listing the valid names. */
  create(name: string, options: AgentFactoryOptions): CodingAgent {
    const factory = this.#factories.get(name);
    if (!factory) throw new UnknownAgentError(name, this.names());
    return factory(options);
  }
}

/** `anthropic` when an API key is in the environment, else `offline` (works without one). */
export function defaultAgentName(env: Readonly<Record<string, string | undefined>>): string {
  return env.ANTHROPIC_API_KEY?.trim() ? 'anthropic' : 'offline';
}

const AnthropicSettings = z.object({
  model: z.string().min(1).optional(),
  maxTokens: z.number().int().optional(),
  maxRetries: z.number().int().optional(),
  timeoutMs: z.number().int().optional(),
  maxEditTurns: z.number().int().optional(),
  toolChoice: z.enum(['forced', 'auto']).optional(),
  baseURL: z.string().optional(),
});

/** Creates the anthropic agent from `ANTHROPIC_API_KEY` and the `settings` it knows. */
export function createAnthropicAgent(options: AgentFactoryOptions): CodingAgent {
  const apiKey = options.env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey) throw new AgentConfigurationError('ANTHROPIC_API_KEY', 'The anthropic agent needs ANTHROPIC_API_KEY in the environment; without it, use the offline agent.');
  const settings = AnthropicSettings.parse(options.settings ?? {});
  return new AnthropicAgent({ ...definedOnly(settings), apiKey, ...definedOnly({ logger: options.logger, logsDir: options.logsDir, ledger: options.ledger, budget: options.budget }) });
}

/** Creates the replay agent from `settings.replayDir`. */
export function createReplayAgent(options: AgentFactoryOptions): CodingAgent {
  const folder = options.settings?.replayDir;
  if (typeof folder !== 'string' || folder === '') {
    throw new AgentConfigurationError('replayDir', 'The replay agent needs settings.replayDir: the folder of recorded exchanges to play back.');
  }
  return new ReplayAgent(folder);
}

/** The process-wide registry, with the built-in implementations. */
const OfflineSettings = z.object({
  searchSpace: searchSpaceSchema.optional(),
  minEffectFraction: z.number().min(0).max(1).optional(),
});

/**
 * Builds the offline agent. `settings.searchSpace` is the run's declared search space (without
 * one it can only stop); `settings.minEffectFraction` the smallest relative gain it counts.
 */
export function createOfflineAgent(options: AgentFactoryOptions): CodingAgent {
  const settings = OfflineSettings.parse(options.settings ?? {});
  return new OfflineCodingAgent(settings.searchSpace, definedOnly({ minEffectFraction: settings.minEffectFraction }));
}

export const agentRegistry = new AgentRegistry()
  .register('anthropic', createAnthropicAgent)
  .register('offline', createOfflineAgent)
  .register('replay', createReplayAgent);

function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
