import { parseSpdlStageLabel } from './spdl-stage-label.ts';
import type { StageReport } from './stage-stats.ts';

// SPDL formats durations as `<value> [<unit>]`, unit right-aligned in three columns: `[ us]`,
// `[ ms]`, `[sec]`; releases before 2025-01 wrote `%.4f` and had no microseconds. The value may
// be `nan` when a stage ran too briefly. Source: facebookresearch/spdl
// src/spdl/pipeline/_components/_common.py (`_time_str`).
const TIME = String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)\s*\[\s*(us|ms|sec)\s*\]`;
const NUM = String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)`;

// A stage label holds no brackets but its trailing `[concurrency]`, so a logger prefix such as
// `[INFO] ` before it is never taken for part of it. Names may hold spaces: `aggregate(4, …)`.
const LABEL = String.raw`((?:[^\[\]]|\[\d+\])+?)`;

// Task lines, every release (src/spdl/pipeline/_components/_hook.py, `TaskStatsHook._log_stats`):
//   2024-08  [%s]\tCompleted %5d tasks (%3d failed) in %.4f [%3s]. QPS: %.2f (Concurrency: %3d). Average task time: %.4f [%3s].
//   2025-02  [%s]\tCompleted %5d tasks (%3d failed). (Concurrency: %3d). Ave task time: %s.
//   2025-04  [%s]\tCompleted %5d tasks (%3d failed). Ave task time: %s.
//   2026-03  [%s]\tCompleted %5d tasks (%3d failed). Ave task time: %s. P90: %s. P99: %s.
const TASK_HEAD = new RegExp(String.raw`\[${LABEL}\]\s+Completed\s+(\d+)\s+tasks\s+\(\s*(\d+)\s+failed\)`);

// Queue lines (src/spdl/pipeline/_components/_queue.py, `StatsQueue._log_stats`):
//   2024-08  [%s]\tProcessed %5d items in %s. QPS: %.2f. Average wait time: Upstream: %s, Downstream: %s.
//   2025-02  [%s]\tProcessed %5d items in %s. QPS: %.2f. Ave wait time: %s (upstream/put), %s (downstream/get).
//   2025-02  [%s]\tProcessed %5d items in %s (QPS: %6.1f) Ave wait time: Upstream (put): %s, Downstream (get): %s.
//   2025-03  … Ave wait time: put: %s, get (by next stage): %s.
//   2025-04  … get (by next stage): %s. Occupation rate: %d%%   (renamed "Occupancy rate" later)
//   2026-03  … get (by next stage): %s. P90: put: %s, get: %s. P99: put: %s, get: %s. Occupancy rate: %d%%
const QUEUE_HEAD = new RegExp(String.raw`\[${LABEL}\]\s+Processed\s+(\d+)\s+items\s+in\s+${TIME}`);

/**
 * Parses one SPDL task or queue statistics log line, wherever it sits in the line (after a
 * timestamp or a `INFO:spdl…:` logger prefix). Returns `undefined` for any other line. Figures a
 * release did not print are absent from the report, never zero.
 */
export function parseSpdlStatsLine(line: string): StageReport | undefined {
  return parseTaskLine(line) ?? parseQueueLine(line);
}

function parseTaskLine(line: string): StageReport | undefined {
  const head = TASK_HEAD.exec(line);
  if (!head) return undefined;

  const rest = line.slice(head.index + head[0].length);
  const identity = labelFields(head[1]!);
  return compact({
    ...identity,
    kind: 'task',
    source: 'log',
    numTasks: Number(head[2]),
    numFailures: Number(head[3]),
    taskElapsedS: seconds(matchTime(rest, String.raw`^\s*in\s+`)),
    taskQps: finite(matchNumber(rest, String.raw`QPS:\s*`)),
    // Releases of 2024–2025 printed the concurrency; later ones carry it in the label only.
    concurrency: finite(matchNumber(rest, String.raw`Concurrency:\s*`)) ?? identity.concurrency,
    aveTaskTimeMs: matchTime(rest, String.raw`(?:Ave|Average) task time:\s*`),
    p90TaskTimeMs: matchTime(rest, String.raw`P90:\s*`),
    p99TaskTimeMs: matchTime(rest, String.raw`P99:\s*`),
  });
}

function parseQueueLine(line: string): StageReport | undefined {
  const head = QUEUE_HEAD.exec(line);
  if (!head) return undefined;

  const rest = line.slice(head.index + head[0].length);
  const occupancy = finite(matchNumber(rest, String.raw`Occup(?:ancy|ation) rate:\s*`));
  return compact({
    ...labelFields(head[1]!),
    kind: 'queue',
    source: 'log',
    numItems: Number(head[2]),
    queueElapsedS: seconds(toMs(head[3]!, head[4]!)),
    queueQps: finite(matchNumber(rest, String.raw`QPS:\s*`)),
    ...averageWaits(rest),
    p90PutWaitMs: matchTime(rest, String.raw`P90:\s*put:\s*`),
    p90GetWaitMs: matchTime(rest, String.raw`P90:\s*put:\s*${TIME},\s*get:\s*`, 2),
    p99PutWaitMs: matchTime(rest, String.raw`P99:\s*put:\s*`),
    p99GetWaitMs: matchTime(rest, String.raw`P99:\s*put:\s*${TIME},\s*get:\s*`, 2),
    occupancyPct: occupancy === undefined ? undefined : Math.min(100, Math.max(0, occupancy)),
  });
}

/** The wait times under each wording SPDL used; the first release said upstream for `get`. */
function averageWaits(rest: string): { avePutWaitMs?: number; aveGetWaitMs?: number } {
  const wordings: Array<[RegExp, 'put-get' | 'get-put']> = [
    [new RegExp(String.raw`put:\s*${TIME},\s*get \(by next stage\):\s*${TIME}`), 'put-get'],
    [new RegExp(String.raw`Upstream \(put\):\s*${TIME},\s*Downstream \(get\):\s*${TIME}`), 'put-get'],
    [new RegExp(String.raw`${TIME}\s*\(upstream/put\),\s*${TIME}\s*\(downstream/get\)`), 'put-get'],
    [new RegExp(String.raw`Upstream:\s*${TIME},\s*Downstream:\s*${TIME}`), 'get-put'],
  ];

  for (const [pattern, order] of wordings) {
    const match = pattern.exec(rest);
    if (!match) continue;
    const first = toMs(match[1]!, match[2]!);
    const second = toMs(match[3]!, match[4]!);
    return order === 'put-get'
      ? { avePutWaitMs: first, aveGetWaitMs: second }
      : { avePutWaitMs: second, aveGetWaitMs: first };
  }
  return {};
}

function labelFields(label: string) {
  const { isQueue: _isQueue, ...identity } = parseSpdlStageLabel(label);
  return identity;
}

function matchTime(text: string, prefix: string, groupOffset = 0): number | undefined {
  const match = new RegExp(prefix + TIME).exec(text);
  if (!match) return undefined;
  return toMs(match[1 + groupOffset]!, match[2 + groupOffset]!);
}

function matchNumber(text: string, prefix: string): number | undefined {
  const match = new RegExp(prefix + NUM).exec(text);
  return match ? Number(match[1]) : undefined;
}

function toMs(value: string, unit: string): number | undefined {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) return undefined;
  if (unit === 'us') return number / 1000;
  return unit === 'sec' ? number * 1000 : number;
}

function seconds(valueMs: number | undefined): number | undefined {
  return valueMs === undefined ? undefined : valueMs / 1000;
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function compact(record: Record<string, unknown>): StageReport {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries) as StageReport;
}
