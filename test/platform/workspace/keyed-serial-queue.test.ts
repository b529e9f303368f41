import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedSerialQueue } from '../../../src/platform/workspace/local/keyed-serial-queue.ts';

describe('KeyedSerialQueue', () => {
  it('runs tasks of one key one at a time in arrival order, other keys alongside', async () => {
    const queue = new KeyedSerialQueue();
    const events: string[] = [];
    const task = (name: string, delayMs: number) => async () => {
      events.push(`start ${name}`);
      await sleep(delayMs);
      events.push(`end ${name}`);
    };

    await Promise.all([queue.run('a', task('a1', 30)), queue.run('a', task('a2', 0)), queue.run('b', task('b1', 0))]);

    expect(events.indexOf('end a1')).toBeLessThan(events.indexOf('start a2'));
    expect(events.indexOf('end b1')).toBeLessThan(events.indexOf('end a1'));
  });

  it('keeps going after a failed task and hands each caller its own result', async () => {
    const queue = new KeyedSerialQueue();

    const failed = queue.run('a', () => Promise.reject(new Error('boom')));
    const next = queue.run('a', () => Promise.resolve(42));

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });
});
