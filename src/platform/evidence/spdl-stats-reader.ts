import { parseSpdlStatsEvents } from './parse-spdl-stats-events.ts';
import { parseSpdlStatsLine } from './parse-spdl-stats-line.ts';
import { mergeStageReports, type StageReport, type StageStats } from './stage-stats.ts';

/** What SPDL's statistics in a job's output said. */
export interface SpdlStatsReadings {
  /** Every report, in order of appearance. */
  readonly reports: StageReport[];
  /** One record per stage; see `mergeStageReports`. */
  readonly stages: StageStats[];
  /**
   * Lines that looked like SPDL statistics (`Completed … tasks`, `Processed … items`) but could
   * not be read, e.g. torn by a concurrent writer.
   */
  readonly skippedLineCount: number;
}

const LOOKS_LIKE_STATS = /\]\s+(?:Completed\s+\d+\s+tasks|Processed\s+\d+\s+items)/;

/**
 * Accumulates SPDL's per-stage statistics from output lines, one at a time: the log lines of
 * `TaskStatsHook` and `StatsQueue` in every released wording, and exported statistics events.
 *
 * @example
 * const reader = new SpdlStatsReader();
 * reader.push('[0:1:decode[4]]\tCompleted   120 tasks (  0 failed). Ave task time:   12.5 [ ms].');
 * reader.readings().stages[0]?.aveTaskTimeMs; // 12.5
 */
export class SpdlStatsReader {
  readonly #reports: StageReport[] = [];
  #skippedLineCount = 0;

  /** Feeds one line of output. */
  push(line: string): void {
    const report = parseSpdlStatsLine(line);
    if (report) {
      this.#reports.push(report);
      return;
    }

    if (LOOKS_LIKE_STATS.test(line)) {
      this.#skippedLineCount += 1;
      return;
    }
    if (/\d:/.test(line)) this.#reports.push(...parseSpdlStatsEvents(line));
  }

  /** What has been read so far. */
  readings(): SpdlStatsReadings {
    return {
      reports: [...this.#reports],
      stages: mergeStageReports(this.#reports),
      skippedLineCount: this.#skippedLineCount,
    };
  }
}

/** Reads a whole text at once with {@link SpdlStatsReader}. */
export function parseSpdlStats(text: string): SpdlStatsReadings {
  const reader = new SpdlStatsReader();
  for (const line of text.split(/\r?\n/)) reader.push(line);
  return reader.readings();
}
