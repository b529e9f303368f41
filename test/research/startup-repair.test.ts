import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalPlatform } from '../../src/cli/local-platform.ts';
import { WorkEngine } from '../../src/engine/index.ts';
import type { PlanReply } from '../../src/platform/agent/agent-replies.ts';
import type { AgentOutcome, CodingAgent } from '../../src/platform/agent/coding-agent.ts';
import { OfflineCodingAgent } from '../../src/platform/agent/offline/offline-coding-agent.ts';
import type { ExperimentNode } from '../../src/research/experiment-node.ts';
import { initializeRun, resolveConfig } from '../../src/research/research-setup.ts';
import { ResearchWorkflow } from '../../src/research/research-workflow.ts';
import { createSandbox, inputsFor, readNodes, type Sandbox } from './research-fixture.ts';

/**
 * A code-editing agent scripted at the network boundary: it plans one code change whose edit
 * breaks the pipeline at start-up, then repairs it when asked. Analysis comes from the offline
 * agent. The files it writes are real, in the experiment's worktree.
 */
function scriptedAgent(): CodingAgent & { repairs: number } {
  const offline = new OfflineCodingAgent(undefined);
  let plans = 0;
  const agent = {
    name: 'scripted',
    canEditCode: true,
    repairs: 0,
    instrument: offline.instrument.bind(offline),
    analyze: offline.analyze.bind(offline),
    report: offline.report.bind(offline),
    answer: offline.answer.bind(offline),
    async plan(): Promise<AgentOutcome<PlanReply>> {
      plans += 1;
      if (plans > 1) return { ok: true, value: { action: 'stop', reasoning: 'done', stopReason: 'one change was enough', proposals: [] } };
      const proposal = { name: 'faster import', hypothesis: 'A lighter import speeds start-up.', parentId: '000_baseline', change: { instructions: 'Rewrite the imports.' }, requiresRebuild: true, practices: ['other' as const] };
      return { ok: true, value: { action: 'propose', reasoning: 'try it', proposals: [proposal] } };
    },
    async applyChanges(request: { target: { worktreeDir: string; sourceDir?: string; pipelineScript: string } }) {
      const path = join(request.target.worktreeDir, request.target.sourceDir ?? '.', request.target.pipelineScript);
      await writeFile(path, `import missing_module_for_the_test\n${await readFile(path, 'utf8')}`);
      return { ok: true as const, value: { summary: 'broke the imports', changedFiles: [request.target.pipelineScript], edits: [] } };
    },
    async repairStartup(request: { target: { worktreeDir: string; sourceDir?: string; pipelineScript: string }; logTail?: string }) {
      agent.repairs += 1;
      expect(request.logTail).toContain('missing_module_for_the_test');
      const path = join(request.target.worktreeDir, request.target.sourceDir ?? '.', request.target.pipelineScript);
      await writeFile(path, (await readFile(path, 'utf8')).replace('import missing_module_for_the_test\n', ''));
      return { ok: true as const, value: { summary: 'removed the bad import', changedFiles: [request.target.pipelineScript], edits: [] } };
    },
  };
  return agent as unknown as CodingAgent & { repairs: number };
}

let sandbox: Sandbox;
let nodes: ExperimentNode[];
let agent: ReturnType<typeof scriptedAgent>;

beforeAll(async () => {
  sandbox = await createSandbox();
  const inputs = inputsFor(sandbox, { max_iterations: 3, confirm_improvements: false });
  const config = await resolveConfig(inputs);
  const logger = pino({ level: 'silent' });
  agent = scriptedAgent();
  const platform = { ...createLocalPlatform(sandbox.workdir, config, logger), agent };
  await initializeRun(sandbox.workdir, config, platform);
  const workflow = await ResearchWorkflow.open({ workdir: sandbox.workdir, config, platform, logger, drawPictures: false });
  await new WorkEngine({ workdir: sandbox.workdir, workflow, maxConcurrency: 1, pollIntervalMs: 100 }).run();
  await workflow.close();
  nodes = await readNodes(sandbox.workdir);
}, 120_000);

afterAll(async () => {
  await sandbox?.remove();
});

it('repairs a change that fails at start-up in the same worktree, then builds and launches it again', async () => {
  const changed = nodes.find((node) => node.name === 'faster import')!;
  expect(agent.repairs).toBe(1);
  expect(changed).toMatchObject({ phase: 'completed', repair_attempt: 1, launch_attempt: 1, job_state: 'succeeded' });
  expect(changed.failure).toBeUndefined();
  expect(changed.metrics?.throughput_samples_per_s).toBeGreaterThan(0);

  const firstJob = await readFile(join(sandbox.workdir, 'runs', changed.id, 'job-0', 'stderr.log'), 'utf8').catch(() => '');
  const secondJob = await readFile(join(sandbox.workdir, 'runs', changed.id, 'job-1', 'stdout.log'), 'utf8').catch(() => '');
  expect(firstJob).toContain('missing_module_for_the_test');
  expect(secondJob).toContain('[autoresearch] step=0');
});
