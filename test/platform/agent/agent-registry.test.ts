import { describe, expect, it } from 'vitest';
import { AgentConfigurationError, UnknownAgentError } from '../../../src/platform/agent/agent-errors.ts';
import { AgentRegistry, agentRegistry, defaultAgentName } from '../../../src/platform/agent/agent-registry.ts';
import { AnthropicAgent } from '../../../src/platform/agent/anthropic/anthropic-agent.ts';
import { ReplayAgent } from '../../../src/platform/agent/replay/replay-agent.ts';

describe('agent registry', () => {
  it('defaults to offline without an API key and to anthropic with one', () => {
    expect(defaultAgentName({})).toBe('offline');
    expect(defaultAgentName({ ANTHROPIC_API_KEY: '  ' })).toBe('offline');
    expect(defaultAgentName({ ANTHROPIC_API_KEY: 'sk-ant-x' })).toBe('anthropic');
  });

  it('lists the valid names when an unknown agent is requested', () => {
    const create = () => agentRegistry.create('gpt', { env: {} });
    expect(create).toThrow(UnknownAgentError);
    expect(create).toThrow('No agent named "gpt". Known agents: anthropic, offline, replay. Pick one of these with the agent setting.');
  });

  it('creates the anthropic agent from the environment and validated settings', () => {
    const agent = agentRegistry.create('anthropic', { env: { ANTHROPIC_API_KEY: 'sk-ant-x' }, settings: { model: 'claude-sonnet-5-5', maxEditTurns: 12 } });

    expect(agent).toBeInstanceOf(AnthropicAgent);
    expect((agent as AnthropicAgent).settings).toEqual({ model: 'claude-sonnet-5-5', maxTokens: 8192, maxRetries: 4, timeoutMs: 600_000, maxEditTurns: 12, toolChoice: 'auto' });
  });

  it('refuses to create the anthropic agent without a key', () => {
    expect(() => agentRegistry.create('anthropic', { env: {} })).toThrow(AgentConfigurationError);
  });

  it('rejects an out-of-range option, naming it', () => {
    expect(() => new AnthropicAgent({ apiKey: 'k', maxRetries: 11 })).toThrow('Option maxRetries must be an integer from 0 to 10; received 11.');
  });

  it('creates the replay agent from settings.replayDir', () => {
    expect(agentRegistry.create('replay', { env: {}, settings: { replayDir: '/rec' } })).toBeInstanceOf(ReplayAgent);
    expect(() => agentRegistry.create('replay', { env: {} })).toThrow('The replay agent needs settings.replayDir');
  });

  it('creates the offline agent, which plans without a key and edits no code', () => {
    const agent = agentRegistry.create('offline', { env: {} });
    expect(agent.name).toBe('offline');
    expect(agent.canEditCode).toBe(false);
    expect(agentRegistry.names()).toEqual(['anthropic', 'offline', 'replay']);
    expect(() => agentRegistry.create('offline', { env: {}, settings: { minEffectFraction: 2 } })).toThrow();
  });

  it('accepts new implementations by registration', () => {
    const registry = new AgentRegistry().register('replay', () => new ReplayAgent('/x'));
    registry.register('offline', () => new ReplayAgent('/y'));

    expect(registry.names()).toEqual(['offline', 'replay']);
    expect((registry.create('offline', { env: {} }) as ReplayAgent).folder).toBe('/y');
  });
});
