/**
 * Scheduling + persistence cost per engine event with 100, 1,000 and 10,000 specs known.
 *
 * Each measured task finishes at once and returns one child, so the number of specs known stays
 * constant while the engine records a start and a finish per task (journal append + fsync, heap
 * work, periodic compaction). The time between two task starts therefore covers two events.
 * Target: median ≤ 5 ms per event, and the 10,000 / 100 ratio ≤ 2.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkEngine, toWorkSpec, type Workflow } from '../src/engine/index.ts';

const SIZES = [100, 1_000, 10_000];
const MEASURED_TASKS = 600;

interface Figures {
  size: number;
  medianMs: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
}

async function measure(size: number): Promise<Figures> {
  const workdir = await mkdtemp(join(tmpdir(), 'bench-engine-'));
  const controller = new AbortController();
  const startsMs: number[] = [];
  let spawned = 0;

  const payload = { note: 'x'.repeat(200) }; // a realistic small payload per spec
  const workflow: Workflow = {
    initialSpecs: () => Array.from({ length: size }, (_, i) => toWorkSpec({ id: `s${i}`, priority: i % 17, payload })),
    runTask: async (spec) => {
      startsMs.push(performance.now());
      if (startsMs.length > MEASURED_TASKS) controller.abort();
      const child = toWorkSpec({ id: `${spec.id}.c${spawned++}`, priority: spec.priority + 1, payload });
      return { status: 'completed', children: [child] };
    },
  };

  await new WorkEngine({ workdir, workflow, maxConcurrency: 1, signal: controller.signal }).run();
  await rm(workdir, { recursive: true, force: true });

  const perEventMs = startsMs.slice(1).map((t, i) => (t - startsMs[i]!) / 2).slice(20); // skip warm-up
  return summarize(size, perEventMs);
}

function summarize(size: number, samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const meanMs = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return { size, medianMs: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), meanMs };
}

const rows: Figures[] = [];
for (const size of SIZES) rows.push(await measure(size));

const fmt = (x: number): string => x.toFixed(3).padStart(8);
console.log('\nEngine: scheduling + persistence per event (journal fsync included)\n');
console.log('| specs known | median ms | p90 ms | p99 ms | mean ms |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.size} | ${fmt(r.medianMs)} | ${fmt(r.p90Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.meanMs)} |`);

const ratio = rows.at(-1)!.medianMs / rows[0]!.medianMs;
const worstMedian = Math.max(...rows.map((r) => r.medianMs));
console.log(`\nratio of medians 10,000 / 100: ${ratio.toFixed(2)} (target ≤ 2: ${ratio <= 2 ? 'met' : 'NOT met'})`);
console.log(`worst median per event: ${worstMedian.toFixed(3)} ms (target ≤ 5 ms: ${worstMedian <= 5 ? 'met' : 'NOT met'})`);
