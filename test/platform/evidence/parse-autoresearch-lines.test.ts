import { describe, expect, it } from 'vitest';

import { AutoresearchLineReader, parseAutoresearchLines } from '../../../src/platform/evidence/parse-autoresearch-lines.ts';
import { fixture } from './fixtures.ts';

describe('parseAutoresearchLines', () => {
  it('reads steps and scalars from output interleaved with logger prefixes and progress bars', () => {
    const readings = parseAutoresearchLines(fixture('autoresearch-interleaved.txt'));

    expect(readings.steps.map((step) => step.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 11, 12]);
    expect(readings.steps[0]).toEqual({ step: 0, stepTimeMs: 2450, fetchTimeMs: 2400.3, computeTimeMs: 49.7 });
    expect(readings.scalars).toMatchObject({ cpu_cores: 2, batch_size: 32, ttfb_s: 2.45 });
  });

  it('keeps extra keys, numeric as scalars and words as labels', () => {
    const readings = parseAutoresearchLines(fixture('autoresearch-interleaved.txt'));

    expect(readings.scalars).toMatchObject({ lr: 0.001, grad_norm: 1.25 });
    expect(readings.labels).toEqual({ mode: 'train' });
  });

  it('counts torn and garbage segments and bad tokens instead of failing', () => {
    const readings = parseAutoresearchLines(fixture('autoresearch-interleaved.txt'));

    // `[autoresearch] garbage !!! ===` and the bare marker hold no pair at all.
    expect(readings.skippedLineCount).toBe(2);
    // `step_ti`, `garbage`, `!!!`, `===`, `step_time_ms=nan`, `fetch_time_ms=oops`.
    expect(readings.skippedTokenCount).toBe(6);
    expect(readings.markerLineCount).toBe(16);
  });

  it('splits a line that two writers tore into one, reading the intact part', () => {
    const readings = parseAutoresearchLines('[autoresearch] step=7 step_ti[autoresearch] step=8 step_time_ms=98.0');

    expect(readings.steps).toEqual([{ step: 8, stepTimeMs: 98 }]);
    expect(readings.markerLineCount).toBe(2);
  });

  it.each([
    ['a non-finite number', '[autoresearch] step=1 step_time_ms=1e999'],
    ['a negative step time', '[autoresearch] step=1 step_time_ms=-5'],
    ['a unit other than the key\'s own', '[autoresearch] step=1 step_time_ms=1.2s'],
    ['a missing value', '[autoresearch] step=1 step_time_ms='],
  ])('makes no step from %s', (_rule, line) => {
    expect(parseAutoresearchLines(line).steps).toEqual([]);
  });

  it('reads a value that repeats the unit its key names', () => {
    const readings = parseAutoresearchLines('[autoresearch] step=1 step_time_ms=12.5ms fetch_time_ms=2ms\n[autoresearch] ttfb_s=1.5s data_readiness_pct=97%');

    expect(readings.steps).toEqual([{ step: 1, stepTimeMs: 12.5, fetchTimeMs: 2 }]);
    expect(readings.scalars).toMatchObject({ ttfb_s: 1.5, data_readiness_pct: 97 });
    expect(readings.skippedTokenCount).toBe(0);
  });

  it('tolerates trailing commas, CRLF endings and extra spaces', () => {
    const readings = parseAutoresearchLines('[autoresearch]   step=3,  step_time_ms=120.5;\r\n');

    expect(readings.steps).toEqual([{ step: 3, stepTimeMs: 120.5 }]);
  });

  it('collects reported throughput wherever it appears', () => {
    const readings = parseAutoresearchLines(
      '[autoresearch] step=1 step_time_ms=100 throughput_samples_per_s=320\n[autoresearch] throughput_samples_per_s=330',
    );

    expect(readings.reportedThroughputs).toEqual([320, 330]);
    expect(readings.steps[0]?.throughputSamplesPerS).toBe(320);
  });

  it('returns empty readings for empty or unrelated input', () => {
    for (const text of ['', '\n\n', 'loss=0.3 step=5 step_time_ms=10']) {
      const readings = parseAutoresearchLines(text);
      expect(readings).toMatchObject({ steps: [], markerLineCount: 0, skippedLineCount: 0 });
    }
  });

  it('accumulates across pushes one line at a time', () => {
    const reader = new AutoresearchLineReader();
    reader.push('[autoresearch] ttfb_s=1.5');
    reader.push('[autoresearch] ttfb_s=1.7');

    expect(reader.readings().scalars['ttfb_s']).toBe(1.7);
  });
});
