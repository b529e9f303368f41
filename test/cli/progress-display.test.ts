import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressDisplay } from '../../src/cli/progress-display.ts';
import { ExperimentNodeSchema } from '../../src/research/experiment-node.ts';
import { NodeStore } from '../../src/research/node-store.ts';
import { ResearchConfigSchema } from '../../src/research/research-config.ts';

let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'progress-'));
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(workdir, { recursive: true, force: true });
});

const config = ResearchConfigSchema.parse({ run_name: 'r', created_at: 'x', pipeline_script: 't.py', source_dir: '/s', base_launch_command: 'python t.py' });

/** A stream that is not a terminal, as when the output goes to a log file. */
function logFile(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress display', () => {
  it('shows each experiment in flight with its phase and elapsed time', async () => {
    const nodes = await NodeStore.open(workdir);
    await nodes.save(ExperimentNodeSchema.parse({ id: '000_baseline', order: 0, name: 'baseline', parent_id: null, created_at: 'x', phase: 'running', started_at: new Date(Date.now() - 65_000).toISOString() }));
    const text = new ProgressDisplay(nodes, config, logFile().stream).render();
    expect(text).toMatch(/finished 0, running 1, queued 0/);
    expect(text).toMatch(/000_baseline\s+running 01:05/);
  });

  it('writes a line to a log file only when something other than the clocks changes', async () => {
    const nodes = await NodeStore.open(workdir);
    const started = new Date().toISOString();
    await nodes.save(ExperimentNodeSchema.parse({ id: '000_baseline', order: 0, name: 'baseline', parent_id: null, created_at: 'x', phase: 'running', started_at: started }));
    const { stream, lines } = logFile();
    const display = new ProgressDisplay(nodes, config, stream);

    display.start(1000);
    vi.advanceTimersByTime(30_000);
    expect(lines).toHaveLength(1);

    await nodes.update('000_baseline', { phase: 'collecting' });
    vi.advanceTimersByTime(5_000);
    display.stop();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/000_baseline\s+collecting 00:3\d/);
  });
});
