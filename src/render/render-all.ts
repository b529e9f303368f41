import { join } from 'node:path';

import type { Logger } from 'pino';

import { describeIssues, writeFileDurably } from '../engine/durable-file.ts';
import { buildHypothesisTreeMermaid } from './hypothesis-tree-mermaid.ts';
import { MermaidRenderer } from './mermaid-renderer.ts';
import { renderProgressPng } from './render-progress-png.ts';
import { RunViewSchema, type RunView } from './run-view.ts';

/** File names of the pictures in the workdir. */
export const progressPngName = 'progress.png';
export const hypothesisTreePngName = 'hypothesis_tree.png';

/** Options of {@link renderAll}. */
export interface RenderAllOptions {
  /** Receives one warning per picture that could not be drawn, and debug timings. */
  readonly logger: Logger;
  /** Chromium for the tree; default: see `resolveChromiumExecutable`. */
  readonly chromiumPath?: string;
  /**
   * A started renderer to reuse (it stays open); by default one is started and closed here.
   * Reusing one saves the browser start when pictures are refreshed often.
   */
  readonly mermaidRenderer?: MermaidRenderer;
  /** Most boxes in the tree picture. Default 100; see `buildHypothesisTreeMermaid`. */
  readonly treeMaxNodes?: number;
}

/** Paths of the pictures written; a picture that could not be drawn is `undefined`. */
export interface RenderAllResult {
  readonly progressPngPath: string | undefined;
  readonly hypothesisTreePngPath: string | undefined;
}

// Small trees are drawn at a higher pixel density; large ones are already thousands of pixels
// wide at 1 and get slow to capture beyond it.
const smallTreeExperiments = 30;

/**
 * Writes `progress.png` and `hypothesis_tree.png` into `outDir`, both at once. Never throws and
 * never fails the run: a picture that cannot be drawn (no Chromium, a rendering error, an
 * invalid view) is logged as a warning and left unwritten, and the previous one stays in place.
 *
 * @example
 * const { hypothesisTreePngPath } = await renderAll(view, workdir, { logger });
 */
export async function renderAll(view: RunView, outDir: string, options: RenderAllOptions): Promise<RenderAllResult> {
  const logger = options.logger;
  const parsed = RunViewSchema.safeParse(view);
  if (!parsed.success) {
    logger.warn({ problems: describeIssues(parsed.error.issues) }, 'pictures not drawn: the run view is invalid');
    return { progressPngPath: undefined, hypothesisTreePngPath: undefined };
  }

  const [progressPngPath, hypothesisTreePngPath] = await Promise.all([
    drawPicture(logger, join(outDir, progressPngName), () => renderProgressPng(parsed.data)),
    drawPicture(logger, join(outDir, hypothesisTreePngName), () => renderTreePng(parsed.data, options)),
  ]);
  return { progressPngPath, hypothesisTreePngPath };
}

async function drawPicture(logger: Logger, path: string, draw: () => Promise<Buffer>): Promise<string | undefined> {
  const startedAt = Date.now();
  try {
    await writeFileDurably(path, await draw());
    logger.debug({ path, durationMs: Date.now() - startedAt }, 'picture drawn');
    return path;
  } catch (error) {
    logger.warn({ path, err: error }, 'picture not drawn');
    return undefined;
  }
}

async function renderTreePng(view: RunView, options: RenderAllOptions): Promise<Buffer> {
  const definition = buildHypothesisTreeMermaid(view, {
    title: view.title,
    maxNodes: options.treeMaxNodes ?? 100,
    // Only the picture is drawn from this text, so mermaid's own limit (set in the renderer)
    // is the bound, not a markdown comment's.
    maxChars: 400_000,
  });
  const deviceScaleFactor = view.experiments.length <= smallTreeExperiments ? 2 : 1;

  const renderer =
    options.mermaidRenderer ??
    (await MermaidRenderer.launch({ chromiumPath: options.chromiumPath, logger: options.logger }));
  try {
    return await renderer.renderPng(definition, { deviceScaleFactor });
  } finally {
    if (options.mermaidRenderer === undefined) await renderer.close();
  }
}
