import { UnknownImplementationError } from '../../../src/platform/implementation-registry.ts';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitWorkspace } from '../../../src/platform/workspace/local/git-workspace.ts';
import {
  DirtySourceError,
  GitCommandError,
  NotARepositoryError,
  WorktreeConflictError,
} from '../../../src/platform/workspace/workspace-errors.ts';
import { createWorkspace } from '../../../src/platform/workspace/workspace-registry.ts';
import { createTempRepository, type TempRepository } from './temp-repository.ts';

let repo: TempRepository;
let workspace: GitWorkspace;

beforeEach(async () => {
  repo = await createTempRepository();
  workspace = newWorkspace();
});

afterEach(async () => {
  await repo.cleanup();
});

function newWorkspace() {
  return new GitWorkspace({
    sourceDir: repo.sourceDir,
    worktreesRoot: join(repo.scratch, 'worktrees'),
    runId: 'run1',
  });
}

describe('detect', () => {
  it('finds the repository, the source path inside it and the anchor commit', async () => {
    const location = await workspace.detect();

    expect(location).toEqual({
      repoRoot: await realpath(repo.root),
      sourcePath: 'pipeline',
      anchorCommit: await repo.git('rev-parse', 'HEAD'),
    });
  });

  it('refuses a folder outside any repository, naming it and saying what to do', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ar-norepo-'));
    const detached = new GitWorkspace({ sourceDir: outside, worktreesRoot: join(outside, 'wt'), runId: 'r' });

    const error = await detached.detect().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotARepositoryError);
    expect((error as NotARepositoryError).message).toContain(`The source folder ${outside} is not inside a git repository`);
    expect((error as NotARepositoryError).message).toContain('git init');
    expect((error as NotARepositoryError).failure).toMatchObject({ kind: 'source_failed', phase: 'setup' });
    await rm(outside, { recursive: true, force: true });
  });

  it('refuses a source folder with modified or untracked files, naming them', async () => {
    await repo.write('pipeline/train.py', 'print("edited")\n');
    await repo.write('pipeline/new.py', 'x = 1\n');

    const error = await workspace.detect().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DirtySourceError);
    expect((error as DirtySourceError).changedFiles).toEqual(['pipeline/train.py', 'pipeline/new.py']);
    expect((error as DirtySourceError).message).toBe(
      `The source folder ${repo.sourceDir} has uncommitted changes (pipeline/train.py, pipeline/new.py). Experiments start from a commit, so these changes would be missing from every experiment: commit or stash them, then run again.`,
    );
  });

  it('ignores changes outside the source folder and inside the worktrees folder', async () => {
    await repo.write('README.md', 'changed outside the source folder\n');
    const inside = new GitWorkspace({
      sourceDir: repo.sourceDir,
      worktreesRoot: join(repo.sourceDir, '.worktrees'),
      runId: 'run1',
    });
    await inside.createWorktree({ experimentId: 'e1', baseCommit: await repo.git('rev-parse', 'HEAD') });

    await expect(inside.detect()).resolves.toMatchObject({ sourcePath: 'pipeline' });
  });
});

