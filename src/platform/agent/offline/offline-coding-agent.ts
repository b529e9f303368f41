import type { AnalysisReply, AnswerReply, CodeChangeReply, PlanReply, ReportReply } from '../agent-replies.ts';
import type { AnalyzeRequest, AnswerRequest, PlanRequest, ReportRequest } from '../agent-requests.ts';
import type { AgentOutcome, CodingAgent } from '../coding-agent.ts';
import { operationFailure } from '../operation-failure.ts';
import type { BestPractice as AgentPractice, Proposal as AgentProposal } from '../proposal.ts';
import type { Configuration } from './configuration.ts';
import { analyzeOffline } from './offline-analysis.ts';
import { planOffline } from './offline-planner.ts';
import type { PlanDecision, Proposal } from './plan-decision.ts';
import type { FinishedExperiment } from './plan-request.ts';
import type { SearchSpace } from './search-space.ts';

/** The knob name that carries the subprocess switch in history entries and proposals. */
export const SUBPROCESS_KNOB = '@subprocess';

/**
 * The default agent: no API key, no network, no code edits. It plans over the search space
 * declared in the run's configuration and analyses runs from their numbers alone.
 *
 * History entries are read as the research workflow writes them: `change.knobs` holds the full
 * knob setting with {@link SUBPROCESS_KNOB}; `metrics.primary` is the primary metric signed so
 * that higher is better, `metrics.noise_margin` the margin in the same unit. In an analysis
 * request, `baselineMetrics.headspace_steady_step_time_ms` carries the compute floor when known.
 */
export class OfflineCodingAgent implements CodingAgent {
  readonly name = 'offline';
  readonly canEditCode = false;

  constructor(
    private readonly space: SearchSpace | undefined,
    private readonly options: { minEffectFraction?: number; seed?: number } = {},
  ) {}

  async instrument(): Promise<AgentOutcome<CodeChangeReply>> {
    return declined('instrument', 'The offline agent cannot edit code, so it cannot add the [autoresearch] metric lines. Add them to the pipeline yourself (see README), or set ANTHROPIC_API_KEY to let the anthropic agent do it.');
  }

  async applyChanges(): Promise<AgentOutcome<CodeChangeReply>> {
    return declined('applyChanges', 'The offline agent carries out knob settings only; this experiment asks for a code change.');
  }

  async repairStartup(): Promise<AgentOutcome<CodeChangeReply>> {
    return declined('repairStartup', 'The offline agent cannot edit code to repair a start-up failure.');
  }

  async analyze(request: AnalyzeRequest): Promise<AgentOutcome<AnalysisReply>> {
    const m = request.metrics ?? {};
    const baseline = request.baselineMetrics ?? {};
    const analysis = analyzeOffline({
      metrics: {
        ...(m.steady_step_time_ms > 0 && { steadyStepTimeMs: m.steady_step_time_ms }),
        ...(m.throughput_samples_per_s > 0 && { throughputSamplesPerS: m.throughput_samples_per_s }),
        ...(m.data_readiness_pct !== undefined && { dataReadinessPct: Math.min(100, Math.max(0, m.data_readiness_pct)) }),
      },
      ...(baseline.steady_step_time_ms > 0 && { baselineStepTimeMs: baseline.steady_step_time_ms }),
      ...(baseline.headspace_steady_step_time_ms > 0 && { headspaceFloorMs: baseline.headspace_steady_step_time_ms }),
      ...comparisonWithParent(request, this.options.minEffectFraction ?? 0.02),
    });
    const kind = analysis.bottleneck === 'data_loading' || analysis.bottleneck === 'compute' ? analysis.bottleneck : 'unknown';
    return {
      ok: true,
      value: {
        summary: `Bottleneck judged from the numbers (${analysis.basis}): ${analysis.bottleneck}.`,
        bottleneck: { stage: analysis.bottleneckStage ?? kind, kind, evidence: analysis.findings[0] ?? 'no figures to compare' },
        hypothesisVerdict: HYPOTHESIS_VERDICTS[analysis.hypothesis],
        verdictReason: analysis.hypothesisReason ?? 'No change of its own to judge, or no measured parent to judge it against.',
        findings: analysis.findings.map((statement) => ({ statement, evidence: 'parsed metrics' })),
      },
    };
  }

