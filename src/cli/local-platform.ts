import { join } from 'node:path';
import type { Logger } from 'pino';
import { agentRegistry, defaultAgentName } from '../platform/agent/agent-registry.ts';
import type { CodingAgent } from '../platform/agent/coding-agent.ts';
import { CostLedger } from '../platform/agent/cost/cost-ledger.ts';
import { createArtifacts } from '../platform/artifacts/artifacts-registry.ts';
import { LocalEvidence } from '../platform/evidence/local-evidence.ts';
import { SystemSampler } from '../platform/evidence/system-sampler.ts';
import { createExecution } from '../platform/execution/execution-registry.ts';
import { createWorkspace } from '../platform/workspace/workspace-registry.ts';
import type { ResearchConfig } from '../research/research-config.ts';
import type { ResearchPlatform } from '../research/research-context.ts';

/**
 * The embedded platform: git worktrees, local subprocesses, metrics parsed from the job's logs,
 * and the agent named in config.json (offline unless configured otherwise).
 */
export function createLocalPlatform(workdir: string, config: ResearchConfig, logger: Logger): ResearchPlatform {
  return {
    workspace: createWorkspace('local', {
      sourceDir: config.source_dir,
      worktreesRoot: join(workdir, 'worktrees'),
      runId: config.run_name,
      ignoredPaths: [workdir],
      logger: logger.child({ capability: 'workspace' }),
    }),
    artifacts: createArtifacts('local', { timeoutMs: config.build_timeout_s * 1000, logger: logger.child({ capability: 'artifacts' }) }),
    execution: createExecution('local', { indexDir: join(workdir, 'engine', 'jobs'), logger: logger.child({ capability: 'execution' }) }),
    evidence: new LocalEvidence({ logger: logger.child({ capability: 'evidence' }) }),
    agent: createAgent(workdir, config, logger),
    createSampler: () => new SystemSampler({ cpu: { intervalMs: 500 } }),
  };
}

function createAgent(workdir: string, config: ResearchConfig, logger: Logger): CodingAgent {
  return agentRegistry.create(config.agent.name, {
    env: process.env,
    logger: logger.child({ capability: 'agent' }),
    logsDir: join(workdir, 'logs'),
    ledger: new CostLedger(join(workdir, 'logs', 'ledger.jsonl')),
    budget: { ...(config.budget.usd !== undefined && { maxUsd: config.budget.usd }), ...(config.budget.job_hours !== undefined && { maxJobHours: config.budget.job_hours }) },
    settings: {
      ...(config.agent.model && { model: config.agent.model }),
      ...(config.agent.replay_dir && { replayDir: config.agent.replay_dir }),
      ...(config.agent.name === 'offline' && { searchSpace: config.search_space, minEffectFraction: config.min_effect_pct / 100 }),
    },
  });
}

export { defaultAgentName };
