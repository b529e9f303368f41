import { buildHypothesisTreeMermaid } from '../render/hypothesis-tree-mermaid.ts';
import type { RunView } from '../render/run-view.ts';
import { describeChange } from './master-table.ts';
import { runFindings } from './run-findings.ts';
import type { ExperimentNode } from './experiment-node.ts';
import { gainPct } from './primary-metric.ts';
import { headspaceBounds } from './headspace-bounds.ts';
import type { RunState } from './run-state.ts';
import type { RunStanding } from './run-standing.ts';

/** Findings listed in summary.md; the newest are kept. */
const MAX_FINDINGS = 15;

/**
 * summary.md: the best so far against the baseline and the headspace floor, the table of
 * finished experiments, what runs and what waits, findings, and why the run stopped.
 */
export function summaryMarkdown(runName: string, nodes: readonly ExperimentNode[], standing: RunStanding, state: RunState, view: RunView): string {
  const lines = [`# autoresearch: ${runName}`, '', ...headline(standing), ''];
  lines.push(`- Experiments: ${nodes.length} (${standing.finished.length} finished, ${standing.inFlight.length} in flight), plateau count ${standing.plateauCount}`);
  if (state.stop_reason) lines.push(`- Stopped planning: **${state.stop_reason}** — ${state.stop_detail ?? ''}`);
  lines.push('', '## Experiments', '', ...experimentTable(nodes, standing), '');

  const running = standing.inFlight.filter((node) => node.phase !== 'queued');
  const queued = standing.inFlight.filter((node) => node.phase === 'queued');
  lines.push('## Running', '', ...(running.length ? running.map((n) => `- ${n.id} (${n.phase}): ${describeChange(n)}`) : ['(none)']), '');
  lines.push('## Queued', '', ...(queued.length ? queued.map((n) => `- ${n.id} (priority ${n.priority}): ${describeChange(n)}`) : ['(none)']), '');

  const findings = runFindings(nodes, MAX_FINDINGS).map((finding) => `- ${finding}`);
  lines.push('## Findings', '', ...(findings.length ? findings : ['(none yet)']), '');
  lines.push('## Hypothesis tree', '', '```mermaid', buildHypothesisTreeMermaid(view, { maxChars: 30_000 }), '```', '');
  return lines.join('\n');
}

function headline(standing: RunStanding): string[] {
  const { metric, baselineValue, bestValue, best } = standing;
  const unit = metric.key === 'throughput_samples_per_s' ? 'samples/s' : metric.key === 'duration_s' ? 's' : 'ms';
  if (baselineValue === undefined || bestValue === undefined || !best) return ['- Best so far: (no measured result yet)'];

  const speedup = metric.higherIsBetter ? bestValue / baselineValue : baselineValue / bestValue;
  const lines = [
    `- Primary metric: ${metric.key} (${metric.higherIsBetter ? 'higher' : 'lower'} is better)`,
    `- Baseline: ${baselineValue.toFixed(2)} ${unit}`,
    `- Best: **${bestValue.toFixed(2)} ${unit}** (${best.id}), ${speedup.toFixed(2)}× the baseline (${signed(gainPct(bestValue, baselineValue, metric))})`,
  ];
  return [...lines, ...headspaceBounds(standing, bestValue, unit).map((line) => `- ${line}`)];
}

function experimentTable(nodes: readonly ExperimentNode[], standing: RunStanding): string[] {
  const header = ['| # | experiment | status | verdict | throughput | steady step ms | readiness % | change | notes |', '|---:|---|---|---|---:|---:|---:|---|---|'];
  const rows = nodes.map((node) => {
    const m = node.metrics ?? {};
    const star = node.id === standing.best?.id ? ' ★' : '';
    return `| ${node.order} | ${node.id}${star} | ${node.phase} | ${node.verdict} | ${fmt(m.throughput_samples_per_s)} | ${fmt(m.steady_step_time_ms)} | ${fmt(m.data_readiness_pct)} | ${cell(node.change_summary || describeChange(node))} | ${cell(node.failure ? `${node.failure.kind}: ${node.failure.message}` : node.notes)} |`;
  });
  return [...header, ...rows];
}

const fmt = (value: number | undefined): string => (value === undefined ? '' : value.toFixed(1));
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 120);
const signed = (pct: number): string => `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