  async plan(request: PlanRequest): Promise<AgentOutcome<PlanReply>> {
    if (!this.space) return { ok: true, value: { action: 'stop', reasoning: 'No search space is declared.', stopReason: 'no search space declared, so the offline planner has no knobs to try (give one with --search-space when starting a run, or search_space in config.json)', proposals: [] } };
    const decision = planOffline({
      space: this.space,
      history: request.history.filter((e) => e.status === 'completed' || e.status === 'failed').map((e) => this.#finished(e)),
      pending: request.history.filter((e) => e.status !== 'completed' && e.status !== 'failed').map((e) => this.#configuration(e.change.knobs)),
      ...(request.bestId && { bestId: request.bestId }),
      experimentsSinceImprovement: request.plateauCount ?? 0,
      limits: {
        patience: request.patience ?? 3,
        remainingExperiments: Math.max(0, request.maxIterations - request.iteration),
        maxProposals: request.maxProposals ?? 1,
        minEffectFraction: this.options.minEffectFraction ?? 0.02,
      },
      seed: this.options.seed ?? 0,
    });
    return { ok: true, value: toPlanReply(decision) };
  }

  async report(request: ReportRequest): Promise<AgentOutcome<ReportReply>> {
    return { ok: true, value: { markdown: request.summary } };
  }

  async answer(request: AnswerRequest): Promise<AgentOutcome<AnswerReply>> {
    return { ok: true, value: { answer: `The offline agent answers from the run's files only.\n\n${request.status}` } };
  }

  #finished(entry: PlanRequest['history'][number]): FinishedExperiment {
    const metrics = entry.metrics ?? {};
    return {
      id: entry.id,
      configuration: this.#configuration(entry.change.knobs),
      status: entry.status === 'failed' ? 'failed' : 'completed',
      ...(metrics.primary !== undefined && { metric: metrics.primary }),
      ...(metrics.noise_margin !== undefined && { noiseMargin: metrics.noise_margin }),
      isHeadspace: entry.isHeadspace ?? false,
      isKept: entry.verdict === 'improved',
    };
  }

  #configuration(knobs: Record<string, string | number | boolean> | undefined): Configuration {
    const { [SUBPROCESS_KNOB]: subprocess, ...rest } = knobs ?? {};
    const declared = Object.fromEntries(Object.entries(rest).filter(([name]) => this.space?.knobs.some((k) => k.name === name)));
    return { knobs: declared, subprocess: Boolean(subprocess) && this.space?.subprocess !== undefined };
  }
}

function toPlanReply(decision: PlanDecision): PlanReply {
  if (decision.action === 'stop') return { action: 'stop', reasoning: decision.detail, stopReason: `${decision.reason}: ${decision.detail}`, proposals: [] };
  // Nothing new to try until running experiments report: no proposals, and not a stop.
  if (decision.action === 'wait') return { action: 'propose', reasoning: decision.detail, proposals: [] } as unknown as PlanReply;
  return { action: 'propose', reasoning: 'coordinate search around the best configuration', proposals: decision.proposals.map(toProposal) };
}

function toProposal(proposal: Proposal): AgentProposal {
  return {
    name: proposal.name,
    hypothesis: proposal.hypothesis,
    parentId: proposal.parentId,
    change: { knobs: { ...proposal.configuration.knobs, [SUBPROCESS_KNOB]: proposal.configuration.subprocess } },
    requiresRebuild: false,
    practices: [practiceOf(proposal.bestPractice)],
  };
}

function practiceOf(practice: Proposal['bestPractice']): AgentPractice {
  return practice === 'parameter_tuning' ? 'other' : practice;
}

function declined(operation: 'instrument' | 'applyChanges' | 'repairStartup', message: string): AgentOutcome<CodeChangeReply> {
  return { ok: false, failure: operationFailure(operation, message) };
}

/** The offline analysis's word for a hypothesis, in the reply's terms. */
const HYPOTHESIS_VERDICTS = { held: 'confirmed', refuted: 'refuted', inconclusive: 'inconclusive', untested: 'not_applicable' } as const;

/**
 * The run against its parent on one metric where higher is better: throughput when both have
 * it, else the steady step time negated. None when the request carries no parent.
 */
function comparisonWithParent(request: AnalyzeRequest, minEffectFraction: number): { comparison?: { metric: number; parentMetric: number; noiseMargin: number; minEffectFraction: number } } {
  const own = request.metrics ?? {};
  const parent = request.parentMetrics ?? {};
  const pick = (key: string, sign: number) => (own[key]! > 0 && parent[key]! > 0 ? { metric: sign * own[key]!, parentMetric: sign * parent[key]! } : undefined);
  const pair = pick('throughput_samples_per_s', 1) ?? pick('steady_step_time_ms', -1);
  if (!pair) return {};
  const noiseMargin = ((request.noiseMarginPct ?? 0) / 100) * Math.abs(pair.parentMetric);
  return { comparison: { ...pair, noiseMargin, minEffectFraction } };
}
