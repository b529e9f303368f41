import type { WorkSpec } from '../engine/work-spec.ts';
import type { ExperimentNode } from './experiment-node.ts';

/** The engine's view of an experiment: its id and priority; everything else is in its folder. */
export function specOf(node: ExperimentNode): WorkSpec {
  return { id: node.id, priority: node.priority, kind: 'experiment', payload: { node: { node_id: node.id } } };
}

/** A file-safe experiment id: the experiment number and a slug of its name. */
export function experimentId(order: number, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 48) || 'experiment';
  return `${String(order).padStart(3, '0')}_${slug}`;
}
