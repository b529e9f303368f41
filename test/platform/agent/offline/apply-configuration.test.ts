import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { applyConfiguration } from '../../../../src/platform/agent/offline/apply-configuration.ts';
import { ConfigurationError } from '../../../../src/platform/agent/offline/offline-agent-error.ts';
import { parseSearchSpace } from '../../../../src/platform/agent/offline/search-space.ts';

const space = parseSearchSpace({
  knobs: [
    { name: 'num_threads', flag: '--num-threads', values: [1, 2, 4, 8, 16], default: 16 },
    { name: 'split_stages', flag: '--split-stages', values: [false, true], default: false },
    { name: 'codec', flag: '--codec', values: ['jpeg', "it's raw"], default: 'jpeg' },
    { name: 'prefetch', env: 'LOADER_PREFETCH', values: [1, 4], default: 1 },
    { name: 'pin_memory', env: 'PIN_MEMORY', values: [false, true], default: false },
  ],
  headspace: { flag: '--cache-batches', value: 8 },
  subprocess: { flag: '--loader-process' },
});

describe('applyConfiguration', () => {
  it.each([
    ['replaces "--flag value"', 'python train.py --num-threads 16', { num_threads: 4 }, 'python train.py --num-threads 4 --codec jpeg'],
    ['replaces "--flag=value"', 'python train.py --num-threads=16 --epochs 1', { num_threads: 2 }, 'python train.py --num-threads 2 --epochs 1 --codec jpeg'],
    ['appends a missing flag', 'python train.py', { num_threads: 8 }, 'python train.py --num-threads 8 --codec jpeg'],
    ['writes a true boolean as the bare flag', 'python train.py', { split_stages: true }, 'python train.py --num-threads 16 --split-stages --codec jpeg'],
    ['removes the flag for a false boolean', 'python train.py --split-stages --epochs 1', { split_stages: false }, 'python train.py --epochs 1 --num-threads 16 --codec jpeg'],
    ['removes later duplicates so they cannot win', 'run --num-threads 1 --num-threads=2', { num_threads: 4 }, 'run --num-threads 4 --codec jpeg'],
    ['quotes a value for the shell', 'run', { codec: "it's raw" }, "run --num-threads 16 --codec 'it'\\''s raw'"],
    ['inserts before a pipe', 'run --x 1 | tee log.txt', { num_threads: 4 }, 'run --x 1 --num-threads 4 --codec jpeg | tee log.txt'],
    ['inserts before a redirection with its descriptor', 'run 2>&1', {}, 'run --num-threads 16 --codec jpeg 2>&1'],
    ['keeps $IMAGE untouched', 'docker run $IMAGE python t.py --num-threads 16', { num_threads: 1 }, 'docker run $IMAGE python t.py --num-threads 1 --codec jpeg'],
  ])('%s', (_rule, base, knobs, expected) => {
    expect(applyConfiguration(space, base, { knobs, subprocess: false }).command).toBe(expected);
  });

  it('sets env knobs, with booleans as 1 and 0', () => {
    const applied = applyConfiguration(space, 'run', { knobs: { prefetch: 4, pin_memory: true }, subprocess: false });
    expect(applied.env).toEqual({ LOADER_PREFETCH: '4', PIN_MEMORY: '1' });
  });

  it('adds the subprocess and headspace switches when on and removes them when off', () => {
    const on = applyConfiguration(space, 'run', { knobs: {}, subprocess: true }, { isHeadspace: true });
    expect(on.command).toBe('run --num-threads 16 --codec jpeg --loader-process --cache-batches 8');

    const off = applyConfiguration(space, 'run --loader-process --cache-batches=4', { knobs: {}, subprocess: false });
    expect(off.command).toBe('run --num-threads 16 --codec jpeg');
  });

  it('produces a command the shell reads back word for word', () => {
    const { command } = applyConfiguration(space, 'printf "%s\\n"', { knobs: { codec: "it's raw" }, subprocess: false });
    const words = execFileSync('sh', ['-c', command], { encoding: 'utf8' }).trimEnd().split('\n');
    expect(words).toEqual(['--num-threads', '16', '--codec', "it's raw"]);
  });

  it('rejects a knob the space does not declare', () => {
    const apply = () => applyConfiguration(space, 'run', { knobs: { workers: 2 }, subprocess: false });
    expect(apply).toThrow(ConfigurationError);
    expect(apply).toThrow('Configuration sets knob "workers", which the search space does not declare (knobs: num_threads, split_stages, codec, prefetch, pin_memory). Use a declared knob or add it to the search space.');
  });

  it('rejects subprocess loading when the space has no subprocess switch', () => {
    const bare = parseSearchSpace({ knobs: [{ name: 'p', flag: '--p', values: [1], default: 1 }] });
    expect(() => applyConfiguration(bare, 'run', { knobs: {}, subprocess: true })).toThrow(
      'Configuration turns subprocess loading on, but the search space declares no "subprocess" switch. Add one to the search space or leave subprocess off.',
    );
  });
});
