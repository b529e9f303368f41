import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../engine/durable-file.ts';
import type { AnalysisReply } from '../platform/agent/agent-replies.ts';
import type { EvidenceResult } from '../platform/evidence/evidence-result.ts';
import { fromAgentFailure } from './agent-failure-record.ts';
import type { ExperimentNode, MeasuredMetrics } from './experiment-node.ts';
import { briefOf, runDir } from './experiment-lifecycle.ts';
import { masterTableText } from './master-table.ts';
import { pipelineSource } from './plan-request.ts';
import type { ResearchContext } from './research-context.ts';
import { computeStanding } from './run-standing.ts';
import { judge } from './verdict.ts';
import { CONFIRM_Z, noiseMarginPct } from './noise-margin.ts';

/**
 * The `analyzing` phase. Code decides whether the experiment improved on the best (with the
 * noise margin); the agent then interprets the evidence (bottleneck, hypothesis, findings). An
 * analysis failure is recorded beside the result and never erases it.
 */
export async function analyzeExperiment(context: ResearchContext, node: ExperimentNode): Promise<void> {
  const note = await context.exclusive(() => decide(context, node));
  const evidence = await readEvidence(context, node);
  const standing = computeStanding(context.nodes.all(), context.config);
  const floorMs = await comparableFloorMs(context, evidence, standing.headspace);
  const parent = hypothesisParentOf(context, node, standing.baseline);

  const reply = await context.platform.agent.analyze({
    experiment: briefOf(node),
    metrics: numeric(node.metrics),
    baselineMetrics: {
      ...numeric(standing.baseline?.metrics),
      ...(floorMs !== undefined && { headspace_steady_step_time_ms: floorMs }),
    },
    ...(parent && {
      parentMetrics: numeric(parent.metrics),
      noiseMarginPct: noiseMarginPct(node, parent, context.nodes.all(), standing.metric, context.config.min_effect_pct, CONFIRM_Z),
    }),
    stageStats: stageTable(evidence),
    logTail: evidence ? evidence.logTail.stdout.slice(-60).join('\n') : '',
    masterTable: masterTableText(context.nodes.all(), standing.best?.id),
    source: [...(await pipelineSource(context, node)), ...(await changeDiff(context, node))],
  });

  const current = context.nodes.get(node.id)!;
  const analysis = reply.ok ? reply.value : undefined;
  await writeFileDurably(join(runDir(context, node), 'analysis.md'), analysisMarkdown(current, note, analysis, reply.ok ? undefined : reply.failure.message));
  await context.nodes.update(node.id, {
    phase: 'planning',
    ...(analysis && {
      findings: analysis.findings.map((finding) => `${finding.statement} (${finding.evidence})`),
      bottleneck: `${analysis.bottleneck.kind}: ${analysis.bottleneck.stage}`,
    }),
    ...(!reply.ok && { followup_failure: fromAgentFailure(reply.failure, 'analysis_failed', 'analysis') }),
  });
}

/**
 * The measured experiment a change is judged against: its parent, or the baseline for the
 * subprocess seed (a root of the tree that changes the baseline). The baseline, repeats and
 * headspace runs test no change of their own.
 */
function hypothesisParentOf(context: ResearchContext, node: ExperimentNode, baseline: ExperimentNode | undefined): ExperimentNode | undefined {
  if (node.seed === 'baseline' || node.repeat_of || node.is_headspace) return undefined;
  const parent = node.parent_id ? context.nodes.get(node.parent_id) : baseline;
  return parent?.metrics ? parent : undefined;
}

async function decide(context: ResearchContext, node: ExperimentNode): Promise<string> {
  const all = context.nodes.all();
  const standing = computeStanding(all, context.config);
  const judgement = judge(context.nodes.get(node.id)!, all, {
    metric: standing.metric,
    minEffectPct: context.config.min_effect_pct,
    confirmImprovements: context.config.confirm_improvements,
  });
  for (const update of judgement.updates) {
    await context.nodes.update(update.id, {
      verdict: update.verdict,
      ...(update.confirmed !== undefined && { confirmed: update.confirmed }),
      ...(update.note !== undefined && { notes: update.note }),
    });
  }
  await context.nodes.update(node.id, { notes: judgement.note });
  context.logger.info({ experiment: node.id, verdict: context.nodes.get(node.id)!.verdict, note: judgement.note }, 'experiment judged');
  return judgement.note;
}

/**
 * The headspace floor in step time, when it applies to this run: the floor was measured at the
 * baseline's batch size, and a step of another size has another floor.
 */
async function comparableFloorMs(
  context: ResearchContext,
  evidence: EvidenceResult | undefined,
  headspace: ExperimentNode | undefined,
): Promise<number | undefined> {
  const floorMs = headspace?.metrics?.steady_step_time_ms;
  if (!headspace || floorMs === undefined) return undefined;
  const floorEvidence = await readEvidence(context, headspace);
  return floorEvidence?.batchSize === evidence?.batchSize ? floorMs : undefined;
}

async function readEvidence(context: ResearchContext, node: ExperimentNode): Promise<EvidenceResult | undefined> {
  const text = await readFile(join(runDir(context, node), 'evidence.json'), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as EvidenceResult) : undefined;
}

/** The experiment's change against its parent, shown to the agent as one more file. */
async function changeDiff(context: ResearchContext, node: ExperimentNode): Promise<{ path: string; text: string }[]> {
  const text = await readFile(join(runDir(context, node), 'change.diff'), 'utf8').catch(() => '');
  return text.trim() ? [{ path: 'change.diff', text }] : [];
}

function numeric(metrics: MeasuredMetrics | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics ?? {}).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

function stageTable(evidence: EvidenceResult | undefined): string {
  if (!evidence?.stages.length) return '';
  const rows = evidence.stages.map((s) =>
    `| ${s.stage} | ${s.numTasks ?? ''} | ${s.numFailures ?? ''} | ${fmt(s.aveTaskTimeMs)} | ${fmt(s.taskQps)} | ${fmt(s.avePutWaitMs)} | ${fmt(s.aveGetWaitMs)} | ${fmt((s as { occupancyRate?: number }).occupancyRate)} |`,
  );
  return ['| stage | tasks | failures | ave task ms | qps | put wait ms | get wait ms | occupancy |', '|---|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

function fmt(value: number | undefined): string {
  return value === undefined ? '' : value.toFixed(2);
}

function analysisMarkdown(node: ExperimentNode, note: string, analysis: AnalysisReply | undefined, failure: string | undefined): string {
  const metrics = Object.entries(node.metrics ?? {}).map(([key, value]) => `| ${key} | ${Number(value).toFixed(3)} |`);
  const lines = [
    `# ${node.id}: ${node.name}`,
    '',
    `- Hypothesis: ${node.hypothesis || '(none)'}`,
    `- Verdict: **${node.verdict}** — ${note}`,
    '',
    '| metric | value |',
    '|---|---:|',
    ...metrics,
    '',
  ];
  if (analysis) {
    lines.push('## Analysis', '', analysis.summary, '');
    lines.push(`Bottleneck: **${analysis.bottleneck.kind}** (${analysis.bottleneck.stage}) — ${analysis.bottleneck.evidence}`, '');
    lines.push(`Hypothesis: **${analysis.hypothesisVerdict}** — ${analysis.verdictReason}`, '');
    if (analysis.findings.length) lines.push('## Findings', '', ...analysis.findings.map((f) => `- ${f.statement} (${f.evidence})`), '');
  }
  if (failure) lines.push('## Analysis failed', '', failure, '');
  return lines.join('\n');
}
