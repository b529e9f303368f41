import { ImplementationRegistry } from '../implementation-registry.ts';
import { GitWorkspace, type GitWorkspaceOptions } from './local/git-workspace.ts';
import type { Workspace } from './workspace.ts';

/** The settings every workspace implementation is built from. */
export type WorkspaceOptions = GitWorkspaceOptions;

/** Workspace implementations by name (`local`: git worktrees). */
export const workspaceRegistry = new ImplementationRegistry<WorkspaceOptions, Workspace>('workspace').register(
  'local',
  (options) => new GitWorkspace(options),
);

/** Builds the named workspace; throws `UnknownImplementationError` listing the valid names. */
export function createWorkspace(name: string, options: WorkspaceOptions): Workspace {
  return workspaceRegistry.create(name, options);
}
