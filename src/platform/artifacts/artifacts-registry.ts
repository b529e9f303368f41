import { ImplementationRegistry } from '../implementation-registry.ts';
import type { Artifacts } from './artifacts.ts';
import { ShellArtifacts, type ShellArtifactsOptions } from './local/shell-artifacts.ts';

/** The settings every artifacts implementation is built from. */
export type ArtifactsOptions = ShellArtifactsOptions;

/** Artifacts implementations by name (`local`: the build command in a local shell). */
export const artifactsRegistry = new ImplementationRegistry<ArtifactsOptions, Artifacts>('artifacts').register(
  'local',
  (options) => new ShellArtifacts(options),
);

/** Builds the named artifacts implementation; throws `UnknownImplementationError` listing the valid names. */
export function createArtifacts(name: string, options: ArtifactsOptions = {}): Artifacts {
  return artifactsRegistry.create(name, options);
}
