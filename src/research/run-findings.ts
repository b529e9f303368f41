import type { ExperimentNode } from './experiment-node.ts';

/**
 * The run's findings, oldest first, each statement once (the newest experiment that stated it is
 * named), and only the newest `limit` of them: a long run keeps what it learned last.
 */
export function runFindings(nodes: readonly ExperimentNode[], limit: number): string[] {
  const newest = new Map<string, string>();
  for (const node of [...nodes].sort((a, b) => a.order - b.order)) {
    for (const finding of node.findings) {
      newest.delete(finding);
      newest.set(finding, node.id);
    }
  }
  return [...newest.entries()].slice(-limit).map(([finding, id]) => `[${id}] ${finding}`);
}
