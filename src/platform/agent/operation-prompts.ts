import { z } from 'zod';
import {
  AnalyzeRequest,
  AnswerRequest,
  ApplyChangesRequest,
  ExperimentBrief,
  PlanRequest,
  RepairStartupRequest,
  ReportRequest,
  type SourceFile,
} from './agent-requests.ts';
import { BestPractice, type ProposedChange } from './proposal.ts';
import { keepNewest, keepTail } from './prompt-budget.ts';
import { fenceUntrusted } from './untrusted-text.ts';

/** Character limits that keep one prompt within a model's context; the newest text is kept. */
export const PROMPT_LIMITS = {
  logTailChars: 12_000,
  stageStatsChars: 12_000,
  masterTableChars: 16_000,
  historyChars: 24_000,
  findingsChars: 8_000,
  analysisChars: 8_000,
  sourceChars: 60_000,
} as const;

/** Values that every code-changing template shares. */
export interface CodeContext {
  readonly knowledge: string;
  readonly pipelineScript: string;
  readonly pipelineCode: string;
  readonly protectedPaths: readonly string[];
}

/** Placeholder values for `instrument.md`. */
export function instrumentValues(context: CodeContext): Record<string, string> {
  return {
    PIPELINE_SCRIPT: context.pipelineScript,
    PIPELINE_CODE: codeBlock(context.pipelineCode),
    PROTECTED_PATHS: listOf(context.protectedPaths),
  };
}

/** Placeholder values for `apply-changes.md`. */
export function applyChangesValues(request: z.output<typeof ApplyChangesRequest>, context: CodeContext): Record<string, string> {
  return {
    ...experimentValues(request.experiment),
    KNOWLEDGE: context.knowledge,
    PARENT_SUMMARY: request.parentSummary || '(builds on the instrumented baseline)',
    PIPELINE_SCRIPT: context.pipelineScript,
    PIPELINE_CODE: codeBlock(context.pipelineCode),
    PROTECTED_PATHS: listOf(context.protectedPaths),
  };
}

/** Placeholder values for `repair-startup.md`; the failure text is pipeline output, so fenced. */
export function repairStartupValues(request: z.output<typeof RepairStartupRequest>, context: CodeContext): Record<string, string> {
  return {
    ...experimentValues(request.experiment),
    KNOWLEDGE: context.knowledge,
    ATTEMPT: String(request.attempt),
    MAX_ATTEMPTS: String(request.maxAttempts),
    FAILURE: fenceUntrusted('start-up failure message', request.failureMessage),
    LOG_TAIL: fenceUntrusted('pipeline log tail', keepTail(request.logTail, PROMPT_LIMITS.logTailChars)),
    PIPELINE_SCRIPT: context.pipelineScript,
    PIPELINE_CODE: codeBlock(context.pipelineCode),
    PROTECTED_PATHS: listOf(context.protectedPaths),
  };
}

/** Placeholder values for `analyze.md`. */
export function analyzeValues(request: z.output<typeof AnalyzeRequest>, knowledge: string): Record<string, string> {
  return {
    ...experimentValues(request.experiment),
    KNOWLEDGE: knowledge,
    HEADSPACE_NOTE: request.experiment.isHeadspace ? headspaceNote() : 'This is a regular experiment.',
    METRICS: jsonBlock(request.metrics),
    BASELINE_METRICS: jsonBlock(request.baselineMetrics),
    PARENT_METRICS: jsonBlock(request.parentMetrics),
    NOISE_MARGIN: request.noiseMarginPct === undefined ? 'not yet measured' : `±${request.noiseMarginPct.toFixed(1)}%`,
    METRICS_TABLE: request.metricsTable || '(none)',
    STAGE_STATS: fenceUntrusted('per-stage statistics from the pipeline log', keepTail(request.stageStats, PROMPT_LIMITS.stageStatsChars)),
    LOG_TAIL: fenceUntrusted('pipeline log tail', keepTail(request.logTail, PROMPT_LIMITS.logTailChars)),
    MASTER_TABLE: keepTail(request.masterTable, PROMPT_LIMITS.masterTableChars, true) || '(empty)',
    SOURCE: sourceBlock(request.source),
  };
}

