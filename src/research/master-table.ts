import { join } from 'node:path';
import { writeFileDurably } from '../engine/durable-file.ts';
import { TERMINAL_PHASES, type ExperimentNode } from './experiment-node.ts';

/**
 * The columns of master_table.tsv: the original's, in its order, so tools written for it read
 * this one; columns added by this project come after them.
 */
export const MASTER_TABLE_COLUMNS = [
  'run_id',
  'name',
  'job_id',
  'status',
  'throughput_samples_per_s',
  'step_time_ms',
  'steady_step_time_ms',
  'ttfb_s',
  'sm_util_pct',
  'steady_sm_util_pct',
  'data_readiness_pct',
  'duration_s',
  'changes',
  'change_summary',
  'notes',
  'parent_id',
  'verdict',
  'is_best',
  'cpu_util_pct',
  'failure_kind',
] as const;

/** One row per finished experiment, in order of creation, as TSV text. */
export function masterTableText(nodes: readonly ExperimentNode[], bestId: string | undefined): string {
  const rows = nodes.filter((node) => TERMINAL_PHASES.has(node.phase)).map((node) => rowOf(node, node.id === bestId));
  return [MASTER_TABLE_COLUMNS.join('\t'), ...rows.map((row) => row.map(escapeCell).join('\t'))].join('\n') + '\n';
}

/** Rewrites `<workdir>/master_table.tsv` atomically from the experiments. */
export async function writeMasterTable(workdir: string, nodes: readonly ExperimentNode[], bestId: string | undefined): Promise<void> {
  await writeFileDurably(join(workdir, 'master_table.tsv'), masterTableText(nodes, bestId));
}

function rowOf(node: ExperimentNode, isBest: boolean): string[] {
  const m = node.metrics ?? {};
  const failure = node.failure;
  return [
    node.id,
    node.name,
    node.job_name ?? '',
    node.phase === 'failed' ? 'failed' : 'completed',
    num(m.throughput_samples_per_s, 1),
    num(m.step_time_ms, 2),
    num(m.steady_step_time_ms, 2),
    num(m.ttfb_s, 3),
    num(m.sm_util_pct, 1),
    num(m.steady_sm_util_pct, 1),
    num(m.data_readiness_pct, 1),
    num(m.duration_s, 1),
    describeChange(node),
    node.change_summary,
    failure ? `${failure.kind}: ${failure.message}` : node.notes,
    node.parent_id ?? '',
    node.verdict,
    isBest ? 'yes' : '',
    num(m.cpu_util_pct, 1),
    failure?.kind ?? '',
  ];
}

/** A readable account of what the experiment changed: knob settings and/or code instructions. */
export function describeChange(node: ExperimentNode): string {
  const parts: string[] = [];
  const knobs = Object.entries(node.change.knobs ?? {}).map(([name, value]) => `${name}=${String(value)}`);
  if (knobs.length) parts.push(knobs.join(' '));
  if (node.change.instructions) parts.push(node.change.instructions);
  if (node.repeat_of) parts.push(`repeat of ${node.repeat_of}`);
  return parts.join('; ') || node.hypothesis || node.name;
}

function num(value: number | undefined, digits: number): string {
  return value === undefined ? '' : value.toFixed(digits);
}

/** Tabs, newlines and backslashes would break the row: escape them. */
function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r?\n/g, '\\n');
}
