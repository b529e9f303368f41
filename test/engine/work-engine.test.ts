import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MalformedFileError,
  WorkEngine,
  WorkdirLockedError,
  enginePaths,
  readCheckpoint,
  toWorkSpec,
  type TaskContext,
  type TaskOutcome,
  type WorkSpec,
  type Workflow,
} from '../../src/engine/index.ts';

let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'engine-'));
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

const spec = (id: string, priority = 0, payload: Record<string, unknown> = {}): WorkSpec =>
  toWorkSpec({ id, priority, kind: 'test', payload });

/** A workflow whose tasks are plain functions, recording the order in which tasks start. */
function scripted(
  initial: WorkSpec[],
  body: (spec: WorkSpec, context: TaskContext) => Promise<TaskOutcome> = async () => ({ status: 'completed' }),
): Workflow & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    initialSpecs: () => initial,
    runTask: async (task, context) => {
      started.push(task.id);
      return body(task, context);
    },
  };
}

describe('ordering', () => {
  it('runs lower priorities first and equal priorities in order of arrival', async () => {
    const workflow = scripted([spec('e', 5), spec('a', 1), spec('c', 3), spec('b', 1), spec('d', 3)]);
    await new WorkEngine({ workdir, workflow, maxConcurrency: 1 }).run();
    expect(workflow.started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('queues children the moment their parent finishes, ahead of later arrivals of equal priority', async () => {
    const workflow = scripted([spec('parent', 0), spec('sibling', 1)], async (task) => ({
      status: 'completed',
      children: task.id === 'parent' ? [spec('child', 0)] : [],
    }));
    await new WorkEngine({ workdir, workflow, maxConcurrency: 1 }).run();
    expect(workflow.started).toEqual(['parent', 'child', 'sibling']);
  });

  it('starts a child while other tasks are still running', async () => {
    let slowIsRunning = false;
    let childSawSlowRunning = false;
    const workflow = scripted([spec('slow'), spec('quick')], async (task) => {
      if (task.id === 'slow') {
        slowIsRunning = true;
        await sleep(300);
        slowIsRunning = false;
      }
      if (task.id === 'child') childSawSlowRunning = slowIsRunning;
      return { status: 'completed', children: task.id === 'quick' ? [spec('child')] : [] };
    });
    await new WorkEngine({ workdir, workflow, maxConcurrency: 2 }).run();
    expect(childSawSlowRunning).toBe(true);
  });
});

describe('concurrency', () => {
  it.each([1, 2, 4])('never runs more than %i tasks at once, and uses all slots', async (limit) => {
    let current = 0;
    let peak = 0;
    const workflow = scripted(
      Array.from({ length: 10 }, (_, i) => spec(`t${i}`)),
      async () => {
        peak = Math.max(peak, ++current);
        await sleep(20);
        current -= 1;
        return { status: 'completed' };
      },
    );
    const result = await new WorkEngine({ workdir, workflow, maxConcurrency: limit }).run();
    expect(peak).toBe(limit);
    expect(result).toMatchObject({ status: 'stopped', completed: 10, failed: 0, queued: 0, running: 0 });
  });

  it('records a task that throws as failed and carries on', async () => {
    const workflow = scripted([spec('bad'), spec('good')], async (task) => {
      if (task.id === 'bad') throw new Error('boom');
      return { status: 'completed' };
    });
    const result = await new WorkEngine({ workdir, workflow, maxConcurrency: 1 }).run();
    expect(result).toMatchObject({ status: 'stopped', completed: 1, failed: 1 });
  });

  it('drops a child whose id is already queued', async () => {
    const workflow = scripted([spec('a'), spec('b', 5)], async (task) => ({
      status: 'completed',
      children: task.id === 'a' ? [spec('b'), spec('c'), spec('c')] : [],
    }));
    const result = await new WorkEngine({ workdir, workflow, maxConcurrency: 1 }).run();
    expect(workflow.started.sort()).toEqual(['a', 'b', 'c']);
    expect(result.completed).toBe(3);
  });
});

describe('waiting tasks', () => {
  it('in run mode, starts a waiting task again until it finishes', async () => {
    let turns = 0;
    const workflow = scripted([spec('job')], async () =>
      ++turns < 3 ? { status: 'waiting', retryAfterMs: 5 } : { status: 'completed' },
    );
    const result = await new WorkEngine({ workdir, workflow }).run();
    expect(turns).toBe(3);
    expect(result.status).toBe('stopped');
  });

  it('in tick mode, exits once every running task waits, and the next tick resumes them', async () => {
    let remoteDone = false;
    const workflow = scripted([spec('a'), spec('b'), spec('c')], async (task, context) => {
      if (task.payload.launched && remoteDone) return { status: 'completed' };
      if (!task.payload.launched) await context.saveProgress({ launched: true });
      return { status: 'waiting' };
    });

    const first = await new WorkEngine({ workdir, workflow, maxConcurrency: 2, mode: 'tick' }).run();
    expect(first).toMatchObject({ status: 'running', running: 2, waiting: 2, queued: 1, completed: 0 });
    const checkpoint = await readCheckpoint(enginePaths(workdir).checkpoint);
    expect(checkpoint?.running.map((s) => [s.id, s.payload.launched])).toEqual([
      ['a', true],
      ['b', true],
    ]);

    remoteDone = true;
    const second = await new WorkEngine({ workdir, workflow, maxConcurrency: 2, mode: 'tick' }).run();
    expect(second).toMatchObject({ status: 'running', running: 1, waiting: 1, completed: 2 });

    const third = await new WorkEngine({ workdir, workflow, maxConcurrency: 2, mode: 'tick' }).run();
    expect(third).toMatchObject({ status: 'stopped', running: 0, completed: 3 });
  });
});

describe('interrupt and resume', () => {
  it('on abort, persists the running task and its saved progress with status interrupted', async () => {
    const controller = new AbortController();
    const workflow = scripted([spec('long'), spec('next', 1)], async (task, context) => {
      if (task.id === 'long' && !task.payload.phase) {
        await context.saveProgress({ phase: 'half' });
        controller.abort();
        await sleep(10_000, undefined, { signal: context.signal });
      }
      return { status: 'completed' };
    });

    const result = await new WorkEngine({ workdir, workflow, maxConcurrency: 1, signal: controller.signal }).run();
    expect(result.status).toBe('interrupted');
    const checkpoint = await readCheckpoint(enginePaths(workdir).checkpoint);
    expect(checkpoint).toMatchObject({ status: 'interrupted', running: [{ id: 'long', payload: { phase: 'half' } }] });
    expect(checkpoint?.queued.map((s) => s.id)).toEqual(['next']);

    const resumed = scripted([]);
    const final = await new WorkEngine({ workdir, workflow: resumed, maxConcurrency: 1 }).run();
    expect(resumed.started).toEqual(['long', 'next']);
    expect(final).toMatchObject({ status: 'stopped', completed: 2 });
  });

  it('does not start the initial specs again when the workdir was already used', async () => {
    await new WorkEngine({ workdir, workflow: scripted([spec('only')]) }).run();
    const again = scripted([spec('only')]);
    await new WorkEngine({ workdir, workflow: again }).run();
    expect(again.started).toEqual([]);
  });

  it('asks a finished workdir for continuation specs, and not one with work left', async () => {
    await new WorkEngine({ workdir, workflow: scripted([spec('first')]) }).run();
    const continued = { ...scripted([spec('first')]), continuationSpecs: () => [spec('more')] };
    const result = await new WorkEngine({ workdir, workflow: continued }).run();
    expect(continued.started).toEqual(['more']);
    expect(result).toMatchObject({ status: 'stopped', completed: 2 });

    const controller = new AbortController();
    const interrupted = scripted([], async (_task, context) => {
      controller.abort();
      await sleep(10);
      context.signal.throwIfAborted();
      return { status: 'completed' };
    });
    await new WorkEngine({ workdir, workflow: { ...interrupted, continuationSpecs: () => [spec('pending')] }, signal: controller.signal }).run();
    const resumed = { ...scripted([]), continuationSpecs: () => [spec('unexpected')] };
    await new WorkEngine({ workdir, workflow: resumed }).run();
    expect(resumed.started).toEqual(['pending']);
  });
});

describe('checkpoint.json edited by a person', () => {
  async function stopWithQueue(ids: string[]): Promise<void> {
    const controller = new AbortController();
    controller.abort();
    const workflow = scripted(ids.map((id, i) => spec(id, i)));
    await new WorkEngine({ workdir, workflow, signal: controller.signal }).run();
  }

  it('honours a changed priority and a deleted spec on resume', async () => {
    await stopWithQueue(['a', 'b', 'c', 'd']);
    const path = enginePaths(workdir).checkpoint;
    const checkpoint = JSON.parse(await readFile(path, 'utf8'));
    expect(checkpoint.queued.map((s: WorkSpec) => s.id)).toEqual(['a', 'b', 'c', 'd']);

    checkpoint.queued.find((s: WorkSpec) => s.id === 'd').priority = -100;
    checkpoint.queued = checkpoint.queued.filter((s: WorkSpec) => s.id !== 'b');
    await writeFile(path, JSON.stringify(checkpoint));

    const resumed = scripted([]);
    await new WorkEngine({ workdir, workflow: resumed, maxConcurrency: 1 }).run();
    expect(resumed.started).toEqual(['d', 'a', 'c']);
  });

  it.each([
    ['a priority that is not a number', (c: any) => (c.queued[0].priority = 'high'), 'field "queued[0].priority"'],
    ['a missing id', (c: any) => delete c.queued[1].id, 'field "queued[1].id"'],
    ['an unknown status', (c: any) => (c.status = 'paused'), 'field "status"'],
    ['a duplicated id', (c: any) => (c.queued[1].id = 'a'), 'field "queued[1].id": expected a unique id'],
    ['queued that is not a list', (c: any) => (c.queued = {}), 'field "queued"'],
  ])('refuses %s, naming the file and field, and overwrites nothing', async (_, edit, expected) => {
    await stopWithQueue(['a', 'b']);
    const path = enginePaths(workdir).checkpoint;
    const checkpoint = JSON.parse(await readFile(path, 'utf8'));
    edit(checkpoint);
    const broken = JSON.stringify(checkpoint);
    await writeFile(path, broken);

    const run = new WorkEngine({ workdir, workflow: scripted([]) }).run();
    await expect(run).rejects.toBeInstanceOf(MalformedFileError);
    await expect(run).rejects.toThrow(path);
    await expect(run).rejects.toThrow(expected);
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('refuses a checkpoint that is not JSON', async () => {
    await stopWithQueue(['a']);
    const path = enginePaths(workdir).checkpoint;
    await writeFile(path, '{"status": "stopped", "queued": [');
    await expect(new WorkEngine({ workdir, workflow: scripted([]) }).run()).rejects.toThrow(/checkpoint\.json is malformed: not valid JSON/);
    expect(await readFile(path, 'utf8')).toBe('{"status": "stopped", "queued": [');
  });
});

describe('journal', () => {
  it('replays records written after the checkpoint and ignores a torn last line', async () => {
    await new WorkEngine({ workdir, workflow: scripted([]) }).run();
    const paths = enginePaths(workdir);
    const queued = { id: 'late', priority: 0, kind: 'test', payload: {} };
    await writeFile(
      paths.journal,
      `${JSON.stringify({ seq: 100, type: 'queue', spec: queued })}\n{"seq":101,"type":"sta`,
    );
    const resumed = scripted([]);
    await new WorkEngine({ workdir, workflow: resumed }).run();
    expect(resumed.started).toEqual(['late']);
    expect(await readFile(paths.journal, 'utf8')).toBe('');
  });
});

describe('workdir lock', () => {
  it('refuses a second engine on a workdir in use', async () => {
    let unblock = (): void => undefined;
    const released = new Promise<void>((resolve) => (unblock = resolve));
    const first = new WorkEngine({
      workdir,
      workflow: scripted([spec('hold')], async () => {
        await released;
        return { status: 'completed' };
      }),
    }).run();
    await sleep(100);

    await expect(new WorkEngine({ workdir, workflow: scripted([]) }).run()).rejects.toBeInstanceOf(WorkdirLockedError);
    unblock();
    await expect(first).resolves.toMatchObject({ status: 'stopped' });
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const paths = enginePaths(workdir);
    await new WorkEngine({ workdir, workflow: scripted([]) }).run();
    await writeFile(paths.lock, '999999999\n');
    await expect(new WorkEngine({ workdir, workflow: scripted([]) }).run()).resolves.toMatchObject({ status: 'stopped' });
  });
});

describe('views', () => {
  it('writes engine_state.json, queue.json and active.json with counts', async () => {
    const controller = new AbortController();
    const workflow = scripted([spec('a'), spec('b', 1), spec('c', 2)], async (task, context) => {
      if (task.id === 'b') {
        controller.abort();
        await sleep(5_000, undefined, { signal: context.signal });
      }
      return { status: 'completed' };
    });
    await new WorkEngine({ workdir, workflow, maxConcurrency: 1, signal: controller.signal }).run();

    const paths = enginePaths(workdir);
    expect(JSON.parse(await readFile(paths.state, 'utf8'))).toMatchObject({
      status: 'interrupted',
      queued: 1,
      running: 1,
      completed: 1,
      failed: 0,
    });
    expect(JSON.parse(await readFile(paths.queue, 'utf8'))).toEqual([{ id: 'c', priority: 2, kind: 'test' }]);
    expect(JSON.parse(await readFile(paths.active, 'utf8'))).toEqual([{ id: 'b', priority: 1, kind: 'test', waiting: false }]);
  });
});
