import type { Logger } from 'pino';
import type { CodingAgent } from '../platform/agent/coding-agent.ts';
import type { Artifacts } from '../platform/artifacts/artifacts.ts';
import type { Evidence } from '../platform/evidence/evidence.ts';
import type { SystemSampler } from '../platform/evidence/system-sampler.ts';
import type { Execution } from '../platform/execution/execution.ts';
import type { Workspace } from '../platform/workspace/workspace.ts';
import type { NodeStore } from './node-store.ts';
import type { ResearchConfig } from './research-config.ts';
import type { RunState } from './run-state.ts';

/** The capabilities the research workflow calls; each has local and remote implementations. */
export interface ResearchPlatform {
  workspace: Workspace;
  artifacts: Artifacts;
  execution: Execution;
  evidence: Evidence;
  agent: CodingAgent;
  /** Starts a sampler of the job's system metrics (CPU, GPU where present). */
  createSampler(): SystemSampler;
}

/** Everything an experiment task needs, shared by all tasks of one engine process. */
export interface ResearchContext {
  workdir: string;
  config: ResearchConfig;
  state: RunState;
  nodes: NodeStore;
  platform: ResearchPlatform;
  logger: Logger;
  /** Runs `work` while no other decision (verdicts, planning, ids) is being made. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Samplers of running jobs, by experiment id. */
  samplers: Map<string, SystemSampler>;
  /** Asks for the whole-run views (table, summary, pictures) to be refreshed soon. */
  refreshViews(): void;
  /** Records why the run stopped planning (or clears it). */
  setStopReason(reason: string | undefined, detail?: string): Promise<void>;
}
