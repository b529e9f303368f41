import { describe, expect, it } from 'vitest';

import { SearchSpaceError } from '../../../../src/platform/agent/offline/offline-agent-error.ts';
import { knobGrid, parseSearchSpace } from '../../../../src/platform/agent/offline/search-space.ts';

const EXAMPLE = {
  knobs: [
    { name: 'num_threads', flag: '--num-threads', values: [1, 2, 3, 4, 6, 8, 16], default: 16 },
    { name: 'prefetch', flag: '--prefetch', values: [1, 2, 4, 8, 16], default: 1 },
    { name: 'batch_size', flag: '--batch-size', values: [8, 16, 32, 64, 128], default: 8 },
    { name: 'split_stages', flag: '--split-stages', values: [false, true], default: false },
  ],
  headspace: { flag: '--cache-batches', value: 8 },
  subprocess: { flag: '--loader-process' },
};

function problemsOf(raw: unknown): readonly string[] {
  try {
    parseSearchSpace(raw, 'config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SearchSpaceError);
    return (error as SearchSpaceError).problems;
  }
  throw new Error('expected the search space to be rejected');
}

describe('parseSearchSpace', () => {
  it('accepts the documented example format', () => {
    const space = parseSearchSpace(EXAMPLE);
    expect(space.knobs.map((knob) => knob.name)).toEqual(['num_threads', 'prefetch', 'batch_size', 'split_stages']);
    expect(space.subprocess).toEqual({ flag: '--loader-process' });
  });

  it('accepts env knobs, ranges and env seed switches', () => {
    const space = parseSearchSpace({
      knobs: [{ name: 'workers', env: 'LOADER_WORKERS', range: { min: 1, max: 8 }, default: 4 }],
      subprocess: { env: 'LOADER_MODE', value: 'process' },
    });
    expect(space.knobs[0]?.env).toBe('LOADER_WORKERS');
    expect(space.headspace).toBeUndefined();
  });

  it.each([
    ['a default outside the values', { knobs: [{ name: 'p', flag: '--p', values: [1, 2, 4], default: 3 }] }, 'knobs[0].default: 3 is not one of values [1,2,4]'],
    ['both flag and env', { knobs: [{ name: 'p', flag: '--p', env: 'P', values: [1], default: 1 }] }, 'knobs[0]: set exactly one of flag or env, not both'],
    ['neither flag nor env', { knobs: [{ name: 'p', values: [1], default: 1 }] }, 'knobs[0]: set one of flag or env'],
    ['both values and range', { knobs: [{ name: 'p', flag: '--p', values: [1], range: { min: 1, max: 2 }, default: 1 }] }, 'knobs[0]: set exactly one of values or range, not both'],
    ['mixed value types', { knobs: [{ name: 'p', flag: '--p', values: [1, 'two'], default: 1 }] }, 'knobs[0].values: mixes number and string values; use one type'],
    ['a repeated value', { knobs: [{ name: 'p', flag: '--p', values: [1, 2, 1], default: 1 }] }, 'knobs[0].values: lists 1 more than once'],
    ['an empty range', { knobs: [{ name: 'p', flag: '--p', range: { min: 8, max: 4 }, default: 4 }] }, 'knobs[0].range: min 8 must be below max 4'],
    ['a default outside the range', { knobs: [{ name: 'p', flag: '--p', range: { min: 1, max: 8 }, default: 9 }] }, 'knobs[0].default: 9 is outside range [1, 8]'],
    ['a log range from zero', { knobs: [{ name: 'p', flag: '--p', range: { min: 0, max: 8, scale: 'log' }, default: 1 }] }, 'knobs[0].range.min: must be above 0 for scale "log", got 0'],
    ['a grid too fine', { knobs: [{ name: 'p', flag: '--p', range: { min: 0, max: 100, step: 1 }, default: 1 }] }, 'knobs[0].range: makes 101 grid points, at most 64 are allowed; raise step'],
    ['a repeated knob name', { knobs: [{ name: 'p', flag: '--p', values: [1], default: 1 }, { name: 'p', flag: '--q', values: [1], default: 1 }] }, 'knobs[1].name: "p" is already the name of knobs[0]'],
    ['a flag used twice', { knobs: [{ name: 'p', flag: '--p', values: [1], default: 1 }], subprocess: { flag: '--p' } }, 'subprocess.flag: "--p" is already used by knobs[0]'],
    ['an env switch without value', { knobs: [{ name: 'p', flag: '--p', values: [1], default: 1 }], headspace: { env: 'CACHE' } }, 'headspace.value: is required with env (the value the variable is set to)'],
  ])('rejects %s with a message naming the field', (_rule, raw, message) => {
    expect(problemsOf(raw)).toEqual([message]);
  });

  it('names the source and the problems in the error message', () => {
    expect(() => parseSearchSpace({ knobs: [] }, 'config.json')).toThrow(
      'config.json is not a valid search space: knobs: Too small: expected array to have >=1 items. Fix the search space in the configuration, then retry.',
    );
  });
});

describe('knobGrid', () => {
  it('keeps declared values in order', () => {
    expect(knobGrid(parseSearchSpace(EXAMPLE).knobs[1] as never)).toEqual([1, 2, 4, 8, 16]);
  });

  it('expands a linear range with its max and default on the grid', () => {
    const space = parseSearchSpace({ knobs: [{ name: 'p', flag: '--p', range: { min: 0, max: 1, step: 0.3 }, default: 0.5 }] });
    expect(knobGrid(space.knobs[0] as never)).toEqual([0, 0.3, 0.5, 0.6, 0.9, 1]);
  });

  it('expands a log range by its factor', () => {
    const space = parseSearchSpace({ knobs: [{ name: 'p', flag: '--p', range: { min: 1, max: 64, scale: 'log' }, default: 4 }] });
    expect(knobGrid(space.knobs[0] as never)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });
});

describe('the example pipeline', () => {
  it('declares a search space in this format', async () => {
    const { readFile } = await import('node:fs/promises');
    const path = 'examples/pipeline/search-space.json';
    const space = parseSearchSpace(JSON.parse(await readFile(path, 'utf8')), path);
    expect(space.knobs.length).toBeGreaterThan(0);
  });
});
