import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MissingRecordingError } from '../../../../src/platform/agent/agent-errors.ts';
import type { PlanRequest } from '../../../../src/platform/agent/agent-requests.ts';
import { RecordingAgent } from '../../../../src/platform/agent/replay/recording-agent.ts';
import { ReplayAgent } from '../../../../src/platform/agent/replay/replay-agent.ts';

const recordings = fileURLToPath(new URL('../../../fixtures/agent/replay-basic/', import.meta.url));
const planRequest: PlanRequest = { iteration: 1, maxIterations: 5, history: [], bestId: null };
const experiment = { id: 'e002', name: 'subprocess', hypothesis: 'h', change: { instructions: 'move loading' } };

let root: string;
let worktree: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'replay-'));
  worktree = join(root, 'worktree');
  await mkdir(join(worktree, 'src'), { recursive: true });
  await mkdir(join(worktree, '.github', 'workflows'), { recursive: true });
  await writeFile(join(worktree, 'src', 'train.py'), 'dl = build(num_workers=8)\n');
  await writeFile(join(worktree, '.github', 'workflows', 'ci.yml'), 'on: push\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const target = () => ({ worktreeDir: worktree, sourceDir: 'src', pipelineScript: 'train.py' });

describe('ReplayAgent', () => {
  it('returns recorded replies in call order per operation', async () => {
    const agent = new ReplayAgent(recordings);

    const first = await agent.plan(planRequest);
    const second = await agent.plan(planRequest);

    expect(first.ok && first.value.proposals[0]?.change.knobs).toEqual({ decode_concurrency: 4 });
    expect(second.ok && second.value).toMatchObject({ action: 'stop', stopReason: 'headspace exhausted' });
  });

  it('names the operation and the expected file when a recording is missing', async () => {
    const agent = new ReplayAgent(recordings);
    await agent.plan(planRequest);
    await agent.plan(planRequest);

    const third = agent.plan(planRequest);
    await expect(third).rejects.toBeInstanceOf(MissingRecordingError);
    await expect(third).rejects.toThrow(`No recorded reply for plan call #3: expected the file ${join(recordings, 'plan-003.json')}.`);
  });

  it('turns a recorded reply that fails validation into a failure record', async () => {
    const outcome = await new ReplayAgent(recordings).analyze({ experiment });

    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure).toMatchObject({ kind: 'analysis_failed', phase: 'analysis' });
    expect(outcome.failure.message).toContain('field "bottleneck.kind"');
  });

  it('plays back a recorded failure as it was', async () => {
    const outcome = await new ReplayAgent(recordings).report({ runName: 'r', summary: '', masterTable: '', bestId: null });
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'report_failed', phase: 'report', message: 'The Anthropic API request failed with status 529' } });
  });

  it('applies recorded edits to the worktree through the path guard', async () => {
    const agent = new ReplayAgent(recordings);

    const applied = await agent.applyChanges({ target: target(), experiment });
    const refused = await agent.applyChanges({ target: target(), experiment });

    expect(applied).toMatchObject({ ok: true, value: { summary: 'Moved loading into a subprocess.', changedFiles: ['subprocess_loader.py', 'train.py'] } });
    expect(await readFile(join(worktree, 'src', 'train.py'), 'utf8')).toBe('dl = build(num_workers=4)\n');
    expect(refused).toMatchObject({ ok: false, failure: { kind: 'code_change_failed', message: expect.stringContaining('A recorded edit could not be applied: Refused:') } });
    expect(await readFile(join(worktree, '.github', 'workflows', 'ci.yml'), 'utf8')).toBe('on: push\n');
  });
});

describe('RecordingAgent', () => {
  it('records outcomes that a replay reproduces, continuing the numbering of existing recordings', async () => {
    const folder = join(root, 'recorded');
    await mkdir(folder);
    await cp(join(recordings, 'plan-001.json'), join(folder, 'plan-001.json'));
    const recorder = new RecordingAgent(new ReplayAgent(recordings), folder);

    const planned = await recorder.plan(planRequest);
    const changed = await recorder.applyChanges({ target: target(), experiment });
    const reported = await recorder.report({ runName: 'r', summary: '', masterTable: '', bestId: null });

    expect((await readdir(folder)).sort()).toEqual(['applyChanges-001.json', 'plan-001.json', 'plan-002.json', 'report-001.json']);
    await rm(join(worktree, 'src', 'subprocess_loader.py'));
    await writeFile(join(worktree, 'src', 'train.py'), 'dl = build(num_workers=8)\n');

    const replay = new ReplayAgent(folder);
    await replay.plan(planRequest);
    expect(await replay.plan(planRequest)).toEqual(planned);
    expect(await replay.applyChanges({ target: target(), experiment })).toEqual(changed);
    expect(await replay.report({ runName: 'r', summary: '', masterTable: '', bestId: null })).toEqual(reported);
  });
});
