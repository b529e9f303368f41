import { describe, expect, it } from 'vitest';

import { parseSpdlStatsEvents } from '../../../src/platform/evidence/parse-spdl-stats-events.ts';
import { parseSpdlStatsLine } from '../../../src/platform/evidence/parse-spdl-stats-line.ts';
import { parseSpdlStageLabel } from '../../../src/platform/evidence/spdl-stage-label.ts';
import { parseSpdlStats } from '../../../src/platform/evidence/spdl-stats-reader.ts';
import { fixture } from './fixtures.ts';

describe('parseSpdlStatsLine', () => {
  it('reads a current task line behind a timestamped logger prefix', () => {
    const line =
      '2026-07-24 14:03:31,003 [I]: [0:1:decode[4]]\tCompleted  1024 tasks (  3 failed). Ave task time:   12.9 [ ms]. P90:   19.0 [ ms]. P99:   32.5 [ ms].';

    expect(parseSpdlStatsLine(line)).toEqual({
      stage: '0:1:decode[4]', pipelineId: 0, stageId: '1', functionName: 'decode', concurrency: 4,
      kind: 'task', source: 'log', numTasks: 1024, numFailures: 3,
      aveTaskTimeMs: 12.9, p90TaskTimeMs: 19, p99TaskTimeMs: 32.5,
    });
  });

  it('reads a current queue line, converting microseconds and seconds to milliseconds', () => {
    const line =
      '[0:3:sink_queue]\tProcessed   127 items in   30.1 [sec] (QPS:    4.2) Ave wait time: put:  236.0 [ ms], get (by next stage):    1.2 [sec]. P90: put:   80.0 [ us], get:    1.5 [sec]. P99: put:  410.0 [ ms], get:    1.9 [sec]. Occupancy rate: 12%';

    expect(parseSpdlStatsLine(line)).toEqual({
      stage: '0:3:sink', pipelineId: 0, stageId: '3', functionName: 'sink', kind: 'queue', source: 'log',
      numItems: 127, queueElapsedS: 30.1, queueQps: 4.2, avePutWaitMs: 236, aveGetWaitMs: 1200,
      p90PutWaitMs: 0.08, p90GetWaitMs: 1500, p99PutWaitMs: 410, p99GetWaitMs: 1900, occupancyPct: 12,
    });
  });

  it.each([
    ['2026-03 wording with percentiles', '[s]\tCompleted    10 tasks (  1 failed). Ave task time:    2.0 [ ms]. P90:    3.0 [ ms]. P99:    4.0 [ ms].',
      { numTasks: 10, numFailures: 1, aveTaskTimeMs: 2, p90TaskTimeMs: 3, p99TaskTimeMs: 4 }],
    ['2025-04 wording', '[s]\tCompleted    10 tasks (  1 failed). Ave task time:    2.0 [ ms].',
      { numTasks: 10, numFailures: 1, aveTaskTimeMs: 2 }],
    ['2025-02 wording with concurrency', '[s]\tCompleted    10 tasks (  1 failed). (Concurrency:   4). Ave task time:    2.0 [ ms].',
      { numTasks: 10, numFailures: 1, concurrency: 4, aveTaskTimeMs: 2 }],
    ['2024 wording with elapsed time and QPS', '[s]\tCompleted    10 tasks (  0 failed) in 2.5000 [sec]. QPS: 4.00 (Concurrency:   2). Average task time: 450.0000 [ ms].',
      { numTasks: 10, numFailures: 0, taskElapsedS: 2.5, taskQps: 4, concurrency: 2, aveTaskTimeMs: 450 }],
  ])('reads the task %s', (_variant, line, figures) => {
    const { stage: _s, functionName: _f, kind, source: _source, ...rest } = parseSpdlStatsLine(line)!;
    expect(kind).toBe('task');
    expect(rest).toEqual(figures);
  });

  it.each([
    ['2026-03 wording', '[q_queue]\tProcessed    10 items in    2.0 [sec] (QPS:    5.0) Ave wait time: put:    1.0 [ ms], get (by next stage):    2.0 [ ms]. P90: put:    3.0 [ ms], get:    4.0 [ ms]. P99: put:    5.0 [ ms], get:    6.0 [ ms]. Occupancy rate: 50%',
      { avePutWaitMs: 1, aveGetWaitMs: 2, p90PutWaitMs: 3, p90GetWaitMs: 4, p99PutWaitMs: 5, p99GetWaitMs: 6, occupancyPct: 50 }],
    ['"Occupation rate" wording', '[q_queue]\tProcessed    10 items in    2.0 [sec] (QPS:    5.0) Ave wait time: put:    1.0 [ ms], get (by next stage):    2.0 [ ms]. Occupation rate: 97%',
      { avePutWaitMs: 1, aveGetWaitMs: 2, occupancyPct: 97 }],
    ['2025-03 wording without occupancy', '[q_queue]\tProcessed    10 items in    2.0 [sec] (QPS:    5.0) Ave wait time: put:    1.0 [ ms], get (by next stage):    2.0 [ ms].',
      { avePutWaitMs: 1, aveGetWaitMs: 2 }],
    ['"Upstream (put)" wording', '[q_queue]\tProcessed    10 items in    2.0 [sec] (QPS:    5.0) Ave wait time: Upstream (put):    1.0 [ ms], Downstream (get):    2.0 [ ms].',
      { avePutWaitMs: 1, aveGetWaitMs: 2 }],
    ['"(upstream/put)" wording', '[q_queue]\tProcessed    10 items in 2.0 [sec]. QPS: 5.00. Ave wait time: 1.0 [ ms] (upstream/put), 2.0 [ ms] (downstream/get).',
      { avePutWaitMs: 1, aveGetWaitMs: 2 }],
    ['first wording, where upstream means the wait for data (get)', '[sink]\tProcessed    10 items in 2.0000 [sec]. QPS: 5.00. Average wait time: Upstream: 2.0000 [ ms], Downstream: 1.0000 [ ms].',
      { avePutWaitMs: 1, aveGetWaitMs: 2 }],
  ])('reads the queue %s', (_variant, line, figures) => {
    const report = parseSpdlStatsLine(line)!;
    expect(report).toMatchObject({ kind: 'queue', numItems: 10, queueElapsedS: 2, queueQps: 5, ...figures });
  });

  it('leaves out a figure printed as nan rather than reading it as zero', () => {
    const report = parseSpdlStatsLine('[sink]\tProcessed     3 items in 0.0009 [ ms]. QPS: nan. Average wait time: Upstream: 0.0674 [ ms], Downstream: 0.0007 [ ms].');

    expect(report).not.toHaveProperty('queueQps');
    expect(report?.numItems).toBe(3);
  });

  it.each([
    ['an unrelated line', 'epoch 0 done'],
    ['a torn task line', '[0:1:decode[4]]\tCompleted  10'],
    ['a bracketed logger prefix alone', '[INFO] [worker] started'],
  ])('returns undefined for %s', (_rule, line) => {
    expect(parseSpdlStatsLine(line)).toBeUndefined();
  });
});

