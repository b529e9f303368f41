import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runResearch } from '../../src/cli/run-research.ts';
import { createSandbox, inputsFor, readMasterTable, type Sandbox } from './research-fixture.ts';

/*
 * The GPU path end to end, where no GPU exists: a stand-in `nvidia-smi` first on PATH prints
 * the CSV lines the real one prints for `--query-gpu=index,utilization.gpu,…`, so the run's
 * own sampler, evidence, table and pictures take the GPU route.
 */
let sandbox: Sandbox;
const originalPath = process.env.PATH;

beforeAll(async () => {
  sandbox = await createSandbox();
  const bin = join(sandbox.root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'nvidia-smi'), '#!/bin/sh\nwhile true; do echo "0, 73, 40, 20480"; sleep 0.05; done\n');
  await chmod(join(bin, 'nvidia-smi'), 0o755);
  process.env.PATH = `${bin}:${originalPath}`;
  await runResearch(inputsFor(sandbox, { max_iterations: 1 }, 100), { showProgress: false });
}, 120_000);

afterAll(async () => {
  process.env.PATH = originalPath;
  await sandbox?.remove();
});

it('fills the SM utilization columns from nvidia-smi readings taken while each job ran', async () => {
  const { rows } = await readMasterTable(sandbox.workdir);
  const measured = rows.filter((row) => row.throughput_samples_per_s !== '');
  expect(measured.length).toBeGreaterThan(3);
  for (const row of measured) {
    expect(Number(row.sm_util_pct), row.run_id).toBeCloseTo(73, 0);
    expect(Number(row.steady_sm_util_pct), row.run_id).toBeCloseTo(73, 0);
  }
});

it('keeps the raw GPU samples under runs/<id>/metrics/system_gpu.tsv and the summary beside them', async () => {
  const summary = JSON.parse(await readFile(join(sandbox.workdir, 'runs', '000_baseline', 'metrics', 'summary.json'), 'utf8'));
  expect(summary.summary).toMatchObject({ sm_util_pct: 73, steady_sm_util_pct: 73 });

  const [header, ...samples] = (await readFile(join(sandbox.workdir, 'runs', '000_baseline', 'metrics', 'system_gpu.tsv'), 'utf8')).trim().split('\n');
  expect(header!.split('\t')).toEqual(['atMs', 'gpuIndex', 'smUtilPct', 'memoryUtilPct', 'memoryUsedMiB']);
  expect(samples.length).toBeGreaterThan(0);
  expect(samples[0]!.split('\t').slice(1)).toEqual(['0', '73', '40', '20480']);
  await access(join(sandbox.workdir, 'progress.png'));
});
