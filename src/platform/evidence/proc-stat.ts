import { readdir, readFile } from 'node:fs/promises';

/** The fields of `/proc/<pid>/stat` that CPU sampling needs. Times are in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  /** Start time after boot; with the pid it tells a reused pid from the process it replaced. */
  readonly startTimeTicks: number;
}

/**
 * Parses the content of `/proc/<pid>/stat` (proc(5)). The command name sits in parentheses and
 * may itself hold spaces and parentheses, so fields are counted from the last `)`. Returns
 * `undefined` for content that does not have that shape.
 */
export function parseProcStat(content: string): ProcStat | undefined {
  const open = content.indexOf('(');
  const close = content.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;

  // After the name: state(3) ppid(4) pgrp(5) … utime(14) stime(15) … starttime(22).
  const fields = content.slice(close + 1).trim().split(/\s+/);
  const numbers = [1, 2, 11, 12, 19].map((index) => Number(fields[index]));
  const pid = Number(content.slice(0, open).trim());
  if (fields.length < 20 || !Number.isInteger(pid) || numbers.some((n) => !Number.isInteger(n))) {
    return undefined;
  }

  const [ppid, pgrp, utimeTicks, stimeTicks, startTimeTicks] = numbers as [
    number, number, number, number, number,
  ];
  return { pid, ppid, pgrp, utimeTicks, stimeTicks, startTimeTicks };
}

/**
 * Reads every process's stat from `procRoot`. A process that exits between the listing and the
 * read is simply missing from the result; an unreadable `procRoot` gives an empty list.
 */
export async function readProcessTable(procRoot = '/proc'): Promise<ProcStat[]> {
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return [];
  }

  const pids = entries.filter((name) => /^\d+$/.test(name));
  const reads = pids.map((name) => readStat(`${procRoot}/${name}/stat`));
  const stats = await Promise.all(reads);
  return stats.filter((stat): stat is ProcStat => stat !== undefined);
}

async function readStat(path: string): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(path, 'utf8'));
  } catch {
    // ENOENT or ESRCH: the process exited mid-sample, which is normal for short-lived workers.
    return undefined;
  }
}

/** The processes in process group `pgid`. */
export function selectProcessGroup(table: readonly ProcStat[], pgid: number): ProcStat[] {
  return table.filter((stat) => stat.pgrp === pgid);
}

/** Process `pid` and all its descendants, found through parent links. */
export function selectDescendants(table: readonly ProcStat[], pid: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const stat of table) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);

  const selected = table.filter((stat) => stat.pid === pid);
  for (let index = 0; index < selected.length; index += 1) {
    selected.push(...(children.get(selected[index]!.pid) ?? []));
  }
  return selected;
}