describe('parseSpdlStageLabel', () => {
  it.each([
    ['0:1:decode[4]', { stage: '0:1:decode[4]', pipelineId: 0, stageId: '1', functionName: 'decode', concurrency: 4, isQueue: false }],
    ['0:1:decode[4]_queue', { stage: '0:1:decode[4]', pipelineId: 0, stageId: '1', functionName: 'decode', concurrency: 4, isQueue: true }],
    ['2:download', { stage: '2:download', stageId: '2', functionName: 'download', isQueue: false }],
    ['0:2:aggregate(8, drop_last=True)', { stage: '0:2:aggregate(8, drop_last=True)', pipelineId: 0, stageId: '2', functionName: 'aggregate(8, drop_last=True)', isQueue: false }],
    ['sink_queue', { stage: 'sink', functionName: 'sink', isQueue: true }],
  ])('splits %s', (label, identity) => {
    expect(parseSpdlStageLabel(label)).toEqual(identity);
  });
});

describe('parseSpdlStatsEvents', () => {
  it('reads several events on one line with seconds turned into milliseconds', () => {
    const reports = parseSpdlStatsEvents(
      'pipeline:0:1:download[96]_queue_qps=62.5 pipeline:0:1:download[96]_queue_put=1.62 pipeline:0:1:download[96]_queue_get=0.0001',
    );

    expect(reports.map(({ queueQps, avePutWaitMs, aveGetWaitMs }) => ({ queueQps, avePutWaitMs, aveGetWaitMs }))).toEqual([
      { queueQps: 62.5, avePutWaitMs: undefined, aveGetWaitMs: undefined },
      { queueQps: undefined, avePutWaitMs: 1620, aveGetWaitMs: undefined },
      { queueQps: undefined, avePutWaitMs: undefined, aveGetWaitMs: 0.1 },
    ]);
    expect(reports[0]).toMatchObject({ stage: '0:1:download[96]', concurrency: 96, kind: 'queue', source: 'event' });
  });

  it('reads the documented export spelling with quoted values and a ratio occupancy', () => {
    const reports = parseSpdlStatsEvents('{"0:2:collate_ave_time": "0.01598", "0:2:collate_queue_occupancy_rate": "0.12"}');

    expect(reports).toEqual([
      { stage: '0:2:collate', pipelineId: 0, stageId: '2', functionName: 'collate', kind: 'task', source: 'event', aveTaskTimeMs: 15.98 },
      { stage: '0:2:collate', pipelineId: 0, stageId: '2', functionName: 'collate', kind: 'queue', source: 'event', occupancyPct: 12 },
    ]);
  });

  it.each([
    ['a fractional count', 'pipeline:0:1:dl[2]_num_tasks 12.5'],
    ['a negative time', 'pipeline:0:1:dl[2]_ave_time -1'],
    ['a clock time', '2026-07-24 14:03:31 step_time 5'],
    ['an unknown suffix', 'pipeline:0:1:dl[2]_latency 5'],
  ])('skips %s', (_rule, line) => {
    expect(parseSpdlStatsEvents(line)).toEqual([]);
  });
});

