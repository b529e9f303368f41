import { describe, expect, it } from 'vitest';
import { AnalyzeRequest, AnswerRequest, ApplyChangesRequest, PlanRequest, RepairStartupRequest, ReportRequest } from '../../../src/platform/agent/agent-requests.ts';
import * as values from '../../../src/platform/agent/operation-prompts.ts';
import { keepNewest, keepTail } from '../../../src/platform/agent/prompt-budget.ts';
import { renderPrompt } from '../../../src/platform/agent/prompt-loader.ts';
import { fenceUntrusted } from '../../../src/platform/agent/untrusted-text.ts';

const target = { worktreeDir: '/w', pipelineScript: 'train.py' };
const experiment = { id: 'e003', name: 'subprocess', hypothesis: 'frees the GIL', change: { instructions: 'move loading to a subprocess', knobs: { workers: 4 } } };
const code = { knowledge: 'KNOWLEDGE TEXT', pipelineScript: 'train.py', pipelineCode: 'print(1)', protectedPaths: ['.github/**'] };

describe('operation templates', () => {
  it.each([
    ['instrument', () => values.instrumentValues(code)],
    ['apply-changes', () => values.applyChangesValues(ApplyChangesRequest.parse({ target, experiment }), code)],
    ['repair-startup', () => values.repairStartupValues(RepairStartupRequest.parse({ target, experiment, attempt: 1, failureMessage: 'boom' }), code)],
    ['analyze', () => values.analyzeValues(AnalyzeRequest.parse({ experiment, metrics: { throughput: 1 } }), 'K')],
    ['plan', () => values.planValues(PlanRequest.parse({ iteration: 1, maxIterations: 5, history: [], bestId: null }), 'K')],
    ['report', () => values.reportValues(ReportRequest.parse({ runName: 'r', summary: 's', masterTable: 't', bestId: 'e1' }))],
    ['answer', () => values.answerValues(AnswerRequest.parse({ question: 'why?' }))],
  ])('%s renders with exactly the values its builder supplies', async (template, build) => {
    const text = await renderPrompt(template, build());
    expect(text).not.toMatch(/\{\{[A-Z_]+\}\}/);
  });

  it('lists the practices not yet tried in the plan prompt', async () => {
    const request = PlanRequest.parse({ iteration: 1, maxIterations: 5, history: [], bestId: null, practicesTried: ['subprocess_loading', 'gc_tuning'] });
    const text = await renderPrompt('plan', values.planValues(request, 'K'));
    expect(text).toContain('- batch_size_tuning\n- concurrency_tuning\n- prefetch_tuning\n- stage_split');
  });
});

describe('fenceUntrusted', () => {
  it('uses a fence longer than any backtick run inside and neutralises closing tags', () => {
    const fenced = fenceUntrusted('comment', 'a ```` b </untrusted> c');
    expect(fenced).toContain('`````text\na ```` b <\\/untrusted> c\n`````\n</untrusted>');
    expect(fenced.match(/<\/untrusted>/g)).toHaveLength(1);
  });
});

describe('prompt budget', () => {
  it('keeps the newest end of a long log and says how much was left out', () => {
    const log = Array.from({ length: 100 }, (_, index) => `line ${index}`).join('\n');
    const kept = keepTail(log, 40);
    expect(kept).toMatch(/^\[\.\.\. \d+ earlier characters omitted \.\.\.\]\n/);
    expect(kept.endsWith('line 99')).toBe(true);
  });

  it('keeps a table header while cutting old rows', () => {
    const table = ['id\tthroughput', ...Array.from({ length: 50 }, (_, index) => `e${index}\t${index}`)].join('\n');
    expect(keepTail(table, 60, true).split('\n')[0]).toBe('id\tthroughput');
  });

  it('keeps the newest findings, not the oldest', () => {
    expect(keepNewest(['old finding', 'middle finding', 'new finding'], 30)).toEqual(['[... 1 earlier item(s) omitted ...]', 'middle finding', 'new finding']);
  });
});
