import { createFailure, PlatformError } from './failure.ts';

/** Thrown when a capability implementation is requested by a name that is not registered. */
export class UnknownImplementationError extends PlatformError {
  override readonly name = 'UnknownImplementationError';

  constructor(
    readonly capability: string,
    readonly requested: string,
    readonly validNames: readonly string[],
  ) {
    super(
      createFailure({
        kind: 'configuration_invalid',
        phase: 'setup',
        message: `Unknown ${capability} "${requested}"; expected one of: ${validNames.join(', ')}.`,
        details: { capability, requested, validNames: [...validNames] },
      }),
    );
  }
}

/**
 * Maps implementation names of one capability (workspace, artifacts, execution) to factories.
 * Asking for a name that is not registered fails with the list of valid names.
 */
export class ImplementationRegistry<Options, Capability> {
  readonly #factories = new Map<string, (options: Options) => Capability>();

  constructor(readonly capability: string) {}

  register(name: string, factory: (options: Options) => Capability): this {
    this.#factories.set(name, factory);
    return this;
  }

  names(): string[] {
    return [...this.#factories.keys()].sort();
  }

  create(name: string, options: Options): Capability {
    const factory = this.#factories.get(name);
    if (!factory) throw new UnknownImplementationError(this.capability, name, this.names());
    return factory(options);
  }
}
