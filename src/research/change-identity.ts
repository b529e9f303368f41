import type { ExperimentNode } from './experiment-node.ts';

/**
 * What makes two experiments the same experiment: the code they start from, the code change
 * asked for, and every knob setting. Names, hypotheses and tags do not count, so a proposal
 * reworded is still recognised as a duplicate.
 */
export function changeIdentity(node: Pick<ExperimentNode, 'knobs' | 'subprocess' | 'is_headspace' | 'change'>, base: string): string {
  const knobs = Object.entries(node.knobs).sort(([a], [b]) => a.localeCompare(b));
  const instructions = (node.change.instructions ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  return JSON.stringify([base, instructions, knobs, node.subprocess, node.is_headspace]);
}

/** The code an experiment starts from: its parent's commit when known, else the parent's id. */
export function baseOf(parent: ExperimentNode | undefined, anchorCommit: string): string {
  return parent ? (parent.commit ?? parent.id) : anchorCommit;
}
