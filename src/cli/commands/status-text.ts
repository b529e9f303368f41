import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { enginePaths } from '../../engine/engine-paths.ts';
import { NodeStore } from '../../research/node-store.ts';
import { readConfig } from '../../research/research-config.ts';
import { readRunState } from '../../research/run-state.ts';
import { computeStanding } from '../../research/run-standing.ts';

/** `autoresearch status <workdir>`: engine state, the experiment table and running jobs. */
export async function statusText(workdir: string): Promise<string> {
  const config = await readConfig(workdir);
  if (!config) throw new Error(`${join(workdir, 'config.json')} not found: ${workdir} is not an autoresearch workdir.`);
  const engine = JSON.parse(await readFile(enginePaths(workdir).state, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  const state = await readRunState(workdir);
  const nodes = (await NodeStore.open(workdir)).all();
  const standing = computeStanding(nodes, config);

  const lines = [
    `run ${config.run_name}  engine ${engine.status ?? 'not started'}  (queued ${engine.queued ?? 0}, running ${engine.running ?? 0}, completed ${engine.completed ?? 0}, failed ${engine.failed ?? 0})`,
    `agent ${config.agent.name}  max_concurrency ${config.max_concurrency}  iteration ${standing.iteration}/${config.max_iterations}  plateau ${standing.plateauCount}/${config.patience}`,
  ];
  if (standing.best && standing.bestValue !== undefined && standing.baselineValue !== undefined) {
    const ratio = standing.metric.higherIsBetter ? standing.bestValue / standing.baselineValue : standing.baselineValue / standing.bestValue;
    lines.push(`best ${standing.best.id}: ${standing.bestValue.toFixed(2)} ${standing.metric.key}, baseline ${standing.baselineValue.toFixed(2)} → ${ratio.toFixed(2)}×`);
  }
  if (state?.stop_reason) lines.push(`stopped planning: ${state.stop_reason} — ${state.stop_detail ?? ''}`);
  if (config.budget.usd !== undefined || config.budget.job_hours !== undefined) {
    lines.push(`budget: $${(state?.cost_usd ?? 0).toFixed(2)} of ${config.budget.usd ?? '∞'}, ${((state?.job_seconds ?? 0) / 3600).toFixed(2)} h of ${config.budget.job_hours ?? '∞'} job hours`);
  }

  lines.push('', pad(['#', 'experiment', 'phase', 'verdict', 'throughput', 'step ms', 'notes']));
  for (const node of nodes) {
    const m = node.metrics ?? {};
    const star = node.id === standing.best?.id ? '*' : '';
    lines.push(pad([String(node.order), node.id + star, node.phase, node.verdict, fmt(m.throughput_samples_per_s), fmt(m.steady_step_time_ms), (node.failure?.kind ?? node.notes).slice(0, 60)]));
  }
  const running = nodes.filter((node) => node.phase === 'running');
  lines.push('', `running jobs: ${running.length ? running.map((node) => `${node.job_name} (since ${node.started_at})`).join(', ') : 'none'}`);
  return lines.join('\n');
}

const WIDTHS = [4, 38, 11, 9, 11, 9, 0];
function pad(cells: string[]): string {
  return cells.map((cell, i) => (WIDTHS[i] ? cell.padEnd(WIDTHS[i]!) : cell)).join(' ');
}
function fmt(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(1);
}
