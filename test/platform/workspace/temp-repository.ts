import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/** A throwaway git repository with a committed `pipeline/` source folder. */
export interface TempRepository {
  root: string;
  sourceDir: string;
  /** A folder outside the repository, for worktrees. */
  scratch: string;
  git(...args: string[]): Promise<string>;
  write(relativePath: string, text: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Creates a repository with `pipeline/train.py` and `README.md` committed on `main`. */
export async function createTempRepository(): Promise<TempRepository> {
  const base = await mkdtemp(join(tmpdir(), 'ar-ws-'));
  const root = join(base, 'repo');
  const scratch = join(base, 'scratch');
  await mkdir(root, { recursive: true });

  const git = async (...args: string[]) => {
    const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];
    return (await execa('git', [...identity, ...args], { cwd: root })).stdout;
  };
  const write = async (relativePath: string, text: string) => {
    await mkdir(dirname(join(root, relativePath)), { recursive: true });
    await writeFile(join(root, relativePath), text);
  };

  await git('init', '--quiet', '--initial-branch=main');
  await write('pipeline/train.py', 'print("train")\nbatch_size = 8\n');
  await write('README.md', 'demo\n');
  await git('add', '--all');
  await git('commit', '--quiet', '-m', 'initial');

  const cleanup = () => rm(base, { recursive: true, force: true });
  return { root, sourceDir: join(root, 'pipeline'), scratch, git, write, cleanup };
}
