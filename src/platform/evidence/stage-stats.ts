import { z } from 'zod';

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

/** The identity fields every stage record carries; see `parseSpdlStageLabel`. */
const StageIdentitySchema = z.object({
  stage: z.string().min(1),
  pipelineId: count.optional(),
  stageId: z.string().optional(),
  functionName: z.string(),
  concurrency: count.optional(),
});

/**
 * The figures one SPDL report can carry. Times are converted to milliseconds, occupancy to a
 * percentage. Task reports fill the `task…` fields, queue reports the queue ones.
 */
const StageFiguresSchema = z.object({
  numTasks: count.optional(),
  numFailures: count.optional(),
  aveTaskTimeMs: ms.optional(),
  p90TaskTimeMs: ms.optional(),
  p99TaskTimeMs: ms.optional(),
  taskElapsedS: z.number().nonnegative().optional(),
  taskQps: z.number().nonnegative().optional(),
  numItems: count.optional(),
  queueElapsedS: z.number().nonnegative().optional(),
  queueQps: z.number().nonnegative().optional(),
  avePutWaitMs: ms.optional(),
  aveGetWaitMs: ms.optional(),
  p90PutWaitMs: ms.optional(),
  p90GetWaitMs: ms.optional(),
  p99PutWaitMs: ms.optional(),
  p99GetWaitMs: ms.optional(),
  occupancyPct: z.number().min(0).max(100).optional(),
});

/**
 * One statistics report as found in the output: a task line (`Completed … tasks`), a queue line
 * (`Processed … items`), or a single exported event (`pipeline:0:1:decode[4]_ave_time 0.012`).
 */
export const StageReportSchema = StageIdentitySchema.extend(StageFiguresSchema.shape).extend({
  kind: z.enum(['task', 'queue']),
  source: z.enum(['log', 'event']),
});

/** See {@link StageReportSchema}. */
export type StageReport = z.infer<typeof StageReportSchema>;

/**
 * A stage's figures after merging its reports: for each figure, the latest report that carried
 * it. SPDL prints interval reports (deltas) while running and a cumulative one when the stage
 * ends, so the latest is the final total when the job finished, and the most recent interval
 * when it did not.
 */
export const StageStatsSchema = StageIdentitySchema.extend(StageFiguresSchema.shape).extend({
  reportCount: count,
});

/** See {@link StageStatsSchema}. */
export type StageStats = z.infer<typeof StageStatsSchema>;

/** Merges reports into one record per stage, in order of each stage's first appearance. */
export function mergeStageReports(reports: readonly StageReport[]): StageStats[] {
  const byStage = new Map<string, StageStats>();

  for (const report of reports) {
    const { kind: _kind, source: _source, ...figures } = report;
    const previous = byStage.get(report.stage);
    byStage.set(report.stage, {
      ...previous,
      ...figures,
      reportCount: (previous?.reportCount ?? 0) + 1,
    });
  }
  return [...byStage.values()];
}
