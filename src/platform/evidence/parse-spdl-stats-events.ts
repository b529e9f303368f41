import { parseSpdlStageLabel } from './spdl-stage-label.ts';
import type { StageReport } from './stage-stats.ts';

type Figure = 'aveTaskTimeMs' | 'numTasks' | 'numFailures' | 'queueQps' | 'avePutWaitMs'
  | 'aveGetWaitMs' | 'numItems' | 'occupancyPct';

interface SuffixMeaning {
  readonly figure: Figure;
  readonly kind: StageReport['kind'];
  /** Factor from the exported unit (seconds, ratio) to the report's unit (ms, percent). */
  readonly scale: number;
}

// Exported statistics are named `<stage label>_<suffix>`, optionally behind `pipeline:`, with
// times in seconds and occupancy as a 0–1 ratio. Two spellings exist: the event stream
// (`pipeline:0:1:download[96]_ave_time`, `_put`, `_get`, `_occupation_rate`) and SPDL's
// documented exports (`0:1:10ms_queue_ave_get_time`, `2:download_queue_put`,
// `_queue_occupancy_rate`). See facebookresearch/spdl docs/source/_static/data/*.json.
const SUFFIXES: Record<string, SuffixMeaning> = {
  queue_occupancy_rate: { figure: 'occupancyPct', kind: 'queue', scale: 100 },
  queue_occupation_rate: { figure: 'occupancyPct', kind: 'queue', scale: 100 },
  queue_ave_put_time: { figure: 'avePutWaitMs', kind: 'queue', scale: 1000 },
  queue_ave_get_time: { figure: 'aveGetWaitMs', kind: 'queue', scale: 1000 },
  queue_num_items: { figure: 'numItems', kind: 'queue', scale: 1 },
  queue_qps: { figure: 'queueQps', kind: 'queue', scale: 1 },
  queue_put: { figure: 'avePutWaitMs', kind: 'queue', scale: 1000 },
  queue_get: { figure: 'aveGetWaitMs', kind: 'queue', scale: 1000 },
  occupancy_rate: { figure: 'occupancyPct', kind: 'queue', scale: 100 },
  occupation_rate: { figure: 'occupancyPct', kind: 'queue', scale: 100 },
  num_failures: { figure: 'numFailures', kind: 'task', scale: 1 },
  num_tasks: { figure: 'numTasks', kind: 'task', scale: 1 },
  num_items: { figure: 'numItems', kind: 'queue', scale: 1 },
  ave_time: { figure: 'aveTaskTimeMs', kind: 'task', scale: 1000 },
  qps: { figure: 'queueQps', kind: 'queue', scale: 1 },
  put: { figure: 'avePutWaitMs', kind: 'queue', scale: 1000 },
  get: { figure: 'aveGetWaitMs', kind: 'queue', scale: 1000 },
};

const COUNTS = new Set<Figure>(['numTasks', 'numFailures', 'numItems']);

// Suffix alternatives are listed longest first so `_queue_put` wins over `_put`.
const EVENT = new RegExp(
  String.raw`(?<![\w:.\[])(?:pipeline:)?(\d+:(?:[^\s"'=:\[\]]+:)?(?:[^\s"'=:\[\]()]|\[\d+\]|\([^)]*\))+?)` +
    String.raw`_(${Object.keys(SUFFIXES).join('|')})["']?\s*[=:,\s]\s*["']?` +
    String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.])`,
  'g',
);

/**
 * Parses exported SPDL statistics written as `name value`, `name=value`, `name: value` or
 * `"name": "value"`, any number per line. Each yields a one-figure report; a value that is
 * negative, not finite, or a fractional count is skipped.
 */
export function parseSpdlStatsEvents(line: string): StageReport[] {
  const reports: StageReport[] = [];

  for (const match of line.matchAll(EVENT)) {
    const report = toReport(match[1]!, SUFFIXES[match[2]!]!, Number(match[3]));
    if (report) reports.push(report);
  }
  return reports;
}

function toReport(label: string, meaning: SuffixMeaning, raw: number): StageReport | undefined {
  if (!Number.isFinite(raw) || raw < 0) return undefined;
  if (COUNTS.has(meaning.figure) && !Number.isInteger(raw)) return undefined;

  const value = meaning.figure === 'occupancyPct' ? Math.min(100, raw * meaning.scale) : raw * meaning.scale;
  const { isQueue: _isQueue, ...identity } = parseSpdlStageLabel(label);
  return { ...identity, kind: meaning.kind, source: 'event', [meaning.figure]: value };
}
