import { GitWorkspace, type GitWorkspaceOptions } from './local/git-workspace.ts';
import type { Workspace } from './workspace.ts';
import { UnknownWorkspaceError } from './workspace-errors.ts';

/** The settings every workspace implementation is built from. */
export type WorkspaceOptions = GitWorkspaceOptions;

const implementations: Record<string, (options: WorkspaceOptions) => Workspace> = {
  local: (options) => new GitWorkspace(options),
};

/** Names accepted by {@link createWorkspace}. */
export const workspaceNames: readonly string[] = Object.keys(implementations);

/**
 * Builds the workspace registered under `name` (`local`: git worktrees). Throws
 * {@link UnknownWorkspaceError}, listing the valid names, for any other name.
 */
export function createWorkspace(name: string, options: WorkspaceOptions): Workspace {
  const create = Object.hasOwn(implementations, name) ? implementations[name] : undefined;
  if (!create) throw new UnknownWorkspaceError(name, workspaceNames);
  return create(options);
}
