import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROTECTED_PATHS } from '../../../src/platform/agent/agent-requests.ts';
import { globToRegExp, PathGuard, PathRefusedError } from '../../../src/platform/agent/path-guard.ts';

let root: string;
let guard: PathGuard;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'path-guard-'));
  await mkdir(join(root, 'src', 'data'), { recursive: true });
  await mkdir(join(root, 'src', '.github'), { recursive: true });
  await writeFile(join(root, 'secret.txt'), 'x');
  await writeFile(join(root, 'src', 'train.py'), 'x');
  await symlink('../secret.txt', join(root, 'src', 'to-secret'));
  await symlink('data', join(root, 'src', 'data-link'));
  await symlink('..', join(root, 'src', 'up'));
  guard = new PathGuard(root, 'src', [...DEFAULT_PROTECTED_PATHS, 'src/harness/**']);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('PathGuard', () => {
  it.each([
    ['a file in the source folder', 'train.py', 'train.py'],
    ['a new file in a new folder', 'new/dir/file.py', 'new/dir/file.py'],
    ['a path that leaves and re-enters', 'data/../train.py', 'train.py'],
    ['a symlink that stays inside', 'data-link/x.py', 'data-link/x.py'],
    ['backslash separators', 'data\\x.py', 'data/x.py'],
    // GitHub reads workflows only from the repository root's .github folder.
    ['a .github folder below the root', '.github/notes.md', '.github/notes.md'],
  ])('allows %s', async (_rule, requested, sourcePath) => {
    const resolved = await guard.resolve(requested);
    expect(resolved.sourcePath).toBe(sourcePath);
    expect(resolved.absolutePath).toBe(join(root, 'src', sourcePath));
  });

  it.each([
    ['a parent path', '../secret.txt', 'outside_source'],
    ['a parent path hidden in the middle', 'data/../../secret.txt', 'outside_source'],
    ['an absolute path', '/etc/passwd', 'outside_source'],
    ['a home path', '~/x', 'outside_source'],
    ['a Windows drive path', 'C:/x', 'outside_source'],
    ['an empty path', '  ', 'outside_source'],
    ['a symlink to a file outside', 'to-secret', 'outside_source'],
    ['a new file under a symlinked parent', 'up/new.py', 'outside_source'],
    ['a git folder', '.git/config', 'protected'],
    ['a harness file at any depth', 'data/autoresearch_harness.py', 'protected'],
    ['a configuration file', 'autoresearch.config.json', 'protected'],
    ['a custom protected folder', 'harness/run.py', 'protected'],
  ])('refuses %s', async (_rule, requested, reason) => {
    const refusal = guard.resolve(requested);
    await expect(refusal).rejects.toBeInstanceOf(PathRefusedError);
    await expect(refusal).rejects.toMatchObject({ reason });
  });

  it('refuses workflow files when the source folder is the whole worktree', async () => {
    const wide = new PathGuard(root, '.', DEFAULT_PROTECTED_PATHS);
    await expect(wide.resolve('.github/workflows/ci.yml')).rejects.toMatchObject({ reason: 'protected' });
    await expect(wide.resolve('src/train.py')).resolves.toMatchObject({ sourcePath: 'src/train.py' });
  });
});

describe('globToRegExp', () => {
  it.each([
    ['.github/**', '.github', true],
    ['.github/**', '.github/workflows/ci.yml', true],
    ['.github/**', 'src/.github/x', false],
    ['**/.git/**', 'a/b/.git/config', true],
    ['*.yml', 'ci.yml', true],
    ['*.yml', 'a/ci.yml', false],
    ['**/autoresearch_harness*', 'autoresearch_harness.py', true],
    ['file?.py', 'file1.py', true],
    ['file?.py', 'file12.py', false],
  ])('%s against %s is %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});