describe('parseSpdlStats', () => {
  it('merges task and queue reports of the current wording into one record per stage, latest first', () => {
    const { stages, reports, skippedLineCount } = parseSpdlStats(fixture('spdl-stats-current.txt'));

    expect(reports).toHaveLength(9);
    expect(skippedLineCount).toBe(0);
    expect(stages.map((stage) => stage.stage)).toEqual(['0:1:decode[4]', '0:0:src', '0:2:aggregate(8, drop_last=True)', '0:3:sink']);
    expect(stages[0]).toMatchObject({ numTasks: 1024, numFailures: 3, aveTaskTimeMs: 12.9, numItems: 1021, aveGetWaitMs: 25, occupancyPct: 4, reportCount: 5 });
    expect(stages[2]?.aveTaskTimeMs).toBeCloseTo(0.0015, 6);
  });

  it.each([
    ['spdl-stats-2025-04.txt', 2, { stage: '2:download[32]', numTasks: 4096, numFailures: 17, avePutWaitMs: 1600, occupancyPct: 97 }],
    ['spdl-stats-2025-02.txt', 1, { stage: 'decode', concurrency: 4, aveTaskTimeMs: 20.5, avePutWaitMs: 12, aveGetWaitMs: 0.3 }],
    ['spdl-stats-2024.txt', 2, { stage: 'delay', taskQps: 9.81, taskElapsedS: 10.1984, aveTaskTimeMs: 101.3354 }],
    ['spdl-stats-events.txt', 2, { stage: '0:1:download[96]', numTasks: 375, numFailures: 2, aveTaskTimeMs: 275.3, occupancyPct: 97 }],
  ])('reads %s', (file, stageCount, firstStage) => {
    const { stages } = parseSpdlStats(fixture(file));

    expect(stages).toHaveLength(stageCount);
    expect(stages[0]).toMatchObject(firstStage);
  });

  it('counts a torn statistics line as skipped', () => {
    const { stages, skippedLineCount } = parseSpdlStats('[0:1:decode[4]]\tCompleted   12 tasks (  0 fai\n');

    expect(stages).toEqual([]);
    expect(skippedLineCount).toBe(1);
  });
});
