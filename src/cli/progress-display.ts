import logUpdate from 'log-update';
import type { NodeStore } from '../research/node-store.ts';
import type { ResearchConfig } from '../research/research-config.ts';
import { computeStanding } from '../research/run-standing.ts';

/**
 * Shows what the run is doing while it runs: elapsed time, each experiment in flight with its
 * phase and how long it has been at it, and the best so far. On a terminal the block is redrawn
 * in place; otherwise a line is printed only when it changes.
 */
export class ProgressDisplay {
  readonly #startedMs = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #lastPlain = '';

  constructor(
    private readonly nodes: NodeStore,
    private readonly config: ResearchConfig,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(intervalMs = 1000): void {
    this.#timer = setInterval(() => this.#draw(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    if (this.stream.isTTY) {
      this.#draw();
      logUpdate.done();
    }
  }

  #draw(): void {
    if (this.stream.isTTY) {
      logUpdate(this.render());
      return;
    }

    // A log file gets a line only when something other than the clocks changed, so a long run
    // writes a line per phase change rather than one a second.
    const withoutClocks = this.render({ clocks: false });
    if (withoutClocks === this.#lastPlain) return;
    this.#lastPlain = withoutClocks;
    this.stream.write(`${this.render().replace(/\n/g, ' | ')}\n`);
  }

  /** The current block of text; `clocks: false` leaves out the elapsed times. */
  render(options: { clocks?: boolean } = {}): string {
    const clocks = options.clocks ?? true;
    const all = this.nodes.all();
    const standing = computeStanding(all, this.config);
    const now = Date.now();
    const running = standing.inFlight.filter((node) => node.phase !== 'queued');
    const queued = standing.inFlight.length - running.length;
    const elapsed = clocks ? ` ${clock(now - this.#startedMs)}` : '';
    const lines = [`autoresearch${elapsed}  finished ${standing.finished.length}, running ${running.length}, queued ${queued}`];
    for (const node of running) {
      const since = clocks && node.started_at ? ` ${clock(now - Date.parse(node.started_at))}` : '';
      lines.push(`  ${node.id.padEnd(36)} ${node.phase}${since}`);
    }
    if (standing.best && standing.bestValue !== undefined && standing.baselineValue) {
      const ratio = standing.metric.higherIsBetter ? standing.bestValue / standing.baselineValue : standing.baselineValue / standing.bestValue;
      lines.push(`  best ${standing.best.id}: ${standing.bestValue.toFixed(1)} ${standing.metric.key} (${ratio.toFixed(2)}× baseline)`);
    }
    return lines.join('\n');
  }
}

function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}
