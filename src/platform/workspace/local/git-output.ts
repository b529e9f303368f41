/** One entry of `git worktree list --porcelain`. */
export interface WorktreeListEntry {
  path: string;
  /** Full ref name (`refs/heads/…`); absent for a detached HEAD. */
  branch?: string;
  /** True when git knows the folder is gone (`prunable`). */
  isPrunable: boolean;
}

/** Parses `git worktree list --porcelain`: blank-line separated records of `key value` lines. */
export function parseWorktreeList(text: string): WorktreeListEntry[] {
  return text
    .split(/\n\n+/)
    .map((record) => record.split('\n').filter(Boolean))
    .filter((lines) => lines[0]?.startsWith('worktree '))
    .map((lines) => {
      const value = (key: string) =>
        lines.find((line) => line === key || line.startsWith(`${key} `))?.slice(key.length + 1);
      const entry: WorktreeListEntry = {
        path: value('worktree') ?? '',
        isPrunable: lines.some((line) => line.startsWith('prunable')),
      };
      const branch = value('branch');
      if (branch) entry.branch = branch;
      return entry;
    });
}

/**
 * Parses `git status --porcelain=v1 -z` into the changed paths. A rename or copy record carries
 * its old path as an extra field, which is skipped.
 */
export function parseStatusPaths(text: string): string[] {
  const fields = text.split('\0').filter(Boolean);
  const paths: string[] = [];
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index] ?? '';
    paths.push(field.slice(3));
    if (/^[RC]/.test(field)) index += 1;
  }
  return paths;
}
