/**
 * Turns the first SIGINT or SIGTERM into an abort of `controller`, so the engine stops starting
 * work, lets tasks persist and writes an `interrupted` checkpoint. A second signal exits at once:
 * every recorded change is already on disk, so nothing is lost by not waiting.
 *
 * Returns a function that removes the handlers.
 */
export function abortOnTerminationSignals(controller: AbortController, onSecondSignal = () => process.exit(130)): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) controller.abort(new Error(`received ${signal}`));
    else onSecondSignal();
  };

  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
