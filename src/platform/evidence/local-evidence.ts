import { pino, type Logger } from 'pino';

import { deriveSummary, batchSizeOf } from './derive-summary.ts';
import type { Evidence, EvidenceInput } from './evidence.ts';
import { MetricsWriteError } from './evidence-error.ts';
import { findMissingMetrics } from './evidence-failure.ts';
import type { EvidenceResult } from './evidence-result.ts';
import { ErrorSummaryReader, LogTail } from './log-excerpts.ts';
import { writeMetricsFiles, type MetricsFileContent } from './metrics-files.ts';
import { AutoresearchLineReader } from './parse-autoresearch-lines.ts';
import { readLogLines } from './read-log-lines.ts';
import { SpdlStatsReader } from './spdl-stats-reader.ts';
import { resolveWarmup, type WarmupOptions, type WarmupState } from './steady-state.ts';
import type { StepSample } from './step-sample.ts';

/** Options of {@link LocalEvidence}. */
export interface LocalEvidenceOptions extends WarmupOptions {
  /** Lines of each log kept for the analysis prompt. Default 200, at least 1. */
  readonly logTailLines?: number;
  /** Receives one info line per collection; silent by default. */
  readonly logger?: Logger;
}

/**
 * Collects a job's evidence from its log files on this machine: reads each log once, in
 * constant memory, parses the `[autoresearch]` lines and SPDL's stage statistics, derives the
 * headline figures, and writes the raw data under the job's metrics folder.
 *
 * @example
 * const evidence = new LocalEvidence({ logger });
 * const result = await evidence.collect({ stdoutPath, stderrPath, startedAtMs, endedAtMs,
 *   exitCode, system, metricsDir: 'workdir/runs/exp-3/metrics' });
 * if (result.failure) recordFailure(result.failure); else record(result.summary);
 */
export class LocalEvidence implements Evidence {
  readonly #warmup: WarmupState;
  readonly #logTailLines: number;
  readonly #logger: Logger;

  constructor(options: LocalEvidenceOptions = {}) {
    this.#warmup = resolveWarmup(options);
    this.#logTailLines = options.logTailLines ?? 200;
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  async collect(input: EvidenceInput): Promise<EvidenceResult> {
    const scan = await scanLogs(input, this.#logTailLines);
    const parsed = scan.autoresearch.readings();
    const readings = { ...parsed, steps: orderSteps(parsed.steps) };
    const spdl = scan.spdl.readings();
    const { metrics, stepTimeSpread } = deriveSummary({ ...input, readings, warmup: this.#warmup });
    const logPaths = [input.stdoutPath, input.stderrPath];
    const failure = findMissingMetrics(readings, { logPaths, exitCode: input.exitCode });

    const content: MetricsFileContent = compact({
      summary: metrics,
      stepTimeSpread,
      steps: readings.steps,
      stages: spdl.stages,
      stageReports: spdl.reports,
      system: input.system,
      batchSize: batchSizeOf(readings),
      counts: {
        markerLineCount: readings.markerLineCount,
        skippedLineCount: readings.skippedLineCount,
        skippedTokenCount: readings.skippedTokenCount,
        spdlReportCount: spdl.reports.length,
        spdlSkippedLineCount: spdl.skippedLineCount,
      },
      logTail: { stdout: scan.stdoutTail.lines(), stderr: scan.stderrTail.lines() },
      errorSummary: scan.errors.summary(),
      progressSeen: readings.markerLineCount + readings.skippedLineCount > 0,
      exitCode: input.exitCode,
      failure,
    });

    const files = await this.#write(input.metricsDir, content);
    this.#logger.info({ metricsDir: input.metricsDir, failure: failure?.kind, ...metrics }, 'evidence collected');
    const { stageReports: _reports, ...result } = content;
    return { ...result, files };
  }

  async #write(metricsDir: string, content: MetricsFileContent): Promise<string[]> {
    try {
      return await writeMetricsFiles(metricsDir, content);
    } catch (error) {
      throw new MetricsWriteError(metricsDir, { cause: error });
    }
  }
}

interface LogScan {
  readonly autoresearch: AutoresearchLineReader;
  readonly spdl: SpdlStatsReader;
  readonly errors: ErrorSummaryReader;
  readonly stdoutTail: LogTail;
  readonly stderrTail: LogTail;
}

/** One pass over each log feeds every reader; stdout first, as the step lines usually go there. */
async function scanLogs(input: EvidenceInput, tailLines: number): Promise<LogScan> {
  const scan: LogScan = {
    autoresearch: new AutoresearchLineReader(),
    spdl: new SpdlStatsReader(),
    errors: new ErrorSummaryReader(),
    stdoutTail: new LogTail(tailLines),
    stderrTail: new LogTail(tailLines),
  };

  const logs = [[input.stdoutPath, scan.stdoutTail], [input.stderrPath, scan.stderrTail]] as const;
  for (const [path, tail] of logs) {
    await readLogLines(path, (line) => {
      scan.autoresearch.push(line);
      scan.spdl.push(line);
      scan.errors.push(line);
      tail.push(line);
    });
  }
  return scan;
}

/**
 * Orders steps by step number when every step has one (stdout and stderr are read one after the
 * other, so arrival order alone could interleave them wrongly); otherwise keeps arrival order.
 */
function orderSteps(steps: readonly StepSample[]): StepSample[] {
  if (!steps.every((step) => step.step !== undefined)) return [...steps];
  return [...steps].sort((a, b) => a.step! - b.step!);
}

function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
