import { open, readFile, unlink } from 'node:fs/promises';
import { WorkdirLockedError } from './engine-errors.ts';

/**
 * Holds `engine/lock` for this process. The lock names its owner's pid and is taken over when
 * that process is gone. A time-based lock (proper-lockfile's mtime staleness) would make every
 * resume after a kill -9 wait out the stale period; a pid check frees it at once.
 */
export class WorkdirLock {
  private constructor(readonly path: string) {}

  static async acquire(path: string): Promise<WorkdirLock> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryCreate(path)) return new WorkdirLock(path);

      const owner = await readOwner(path);
      if (owner !== undefined && isAlive(owner)) {
        throw new WorkdirLockedError(path, owner);
      }
      await unlink(path).catch(() => undefined); // the owner died without releasing it
    }
    throw new WorkdirLockedError(path, (await readOwner(path)) ?? -1);
  }

  async release(): Promise<void> {
    if ((await readOwner(this.path)) === process.pid) await unlink(this.path).catch(() => undefined);
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readOwner(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
