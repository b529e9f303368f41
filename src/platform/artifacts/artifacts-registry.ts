import type { Artifacts } from './artifacts.ts';
import { UnknownArtifactsError } from './artifacts-errors.ts';
import { ShellArtifacts, type ShellArtifactsOptions } from './local/shell-artifacts.ts';

/** The settings every artifacts implementation is built from. */
export type ArtifactsOptions = ShellArtifactsOptions;

const implementations: Record<string, (options: ArtifactsOptions) => Artifacts> = {
  local: (options) => new ShellArtifacts(options),
};

/** Names accepted by {@link createArtifacts}. */
export const artifactsNames: readonly string[] = Object.keys(implementations);

/**
 * Builds the artifacts implementation registered under `name` (`local`: the build command in a
 * local shell). Throws {@link UnknownArtifactsError}, listing the valid names, for any other name.
 */
export function createArtifacts(name: string, options: ArtifactsOptions = {}): Artifacts {
  const create = Object.hasOwn(implementations, name) ? implementations[name] : undefined;
  if (!create) throw new UnknownArtifactsError(name, artifactsNames);
  return create(options);
}
