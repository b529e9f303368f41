/**
 * Runs tasks one at a time per key, in order of arrival; tasks under different keys run
 * concurrently. A failed task does not stop the ones queued after it.
 */
export class KeyedSerialQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued earlier under `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);

    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);

    // Forget the key once its queue drains, so the map does not grow with every repository seen.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
