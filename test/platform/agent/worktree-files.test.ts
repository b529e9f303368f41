import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathGuard, PathRefusedError } from '../../../src/platform/agent/path-guard.ts';
import { EditRejectedError, WorktreeFiles } from '../../../src/platform/agent/worktree-files.ts';

let root: string;
let files: WorktreeFiles;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'worktree-files-'));
  await mkdir(join(root, 'src', '.git'), { recursive: true });
  await mkdir(join(root, 'src', '__pycache__'), { recursive: true });
  await writeFile(join(root, 'src', 'a.py'), 'x = 1\ny = 1\n');
  await writeFile(join(root, 'src', '__pycache__', 'a.pyc'), '');
  files = new WorktreeFiles(new PathGuard(root, 'src', ['**/.git/**']));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('WorktreeFiles', () => {
  it('lists source files without version-control and cache folders', async () => {
    expect(await files.list()).toEqual(['a.py']);
  });

  it('views a line range with line numbers', async () => {
    expect(await files.view('a.py', 2, 2)).toBe('    2  y = 1');
  });

  it('replaces one unique snippet and records the edit', async () => {
    await files.replace('a.py', 'y = 1', 'y = 2');

    expect(await readFile(join(root, 'src', 'a.py'), 'utf8')).toBe('x = 1\ny = 2\n');
    expect(files.edits).toEqual([{ type: 'replace', path: 'a.py', oldText: 'y = 1', newText: 'y = 2' }]);
  });

  it('keeps $ patterns in the new text literally', async () => {
    await files.replace('a.py', 'x = 1', "x = '$&$1'");
    expect(await readFile(join(root, 'src', 'a.py'), 'utf8')).toBe("x = '$&$1'\ny = 1\n");
  });

  it.each([
    ['a snippet that occurs twice', ' = 1', /occurs 2 times in a\.py/],
    ['a snippet that is absent', 'z = 3', /was not found in a\.py/],
    ['an empty snippet', '', /old_text is empty/],
  ])('rejects %s and leaves the file as it was', async (_rule, oldText, message) => {
    await expect(files.replace('a.py', oldText, 'q')).rejects.toThrow(message);
    expect(await readFile(join(root, 'src', 'a.py'), 'utf8')).toBe('x = 1\ny = 1\n');
    expect(files.edits).toEqual([]);
  });

  it('creates new files but never overwrites an existing one', async () => {
    await files.create('pkg/new.py', 'pass\n');

    await expect(files.create('a.py', 'overwritten')).rejects.toBeInstanceOf(EditRejectedError);
    expect(await readFile(join(root, 'src', 'pkg', 'new.py'), 'utf8')).toBe('pass\n');
    expect(files.changedFiles).toEqual(['pkg/new.py']);
  });

  it('refuses to create a file outside the source folder', async () => {
    await expect(files.create('../escape.py', 'x')).rejects.toBeInstanceOf(PathRefusedError);
  });
});
