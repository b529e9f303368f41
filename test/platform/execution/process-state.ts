import { readFile } from 'node:fs/promises';

/**
 * Whether a process exists and is not a zombie (where no init reaps orphans, killed processes
 * stay as zombies, which a signal-0 probe would count as alive).
 */
export async function isProcessRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return false;
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}
