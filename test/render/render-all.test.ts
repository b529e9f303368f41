import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { treeNodeColours } from '../../src/render/hypothesis-tree-mermaid.ts';
import { progressColours } from '../../src/render/progress-chart-spec.ts';
import { renderAll } from '../../src/render/render-all.ts';
import type { RunView } from '../../src/render/run-view.ts';
import { smallRun } from '../fixtures/render/small-run.ts';
import { syntheticRun } from '../fixtures/render/synthetic-run.ts';
import { capturedLogger } from './captured-logger.ts';
import { countColour, decodePng, hasPngSignature, inkShare, type RgbaImage } from './png-image.ts';

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'render-all-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function readPicture(path: string | undefined): Promise<RgbaImage> {
  expect(path).toBeDefined();
  const bytes = await readFile(path as string);
  expect(hasPngSignature(bytes)).toBe(true);
  return decodePng(bytes);
}

function expectSaneSize(image: RgbaImage, maxSidePx: number): void {
  expect(image.width).toBeGreaterThanOrEqual(600);
  expect(image.height).toBeGreaterThanOrEqual(400);
  expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(maxSidePx);
  expect(inkShare(image)).toBeGreaterThan(0.02);
}

async function renderBoth(view: RunView): Promise<{ progress: RgbaImage; tree: RgbaImage; warnings: unknown[] }> {
  const { logger, records } = capturedLogger();
  const result = await renderAll(view, outDir, { logger });
  return {
    progress: await readPicture(result.progressPngPath),
    tree: await readPicture(result.hypothesisTreePngPath),
    warnings: records.filter((record) => record.level === 40),
  };
}

describe('renderAll', () => {
  it('draws both pictures of a small run with every colour of its kinds of experiment', async () => {
    const { progress, tree, warnings } = await renderBoth(smallRun());

    expect(warnings).toEqual([]);
    expectSaneSize(progress, 6000);
    for (const colour of [progressColours.kept, progressColours.noGain, progressColours.failed, progressColours.headspace, progressColours.runningBest]) {
      expect(countColour(progress, colour), colour).toBeGreaterThan(20);
    }

    expectSaneSize(tree, 6000);
    for (const kind of ['improved', 'noGain', 'failed', 'inFlight', 'headspace'] as const) {
      expect(countColour(tree, treeNodeColours[kind].fill, 2), kind).toBeGreaterThan(2000);
    }
    expect(countColour(tree, treeNodeColours.queued.stroke, 8), 'queued border').toBeGreaterThan(100);
    expect(countColour(tree, '#ff00ff') + countColour(progress, '#ff00ff'), 'a colour never drawn').toBe(0);
  });

  it('draws a 300-experiment run legibly sized, with kept, failed, running and summary nodes', async () => {
    const { progress, tree, warnings } = await renderBoth(syntheticRun({ experimentCount: 300 }));

    expect(warnings).toEqual([]);
    expectSaneSize(progress, 6000);
    expect(countColour(progress, progressColours.kept)).toBeGreaterThan(100);
    expect(countColour(progress, progressColours.failed)).toBeGreaterThan(100);

    expectSaneSize(tree, 12_000);
    for (const kind of ['improved', 'noGain', 'failed', 'inFlight', 'summary'] as const) {
      expect(countColour(tree, treeNodeColours[kind].fill, 2), kind).toBeGreaterThan(2000);
    }
  });

  it('warns and leaves the tree undrawn when Chromium is not where it was configured, still drawing progress', async () => {
    const { logger, records } = capturedLogger();
    const bogusPath = join(outDir, 'no-such-chromium');

    const result = await renderAll(smallRun(), outDir, { logger, chromiumPath: bogusPath });

    expect(result.hypothesisTreePngPath).toBeUndefined();
    await expect(stat(join(outDir, 'hypothesis_tree.png'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(result.progressPngPath).toBe(join(outDir, 'progress.png'));
    const warning = records.find((record) => record.level === 40);
    expect(warning).toMatchObject({ msg: 'picture not drawn', path: join(outDir, 'hypothesis_tree.png') });
    expect((warning?.err as { message: string }).message).toContain(`No Chromium executable found (tried ${bogusPath})`);
  });

  it('warns and draws nothing when the run view is invalid', async () => {
    const { logger, records } = capturedLogger();
    const view = { ...smallRun(), experiments: [{ ...smallRun().experiments[0]!, order: -1 }] };

    const result = await renderAll(view, outDir, { logger });

    expect(result).toEqual({ progressPngPath: undefined, hypothesisTreePngPath: undefined });
    expect(records).toMatchObject([{ level: 40, msg: 'pictures not drawn: the run view is invalid' }]);
    expect(String((records[0]?.problems as string[])[0])).toContain('experiments[0].order');
  });
});