describe('worktrees', () => {
  it('gives each experiment its own checkout and branch, even when created concurrently', async () => {
    const { anchorCommit } = await workspace.detect();

    const [first, second] = await Promise.all([
      workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit }),
      workspace.createWorktree({ experimentId: 'e2', baseCommit: anchorCommit }),
    ]);
    await writeFile(join(first.sourceDir, 'train.py'), 'batch_size = 16\n');
    await writeFile(join(second.sourceDir, 'extra.py'), 'prefetch = 4\n');
    const [firstCommit, secondCommit] = await Promise.all([
      workspace.commit(first, 'batch 16'),
      workspace.commit(second, 'prefetch 4'),
    ]);

    expect(first.branch).toBe('autoresearch/run1/e1');
    expect(second.sourceDir).toBe(join(second.path, 'pipeline'));
    expect(await repo.git('rev-parse', 'autoresearch/run1/e1')).toBe(firstCommit);
    expect(await repo.git('rev-parse', 'autoresearch/run1/e2')).toBe(secondCommit);
    expect(await repo.git('show', `${firstCommit}:pipeline/train.py`)).toBe('batch_size = 16');
    await expect(stat(join(first.sourceDir, 'extra.py'))).rejects.toThrow();
    expect(await readFile(join(second.sourceDir, 'train.py'), 'utf8')).toContain('batch_size = 8');
  });

  it('commits every change with a message naming the experiment and diffs against the parent', async () => {
    const { anchorCommit } = await workspace.detect();
    const tree = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });
    await writeFile(join(tree.sourceDir, 'train.py'), 'print("train")\nbatch_size = 32\n');
    await writeFile(join(tree.sourceDir, 'cache.py'), 'CACHE = True\n');

    const commit = await workspace.commit(tree, 'larger batches\n\nHypothesis: fixed costs amortize.');
    const diff = await workspace.diff(tree, anchorCommit);

    expect((await repo.git('log', '-1', '--format=%B', commit)).trim()).toBe(
      'autoresearch e1: larger batches\n\nHypothesis: fixed costs amortize.',
    );
    expect(diff.changedFiles).toEqual(['pipeline/cache.py', 'pipeline/train.py']);
    expect(diff.patch).toContain('-batch_size = 8\n+batch_size = 32');
    expect(diff.patch).toContain('+CACHE = True');
  });

  it('returns the current commit when there is nothing to commit', async () => {
    const { anchorCommit } = await workspace.detect();
    const tree = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });

    await expect(workspace.commit(tree, 'nothing')).resolves.toBe(anchorCommit);
    await expect(workspace.diff(tree, anchorCommit)).resolves.toEqual({ patch: '', changedFiles: [] });
  });

  it('reuses the worktree and branch at resume instead of failing or resetting them', async () => {
    const { anchorCommit } = await workspace.detect();
    const tree = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });
    await writeFile(join(tree.sourceDir, 'train.py'), 'batch_size = 64\n');
    const commit = await workspace.commit(tree, 'batch 64');

    const resumed = await newWorkspace().createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });
    expect(resumed.path).toBe(tree.path);
    expect(await repo.git('-C', resumed.path, 'rev-parse', 'HEAD')).toBe(commit);

    await workspace.remove(tree);
    const recreated = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });
    expect(await repo.git('-C', recreated.path, 'rev-parse', 'HEAD')).toBe(commit);
  });

  it('removes the checkout but keeps the branch, and removing twice is harmless', async () => {
    const { anchorCommit } = await workspace.detect();
    const tree = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });
    await writeFile(join(tree.sourceDir, 'train.py'), 'batch_size = 2\n');
    const commit = await workspace.commit(tree, 'batch 2');

    await workspace.remove(tree);
    await workspace.remove(tree);

    await expect(stat(tree.path)).rejects.toThrow();
    expect(await repo.git('rev-parse', 'autoresearch/run1/e1')).toBe(commit);
    expect(await repo.git('worktree', 'list')).not.toContain(tree.path);
  });

  it('replaces a leftover folder git does not know as a worktree', async () => {
    const { anchorCommit } = await workspace.detect();
    const leftover = join(repo.scratch, 'worktrees', 'e1');
    await mkdir(leftover, { recursive: true });
    await writeFile(join(leftover, 'half-written'), '');

    const tree = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });

    expect(await readFile(join(tree.sourceDir, 'train.py'), 'utf8')).toContain('batch_size = 8');
    await expect(stat(join(tree.path, 'half-written'))).rejects.toThrow();
  });

  it('refuses a checkout that is on another branch', async () => {
    const { anchorCommit } = await workspace.detect();
    await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });

    const request = { experimentId: 'e1', baseCommit: anchorCommit, branch: 'other' };
    await expect(workspace.createWorktree(request)).rejects.toBeInstanceOf(WorktreeConflictError);
  });
});

describe('git locks', () => {
  it('waits out a lock briefly held by another git process', async () => {
    const { anchorCommit } = await workspace.detect();
    const tree = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });
    await writeFile(join(tree.sourceDir, 'train.py'), 'batch_size = 4\n');
    const lock = join(repo.root, '.git', 'worktrees', 'e1', 'index.lock');
    await writeFile(lock, '');
    setTimeout(() => void rm(lock, { force: true }), 150);

    const commit = await workspace.commit(tree, 'batch 4');

    expect(await repo.git('rev-parse', 'autoresearch/run1/e1')).toBe(commit);
  });

  it('gives up on a lock that stays, naming the command and the lock', async () => {
    const { anchorCommit } = await workspace.detect();
    const tree = await workspace.createWorktree({ experimentId: 'e1', baseCommit: anchorCommit });
    await writeFile(join(tree.sourceDir, 'train.py'), 'batch_size = 4\n');
    await writeFile(join(repo.root, '.git', 'worktrees', 'e1', 'index.lock'), '');

    const error = await workspace.commit(tree, 'batch 4').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).message).toMatch(/^`git add --all` in .* exited with code 128: .*index\.lock/);
  });
});

describe('createWorkspace', () => {
  it('builds the local workspace and lists the valid names for an unknown one', () => {
    const options = { sourceDir: '.', worktreesRoot: '/tmp/x', runId: 'r' };

    expect(createWorkspace('local', options)).toBeInstanceOf(GitWorkspace);
    expect(() => createWorkspace('svn', options)).toThrow(UnknownImplementationError);
    expect(() => createWorkspace('svn', options)).toThrow('Unknown workspace "svn"; expected one of: local.');
  });
});
