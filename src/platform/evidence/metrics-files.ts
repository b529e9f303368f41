import { join } from 'node:path';

import { writeFileDurably, writeJsonDurably } from '../../engine/durable-file.ts';
import type { EvidenceResult } from './evidence-result.ts';
import type { StageReport } from './stage-stats.ts';
import { SUMMARY_METRIC_KEYS } from './summary-metrics.ts';

/** The evidence and raw data to persist, before the file list is known. */
export type MetricsFileContent = Omit<EvidenceResult, 'files'> & { readonly stageReports: StageReport[] };

const STEP_COLUMNS = [
  'step', 'stepTimeMs', 'fetchTimeMs', 'computeTimeMs', 'throughputSamplesPerS', 'batchSize',
] as const;
const STAGE_COLUMNS = [
  'stage', 'pipelineId', 'stageId', 'functionName', 'concurrency', 'reportCount', 'numTasks', 'numFailures',
  'aveTaskTimeMs', 'p90TaskTimeMs', 'p99TaskTimeMs', 'taskQps', 'numItems', 'queueQps', 'avePutWaitMs',
  'aveGetWaitMs', 'p90PutWaitMs', 'p90GetWaitMs', 'p99PutWaitMs', 'p99GetWaitMs', 'occupancyPct',
] as const;
const CPU_COLUMNS = [
  'atMs', 'intervalMs', 'processCount', 'cpuTimeMs', 'cpuUtilPctOfOneCore', 'cpuUtilPctOfAllCores',
] as const;
const GPU_COLUMNS = ['atMs', 'gpuIndex', 'smUtilPct', 'memoryUtilPct', 'memoryUsedMiB'] as const;

/**
 * Writes the raw data of one job's evidence under `metricsDir`, each file atomically:
 * `steps.tsv`, `stages.tsv`, `stages.json` (every report and the merged stages),
 * `system_cpu.tsv`, `system_gpu.tsv` (only when the GPU was measured) and `summary.json`.
 * Absent figures are empty TSV cells. Returns the paths written, `summary.json` last.
 */
export async function writeMetricsFiles(
  metricsDir: string,
  content: MetricsFileContent,
): Promise<string[]> {
  const files: Array<[string, string | object]> = [
    ['steps.tsv', toTsv(STEP_COLUMNS, content.steps)],
    ['stages.tsv', toTsv(STAGE_COLUMNS, content.stages)],
    ['stages.json', { stages: content.stages, reports: content.stageReports }],
    ['system_cpu.tsv', toTsv(CPU_COLUMNS, content.system?.cpu ?? [])],
  ];
  if (content.system?.gpu) files.push(['system_gpu.tsv', toTsv(GPU_COLUMNS, content.system.gpu)]);

  const paths = files.map(([name]) => join(metricsDir, name));
  const summaryPath = join(metricsDir, 'summary.json');
  await Promise.all(files.map(([name, data]) => write(join(metricsDir, name), data)));
  await writeJsonDurably(summaryPath, summaryOf(content, [...paths, summaryPath]));
  return [...paths, summaryPath];
}

/** Renders records as a TSV table with a header row; absent values are empty cells. */
export function toTsv<T extends object>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  const lines = [columns.join('\t'), ...rows.map((row) => columns.map((column) => cell(row[column])).join('\t'))];
  return `${lines.join('\n')}\n`;
}

function summaryOf(content: MetricsFileContent, files: string[]): object {
  const { steps: _steps, stages: _stages, stageReports: _reports, system, logTail: _tail, ...rest } = content;
  return {
    ...rest,
    // Keys in table order, so the file reads like a master_table row.
    summary: Object.fromEntries(
      SUMMARY_METRIC_KEYS.flatMap((key) => (key in content.summary ? [[key, content.summary[key]]] : [])),
    ),
    gpuUnavailableReason: system?.gpuUnavailableReason,
    files,
  };
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/[\t\r\n]+/g, ' ');
}

async function write(path: string, data: string | object): Promise<void> {
  if (typeof data === 'string') await writeFileDurably(path, data);
  else await writeJsonDurably(path, data);
}
