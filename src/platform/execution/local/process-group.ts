import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether any process of the group `pgid` is still running. Zombies do not count: where no init
 * process reaps orphans (some containers), a killed job's processes linger as zombies forever,
 * and `kill(-pgid, 0)` alone would report them alive. Uses /proc where it exists, and the
 * signal-0 probe elsewhere (where a group we may not signal, EPERM, counts as alive).
 *
 * A group id can be reused by the system once every member is gone; callers check their own
 * completion records (an exit-code file) before trusting this.
 */
export async function isProcessGroupAlive(
  pgid: number,
  leaderStartTicks?: number,
): Promise<boolean> {
  if (!probeGroup(pgid)) return false;

  const members = await listProcessGroup(pgid);
  if (members === undefined) return true;

  // Once every member is gone the id may lead a new, unrelated group: its leader then started
  // at another time than ours.
  const leader = members.find((member) => member.pid === pgid);
  const isReused =
    leaderStartTicks !== undefined && leader !== undefined && leader.startTicks !== leaderStartTicks;
  return !isReused && members.some((member) => member.state !== 'Z');
}

/** When process `pid` started, in clock ticks since boot (/proc), or `undefined` if unknown. */
export async function readProcessStartTicks(pid: number): Promise<number | undefined> {
  return (await readProcessEntry(String(pid)))?.startTicks;
}

/** A process as /proc describes it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** One-letter state: R running, S sleeping, Z zombie, … */
  state: string;
  /** Start time in clock ticks since boot; with the pid, it identifies the process. */
  startTicks: number;
}

/**
 * The processes of group `pgid` from /proc, zombies included, for a caller that samples the
 * job's CPU use. `undefined` where /proc does not exist.
 */
export async function listProcessGroup(pgid: number): Promise<ProcessEntry[] | undefined> {
  const names = await readdir('/proc').catch(() => undefined);
  if (names === undefined) return undefined;

  const pids = names.filter((name) => /^\d+$/.test(name));
  const entries = await Promise.all(pids.map(readProcessEntry));
  return entries.filter((entry): entry is ProcessEntry => entry?.pgid === pgid);
}

// Field 22 of /proc/<pid>/stat, counted from field 3 (state), where the split begins.
const STARTTIME_INDEX = 19;

async function readProcessEntry(pid: string): Promise<ProcessEntry | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;

  // `pid (comm) state ppid pgrp … starttime …` (proc(5)); comm may hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state = '', ppid, pgrp] = fields;
  const startTicks = Number(fields[STARTTIME_INDEX]);
  return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgrp), state, startTicks };
}

function probeGroup(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to every process of the group; a group that is already gone is ignored. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const POLL_INTERVAL_MS = 25;

/**
 * Ends a process group: SIGTERM, then SIGKILL for whatever is left after `graceMs`. Resolves
 * once the group is gone, or after a further `graceMs` if even SIGKILL did not clear it
 * (an uninterruptible process); returns whether the group is gone.
 */
export async function terminateProcessGroup(pgid: number, graceMs: number): Promise<boolean> {
  signalProcessGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, graceMs)) return true;

  signalProcessGroup(pgid, 'SIGKILL');
  return waitForGroupExit(pgid, graceMs);
}

/** Polls until the group is gone or `timeoutMs` passes; returns whether it is gone. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isProcessGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_INTERVAL_MS);
  }
  return true;
}
