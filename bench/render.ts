// Time to draw progress.png and hypothesis_tree.png for synthetic runs of 100 and 1,000
// experiments, with renderAll as the workflow calls it (browser start included).
// Run: npx tsx bench/render.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pino } from 'pino';

import { buildHypothesisTreeMermaid } from '../src/render/hypothesis-tree-mermaid.ts';
import { renderAll } from '../src/render/render-all.ts';
import { renderProgressPng } from '../src/render/render-progress-png.ts';
import { syntheticRun } from '../test/fixtures/render/synthetic-run.ts';

const targetMs = 10_000;
const sizes = [100, 1000];

async function timeMs(action: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await action();
  return performance.now() - startedAt;
}

async function main(): Promise<void> {
  const logger = pino({ level: 'warn' });
  const outDir = await mkdtemp(join(tmpdir(), 'bench-render-'));
  const rows: string[][] = [];

  for (const count of sizes) {
    const view = syntheticRun({ experimentCount: count });
    const progressMs = await timeMs(() => renderProgressPng(view));
    const mermaidChars = buildHypothesisTreeMermaid(view).length;
    let drawn = 0;
    const bothMs = await timeMs(async () => {
      const result = await renderAll(view, outDir, { logger });
      drawn = [result.progressPngPath, result.hypothesisTreePngPath].filter(Boolean).length;
    });
    const verdict = count === 1000 ? (bothMs <= targetMs && drawn === 2 ? 'met' : 'NOT met') : '';
    rows.push([String(count), progressMs.toFixed(0), bothMs.toFixed(0), `${drawn}/2`, String(mermaidChars), verdict]);
  }
  await rm(outDir, { recursive: true, force: true });

  const header = ['experiments', 'progress.png ms', 'both PNGs ms', 'drawn', 'mermaid chars', `target ≤ ${targetMs} ms at 1,000`];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padStart(widths[column]!)).join('  '));
}

await main();
