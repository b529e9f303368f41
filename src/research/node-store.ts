import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeFileDurably, writeJsonDurably } from '../engine/durable-file.ts';
import { ExperimentNodeSchema, MEASURED_PHASES, type ExperimentNode } from './experiment-node.ts';

/**
 * Every experiment of the run, in memory and in `engine/nodes/<id>/`. Each save writes only that
 * experiment's files (spec.json, status.txt and, once measured, result.json), so its cost does
 * not grow with the run. On resume the whole tree is read back from these folders.
 */
export class NodeStore {
  readonly #nodes = new Map<string, ExperimentNode>();

  private constructor(readonly dir: string) {}

  static async open(workdir: string): Promise<NodeStore> {
    const store = new NodeStore(join(workdir, 'engine', 'nodes'));
    const ids = await readdir(store.dir).catch(() => [] as string[]);
    for (const id of ids.sort()) {
      const node = await readJsonFile(join(store.dir, id, 'spec.json'), ExperimentNodeSchema);
      if (node) store.#nodes.set(node.id, node);
    }
    return store;
  }

  get(id: string): ExperimentNode | undefined {
    return this.#nodes.get(id);
  }

  /** All experiments in order of creation. */
  all(): ExperimentNode[] {
    return [...this.#nodes.values()].sort((a, b) => a.order - b.order);
  }

  get size(): number {
    return this.#nodes.size;
  }

  nextOrder(): number {
    let max = -1;
    for (const node of this.#nodes.values()) max = Math.max(max, node.order);
    return max + 1;
  }

  /** Persists the experiment (atomically, file by file) and keeps it in memory. */
  async save(node: ExperimentNode): Promise<ExperimentNode> {
    const valid = ExperimentNodeSchema.parse(node);
    const folder = join(this.dir, valid.id);
    await writeJsonDurably(join(folder, 'spec.json'), valid);
    await writeFileDurably(join(folder, 'status.txt'), `${valid.phase}\n`);
    if (MEASURED_PHASES.has(valid.phase) || valid.phase === 'failed') {
      await writeJsonDurably(join(folder, 'result.json'), resultOf(valid));
    }
    this.#nodes.set(valid.id, valid);
    return valid;
  }

  /** Applies `changes` to the stored experiment and saves it. */
  async update(id: string, changes: Partial<ExperimentNode>): Promise<ExperimentNode> {
    const current = this.#nodes.get(id);
    if (!current) throw new Error(`No experiment "${id}" in ${this.dir}.`);
    return this.save({ ...current, ...changes });
  }
}

function resultOf(node: ExperimentNode): Record<string, unknown> {
  return {
    id: node.id,
    phase: node.phase,
    verdict: node.verdict,
    confirmed: node.confirmed,
    metrics: node.metrics ?? {},
    bottleneck: node.bottleneck,
    findings: node.findings,
    failure: node.failure,
    followup_failure: node.followup_failure,
  };
}
