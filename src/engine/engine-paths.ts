import { join } from 'node:path';

/** Where the engine keeps its files inside a workdir (`<workdir>/engine/…`). */
export interface EnginePaths {
  dir: string;
  checkpoint: string;
  journal: string;
  state: string;
  queue: string;
  active: string;
  lock: string;
}

export function enginePaths(workdir: string): EnginePaths {
  const dir = join(workdir, 'engine');
  return {
    dir,
    checkpoint: join(dir, 'checkpoint.json'),
    journal: join(dir, 'journal.jsonl'),
    state: join(dir, 'engine_state.json'),
    queue: join(dir, 'queue.json'),
    active: join(dir, 'active.json'),
    lock: join(dir, 'lock'),
  };
}
