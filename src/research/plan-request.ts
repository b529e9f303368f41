import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanRequest } from '../platform/agent/agent-requests.ts';
import { runFindings } from './run-findings.ts';
import type { ExperimentNode } from './experiment-node.ts';
import { masterTableText } from './master-table.ts';
import { noiseMarginPct } from './noise-margin.ts';
import { metricOf } from './primary-metric.ts';
import type { ResearchContext } from './research-context.ts';
import type { RunStanding } from './run-standing.ts';
import { effectiveMetric } from './verdict.ts';

/** Findings kept in a planning prompt; the newest are kept when there are more. */
const MAX_FINDINGS = 40;
/** The latest analysis is cut to this length in a planning prompt. */
const MAX_ANALYSIS_CHARS = 8000;

/**
 * Everything the planner needs, in one stateless request. Each history entry carries the full
 * knob setting (with the reserved `@subprocess` switch) and, in `metrics`, the primary metric
 * signed so that higher is better (`primary`) and the noise margin in the same unit
 * (`noise_margin`), so a planner needs no knowledge of which metric was chosen.
 */
export async function buildPlanRequest(context: ResearchContext, node: ExperimentNode, standing: RunStanding, maxProposals: number): Promise<PlanRequest> {
  const all = context.nodes.all();
  const best = standing.best;
  return {
    iteration: standing.iteration,
    maxIterations: context.config.max_iterations,
    maxProposals,
    patience: context.config.patience,
    plateauCount: standing.plateauCount,
    history: all.map((other) => historyEntry(other, all, standing)),
    bestId: best?.id ?? null,
    baselineId: standing.baseline?.id ?? null,
    lastAnalysis: (await analysisText(context, node)).slice(0, MAX_ANALYSIS_CHARS),
    findings: runFindings(all, MAX_FINDINGS),
    practicesTried: standing.practicesTried.filter(isPractice),
    searchSpace: (context.config.search_space?.knobs ?? []).map((knob) => ({
      name: knob.name,
      ...(knob.values && { values: knob.values }),
      ...(knob.range && { range: knob.range }),
      default: knob.default,
      appliedAs: knob.flag ? `flag ${knob.flag}` : `env ${knob.env}`,
    })),
    canEditCode: context.platform.agent.canEditCode,
    masterTable: masterTableText(all, best?.id),
    source: await pipelineSource(context, best ?? node),
    reviews: [],
    notes: context.config.notes,
  };
}

function historyEntry(node: ExperimentNode, all: readonly ExperimentNode[], standing: RunStanding) {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(node.metrics ?? {})) if (typeof value === 'number') metrics[key] = value;

  const value = node.verdict === 'improved' ? effectiveMetric(node, all, standing.metric) : metricOf(node, standing.metric);
  if (value !== undefined) {
    metrics.primary = standing.metric.higherIsBetter ? value : -value;
    const reference = standing.best ?? node;
    const marginPct = noiseMarginPct(node, reference, all, standing.metric, 0);
    metrics.noise_margin = (Math.abs(value) * marginPct) / 100;
  }
  return {
    id: node.id,
    name: node.name,
    parentId: node.parent_id,
    // An experiment being planned from (or still analysed) is measured: it is history, not pending.
    status: node.failure ? 'failed' : node.phase === 'planning' || node.phase === 'analyzing' ? 'completed' : node.phase,
    change: { ...node.change, knobs: { ...node.knobs, '@subprocess': node.subprocess } },
    practices: node.practices,
    metrics,
    verdict: node.verdict,
    isHeadspace: node.is_headspace,
  };
}

const PRACTICES = new Set(['subprocess_loading', 'batch_size_tuning', 'concurrency_tuning', 'prefetch_tuning', 'stage_split', 'gc_tuning', 'other']);
function isPractice(value: string): value is 'other' {
  return PRACTICES.has(value);
}

/** The analysis an experiment's analyzing step wrote, or '' when there is none. */
async function analysisText(context: ResearchContext, node: ExperimentNode): Promise<string> {
  return readFile(join(context.workdir, 'runs', node.id, 'analysis.md'), 'utf8').catch(() => '');
}

/** The pipeline script as the experiment ran it (its worktree), for agents that read code. */
export async function pipelineSource(context: ResearchContext, node: ExperimentNode): Promise<{ path: string; text: string }[]> {
  if (!node.worktree) return [];
  const path = context.config.pipeline_script;
  const text = await readFile(join(node.worktree, path), 'utf8').catch(() => '');
  return text ? [{ path, text }] : [];
}
