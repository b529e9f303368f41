import { join } from 'node:path';
import { writeFileDurably } from '../engine/durable-file.ts';
import type { CodingAgent } from '../platform/agent/coding-agent.ts';
import { describeChange, masterTableText } from './master-table.ts';
import { runFindings } from './run-findings.ts';
import type { ExperimentNode } from './experiment-node.ts';
import { NodeStore } from './node-store.ts';
import { metricOf } from './primary-metric.ts';
import { headspaceBounds } from './headspace-bounds.ts';
import type { ResearchConfig } from './research-config.ts';
import { readRunState, type RunState } from './run-state.ts';
import { computeStanding, type RunStanding } from './run-standing.ts';
import { effectiveMetric } from './verdict.ts';

/**
 * Writes `<workdir>/final_report.md`: a report built from the data alone (what worked, what did
 * not, the path to the best, the headspace left), followed by the agent's synthesis when the
 * agent writes one (the offline agent does not add to the data).
 */
export async function writeFinalReport(workdir: string, config: ResearchConfig, agent: CodingAgent): Promise<string> {
  const nodes = (await NodeStore.open(workdir)).all();
  const standing = computeStanding(nodes, config);
  const state = await readRunState(workdir);
  let report = dataReport(config, nodes, standing, state);

  if (agent.name !== 'offline') {
    const reply = await agent.report({
      runName: config.run_name,
      summary: report,
      masterTable: masterTableText(nodes, standing.best?.id),
      findings: nodes.flatMap((node) => node.findings),
      bestId: standing.best?.id ?? null,
      baselineId: standing.baseline?.id ?? null,
      stopReason: state?.stop_reason ?? '',
    });
    report += reply.ok ? `\n## Synthesis (${agent.name} agent)\n\n${reply.value.markdown}\n` : `\n## Synthesis\n\nThe agent's synthesis failed: ${reply.failure.message}\n`;
  }
  const path = join(workdir, 'final_report.md');
  await writeFileDurably(path, report);
  return path;
}

/** The deterministic part of the final report. */
export function dataReport(config: ResearchConfig, nodes: readonly ExperimentNode[], standing: RunStanding, state: RunState | undefined): string {
  const { metric, best, baseline } = standing;
  const unit = metric.key === 'throughput_samples_per_s' ? 'samples/s' : metric.key === 'duration_s' ? 's' : 'ms';
  const value = (node: ExperimentNode | undefined) => (node ? effectiveMetric(node, nodes, metric) ?? metricOf(node, metric) : undefined);
  const baseValue = value(baseline);
  const bestValue = value(best);
  const lines = [`# Final report: ${config.run_name}`, ''];

  lines.push('## Result', '');
  if (baseValue !== undefined && bestValue !== undefined && best) {
    const speedup = metric.higherIsBetter ? bestValue / baseValue : baseValue / bestValue;
    lines.push(`- ${metric.key}: baseline ${baseValue.toFixed(2)} ${unit} → best ${bestValue.toFixed(2)} ${unit} (**${speedup.toFixed(2)}×**, ${best.id})`);
    // The full knob setting where the run has knobs; code changes are listed on the path below.
    const settings = Object.entries(best.knobs).map(([name, value]) => `${name}=${String(value)}`);
    if (best.subprocess) settings.push('loading in a subprocess');
    lines.push(`- Best configuration: ${settings.length ? settings.join(', ') : describeChange(best)}`);
  } else lines.push('- No measured improvement over a measured baseline.');
  lines.push(`- Experiments: ${nodes.length} (${nodes.filter((n) => n.phase === 'failed').length} failed); stop: ${state?.stop_reason ?? 'queue drained'}${state?.stop_detail ? ` — ${state.stop_detail}` : ''}`, '');

  lines.push('## Headspace', '', ...headspaceLines(standing, bestValue, unit), '');

  lines.push('## Path to the best', '');
  const path: ExperimentNode[] = [];
  for (let node = best; node; node = node.parent_id ? nodes.find((n) => n.id === node!.parent_id) : undefined) path.unshift(node);
  for (const node of path) lines.push(`1. ${node.id}: ${node.change_summary || describeChange(node)} — ${fmt(value(node))} ${unit}`);
  lines.push('');

  lines.push('## What worked', '', ...list(nodes.filter((n) => n.verdict === 'improved' && !n.seed).map((n) => `${n.id}: ${n.change_summary} (${n.notes})`)), '');
  lines.push('## What did not', '', ...list(nodes.filter((n) => n.verdict === 'no_gain' && !n.is_headspace && !n.repeat_of).map((n) => `${n.id}: ${n.change_summary} (${n.notes})`)), '');
  lines.push('## Failures', '', ...list(nodes.filter((n) => n.failure).map((n) => `${n.id}: ${n.failure!.kind} — ${n.failure!.message}`)), '');
  const findings = runFindings(nodes, 20);
  lines.push('## Findings', '', ...list(findings), '');
  return lines.join('\n');
}

const list = (items: string[]): string[] => (items.length ? items.map((item) => `- ${item}`) : ['(none)']);
const fmt = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(2));

/** The headspace measurements: how much of the baseline step loading cost, and the bounds. */
function headspaceLines(standing: RunStanding, bestValue: number | undefined, unit: string): string[] {
  const { headspace, baseline } = standing;
  const stepFloor = headspace?.metrics?.steady_step_time_ms;
  const stepBase = baseline?.metrics?.steady_step_time_ms;
  const lines = headspaceBounds(standing, bestValue, unit);
  if (lines.length === 0) return ['No headspace measurement.'];
  if (stepFloor !== undefined && stepBase !== undefined && stepBase > 0) {
    lines.push(`Data loading cost at most ${(((stepBase - stepFloor) / stepBase) * 100).toFixed(1)}% of the baseline step (${stepBase.toFixed(1)} ms → floor ${stepFloor.toFixed(1)} ms).`);
  }
  return lines;
}
