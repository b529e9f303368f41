import { join } from 'node:path';
import type { RunOutcome } from './run-research.ts';

/** The closing lines of a run: where the workdir is, and baseline → best. */
export function headline(outcome: RunOutcome, workdir: string, elapsedS?: number): string {
  const { standing, engine } = outcome;
  const lines = [`workdir: ${workdir}`, `engine: ${engine.status} (${engine.completed} completed, ${engine.failed} failed, ${engine.queued} queued)`];
  if (standing.best && standing.bestValue !== undefined && standing.baselineValue !== undefined) {
    const speedup = standing.metric.higherIsBetter ? standing.bestValue / standing.baselineValue : standing.baselineValue / standing.bestValue;
    lines.push(`${standing.metric.key}: baseline ${standing.baselineValue.toFixed(1)} → best ${standing.bestValue.toFixed(1)} (${speedup.toFixed(2)}×, ${standing.best.id})`);
  }
  const experiments = standing.finished.length + standing.inFlight.length;
  lines.push(`experiments: ${experiments}${elapsedS !== undefined ? `, time ${elapsedS.toFixed(0)} s` : ''}${outcome.stopReason ? `, stopped: ${outcome.stopReason}` : ''}`);
  // The detail names the limit that holds, which tells a person what to raise to carry on.
  if (outcome.stopDetail) lines.push(`why it stopped: ${outcome.stopDetail}`);
  lines.push(`summary: ${join(workdir, 'summary.md')}`);
  if (engine.status === 'interrupted') lines.push(`interrupted: continue with "autoresearch resume ${workdir}"`);
  return lines.join('\n');
}
