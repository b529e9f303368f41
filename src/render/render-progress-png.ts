import { existsSync } from 'node:fs';

import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';

import { buildProgressChartSpec } from './progress-chart-spec.ts';
import type { RunView } from './run-view.ts';

/** Options of {@link renderProgressPng}. */
export interface RenderProgressPngOptions {
  /** Output pixels per chart pixel. Default 2; between 0.5 and 4. */
  readonly zoom?: number;
}

// Where Debian and Ubuntu's fonts-dejavu-core put the faces. resvg reads no fontconfig, and a
// "sans-serif" it cannot resolve falls back to a serif face with no bold, so the faces are
// named explicitly (see .ci/run and the README for the package).
const dejaVuFiles = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
];

/**
 * Draws `progress.png`: the vega-lite spec of {@link buildProgressChartSpec}, rendered by vega
 * to SVG without a canvas, then rasterised by resvg with DejaVu Sans. Needs no browser and no
 * native build. Throws when vega or resvg fail.
 */
export async function renderProgressPng(view: RunView, options: RenderProgressPngOptions = {}): Promise<Buffer> {
  const svg = await renderProgressSvg(view);
  const zoom = Math.min(4, Math.max(0.5, options.zoom ?? 2));
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: zoom },
    font: {
      fontFiles: dejaVuFiles.filter((path) => existsSync(path)),
      loadSystemFonts: true,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/** The progress chart as SVG text, before rasterising. */
export async function renderProgressSvg(view: RunView): Promise<string> {
  const runtime = vega.parse(compile(buildProgressChartSpec(view)).spec);
  const chart = new vega.View(runtime, { renderer: 'none' });
  try {
    return await chart.toSVG();
  } finally {
    chart.finalize();
  }
}