/** Placeholder values for `plan.md`. Reviews and comments are untrusted, so fenced. */
export function planValues(request: z.output<typeof PlanRequest>, knowledge: string): Record<string, string> {
  const remaining = BestPractice.options.filter((tag) => tag !== 'other' && !request.practicesTried.includes(tag));
  const history = keepNewest(request.history.map((entry) => JSON.stringify(entry)), PROMPT_LIMITS.historyChars);

  return {
    KNOWLEDGE: knowledge,
    ITERATION: String(request.iteration),
    MAX_ITERATIONS: String(request.maxIterations),
    MAX_PROPOSALS: String(request.maxProposals),
    PATIENCE: String(request.patience),
    PLATEAU_COUNT: String(request.plateauCount),
    BEST_ID: request.bestId ?? '(none yet)',
    BASELINE_ID: request.baselineId ?? '(none)',
    PRACTICES_TRIED: listOf(request.practicesTried),
    PRACTICES_REMAINING: listOf(remaining),
    CODE_POLICY: request.canEditCode ? 'Code changes are allowed (change.instructions).' : 'Code cannot be edited in this run: propose knob settings only.',
    SEARCH_SPACE: request.searchSpace.length ? jsonBlock(request.searchSpace) : '(no knobs declared)',
    HISTORY: codeBlock(history.join('\n'), 'jsonl'),
    LAST_ANALYSIS: keepTail(request.lastAnalysis, PROMPT_LIMITS.analysisChars) || '(none)',
    FINDINGS: listOf(keepNewest(request.findings, PROMPT_LIMITS.findingsChars)),
    MASTER_TABLE: keepTail(request.masterTable, PROMPT_LIMITS.masterTableChars, true) || '(empty)',
    SOURCE: sourceBlock(request.source),
    REVIEWS: request.reviews.length ? request.reviews.map((text, index) => fenceUntrusted(`review ${index + 1}`, text)).join('\n\n') : '(none)',
    NOTES: request.notes || '(none)',
  };
}

/** Placeholder values for `report.md`. */
export function reportValues(request: z.output<typeof ReportRequest>): Record<string, string> {
  return {
    RUN_NAME: request.runName,
    SUMMARY: request.summary || '(none)',
    MASTER_TABLE: keepTail(request.masterTable, PROMPT_LIMITS.masterTableChars, true) || '(empty)',
    FINDINGS: listOf(keepNewest(request.findings, PROMPT_LIMITS.findingsChars)),
    BEST_ID: request.bestId ?? '(none)',
    BASELINE_ID: request.baselineId ?? '(none)',
    TREE: request.tree || '(not given)',
    STOP_REASON: request.stopReason || '(not given)',
  };
}

/** Placeholder values for `answer.md`. The question is an issue comment: untrusted. */
export function answerValues(request: z.output<typeof AnswerRequest>): Record<string, string> {
  return {
    QUESTION: fenceUntrusted('question from an issue comment', request.question),
    STATUS: request.status || '(not given)',
    MASTER_TABLE: keepTail(request.masterTable, PROMPT_LIMITS.masterTableChars, true) || '(empty)',
    FINDINGS: listOf(keepNewest(request.findings, PROMPT_LIMITS.findingsChars)),
  };
}

function experimentValues(experiment: z.output<typeof ExperimentBrief>): Record<string, string> {
  return {
    EXPERIMENT_ID: experiment.id,
    EXPERIMENT_NAME: experiment.name,
    HYPOTHESIS: experiment.hypothesis || '(none given)',
    CHANGE: describeChange(experiment.change),
  };
}

function describeChange(change: ProposedChange): string {
  const lines: string[] = [];
  if (change.instructions?.trim()) lines.push(`Code instructions:\n${change.instructions.trim()}`);
  if (change.knobs && Object.keys(change.knobs).length) lines.push(`Knob settings:\n${jsonBlock(change.knobs)}`);
  return lines.join('\n\n') || '(no change: an unchanged run)';
}

function headspaceNote(): string {
  return 'This is the headspace run: its loader replays cached batches, so its step time is the compute floor, not a candidate configuration.';
}

function sourceBlock(files: readonly SourceFile[]): string {
  if (files.length === 0) return '(not included)';
  const text = files.map((file) => `### ${file.path}\n${codeBlock(file.text)}`).join('\n\n');
  return keepTail(text, PROMPT_LIMITS.sourceChars);
}

function listOf(items: readonly string[]): string {
  return items.length ? items.map((item) => `- ${item}`).join('\n') : '(none)';
}

function jsonBlock(value: unknown): string {
  return codeBlock(JSON.stringify(value, null, 2), 'json');
}

function codeBlock(text: string, language = ''): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}
