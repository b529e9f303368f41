import type { StepSample } from './step-sample.ts';

/** The marker every instrumented line carries, wherever it sits in the line. */
export const AUTORESEARCH_MARKER = '[autoresearch]';

/** What the `[autoresearch]` lines of a job said, and how much of them could not be read. */
export interface AutoresearchReadings {
  /** Step records in the order they appeared (a record needs a valid `step_time_ms`). */
  readonly steps: StepSample[];
  /** The latest valid value of every other numeric key, e.g. `ttfb_s`, `batch_size`, `cpu_cores`. */
  readonly scalars: Readonly<Record<string, number>>;
  /** Every `throughput_samples_per_s` value reported, in order, wherever it appeared. */
  readonly reportedThroughputs: number[];
  /** Non-numeric values (e.g. `mode=cache`), latest wins. */
  readonly labels: Readonly<Record<string, string>>;
  /** Marker segments that held at least one valid `key=value` pair. */
  readonly markerLineCount: number;
  /** Marker segments with no valid pair at all (torn or garbage). */
  readonly skippedLineCount: number;
  /** Tokens inside marker segments that were not a valid `key=value` pair. */
  readonly skippedTokenCount: number;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const STEP_KEYS = new Set(['step', 'step_time_ms', 'fetch_time_ms', 'compute_time_ms']);
// Keys whose value must be a number: a word there is damage, not a label.
const NUMERIC_KEYS = new Set([...STEP_KEYS, 'ttfb_s', 'batch_size', 'cpu_cores', 'throughput_samples_per_s']);

/**
 * Accumulates `[autoresearch] key=value …` lines, one line at a time, so a log of any size can be
 * streamed through it. Tolerant by design: the marker may follow a timestamp or logger prefix,
 * two writers may have torn one line into another (each marker starts a new segment), unknown
 * keys are kept, and a token that is not `key=<finite number or word>` is counted and skipped.
 *
 * @example
 * const reader = new AutoresearchLineReader();
 * for (const line of text.split('\n')) reader.push(line);
 * const { steps, scalars } = reader.readings();
 */
export class AutoresearchLineReader {
  readonly #steps: StepSample[] = [];
  readonly #scalars: Record<string, number> = {};
  readonly #labels: Record<string, string> = {};
  readonly #throughputs: number[] = [];
  #markerLineCount = 0;
  #skippedLineCount = 0;
  #skippedTokenCount = 0;

  /** Feeds one line of output; lines without the marker are ignored at no cost. */
  push(line: string): void {
    if (!line.includes(AUTORESEARCH_MARKER)) return;

    for (const segment of line.split(AUTORESEARCH_MARKER).slice(1)) this.#pushSegment(segment);
  }

  /** What has been read so far. */
  readings(): AutoresearchReadings {
    return {
      steps: [...this.#steps],
      scalars: { ...this.#scalars },
      reportedThroughputs: [...this.#throughputs],
      labels: { ...this.#labels },
      markerLineCount: this.#markerLineCount,
      skippedLineCount: this.#skippedLineCount,
      skippedTokenCount: this.#skippedTokenCount,
    };
  }

  #pushSegment(segment: string): void {
    const { numbers, words, skippedTokenCount } = parsePairs(segment);
    this.#skippedTokenCount += skippedTokenCount;
    if (numbers.size === 0 && words.size === 0) {
      this.#skippedLineCount += 1;
      return;
    }

    this.#markerLineCount += 1;
    for (const [key, value] of words) this.#labels[key] = value;
    this.#record(numbers);
  }

  #record(numbers: ReadonlyMap<string, number>): void {
    const throughput = numbers.get('throughput_samples_per_s');
    if (throughput !== undefined) this.#throughputs.push(throughput);

    const step = toStepSample(numbers);
    if (step) this.#steps.push(step);

    for (const [key, value] of numbers) {
      if (!STEP_KEYS.has(key) && key !== 'throughput_samples_per_s') this.#scalars[key] = value;
    }
  }
}

/** Reads a whole text at once with {@link AutoresearchLineReader}. */
export function parseAutoresearchLines(text: string): AutoresearchReadings {
  const reader = new AutoresearchLineReader();
  for (const line of text.split(/\r?\n/)) reader.push(line);
  return reader.readings();
}

interface ParsedPairs {
  numbers: Map<string, number>;
  words: Map<string, string>;
  skippedTokenCount: number;
}

function parsePairs(segment: string): ParsedPairs {
  const parsed: ParsedPairs = { numbers: new Map(), words: new Map(), skippedTokenCount: 0 };

  for (const token of segment.trim().split(/\s+/).filter(Boolean)) {
    const pair = parsePair(token);
    const isDamaged = pair !== undefined && typeof pair.value === 'string' && NUMERIC_KEYS.has(pair.key);
    if (pair === undefined || isDamaged) parsed.skippedTokenCount += 1;
    else if (typeof pair.value === 'number') parsed.numbers.set(pair.key, pair.value);
    else parsed.words.set(pair.key, pair.value);
  }
  return parsed;
}

function parsePair(token: string): { key: string; value: number | string } | undefined {
  const cleaned = token.replace(/[,;]+$/, '');
  const separator = cleaned.indexOf('=');
  if (separator <= 0) return undefined;

  const key = cleaned.slice(0, separator);
  const raw = withoutUnitOfKey(key, cleaned.slice(separator + 1));
  if (!KEY.test(key) || raw === '') return undefined;
  if (NUMBER.test(raw)) {
    const value = Number(raw);
    return Number.isFinite(value) ? { key, value } : undefined;
  }

  // A word value is kept only when it cannot be a damaged number, e.g. `mode=cache`.
  return /^[A-Za-z][A-Za-z0-9_.:/-]*$/.test(raw) && !/^(nan|inf|infinity)$/i.test(raw)
    ? { key, value: raw }
    : undefined;
}

/**
 * The value without a unit that repeats the key's own, as hand-written log lines often carry
 * (`step_time_ms=99.5ms`, `ttfb_s=1.2s`, `data_readiness_pct=97%`). Another unit is left in
 * place, so the token stays unreadable rather than being read in the wrong unit.
 */
function withoutUnitOfKey(key: string, raw: string): string {
  const unit = /_(ms|s|pct)$/.exec(key)?.[1];
  const suffix = unit === 'pct' ? '%' : unit;
  return suffix && raw.length > suffix.length && raw.endsWith(suffix) && NUMBER.test(raw.slice(0, -suffix.length)) ? raw.slice(0, -suffix.length) : raw;
}

function toStepSample(numbers: ReadonlyMap<string, number>): StepSample | undefined {
  const stepTimeMs = numbers.get('step_time_ms');
  if (stepTimeMs === undefined || stepTimeMs < 0) return undefined;

  const step = numbers.get('step');
  return dropUndefined({
    step: step !== undefined && Number.isInteger(step) && step >= 0 ? step : undefined,
    stepTimeMs,
    fetchTimeMs: nonNegative(numbers.get('fetch_time_ms')),
    computeTimeMs: nonNegative(numbers.get('compute_time_ms')),
    throughputSamplesPerS: nonNegative(numbers.get('throughput_samples_per_s')),
    batchSize: positive(numbers.get('batch_size')),
  });
}

function nonNegative(value: number | undefined): number | undefined {
  return value !== undefined && value >= 0 ? value : undefined;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

function dropUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
