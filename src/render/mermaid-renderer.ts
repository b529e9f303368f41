import { renderMermaid } from '@mermaid-js/mermaid-cli';
import type { Logger } from 'pino';
import puppeteer, { type Browser } from 'puppeteer';

import { resolveChromiumExecutable, tiedLaunch } from './chromium-executable.ts';
import { DiagramRenderError } from './render-error.ts';

/** Options of {@link MermaidRenderer.launch}. */
export interface MermaidRendererOptions {
  /** Chromium binary; default: see {@link resolveChromiumExecutable}. */
  readonly chromiumPath?: string;
  /** Most time one diagram may take before the browser is abandoned. Default 60,000 ms. */
  readonly renderTimeoutMs?: number;
  /** Pixels per CSS pixel of PNG output. Default 1.5; between 0.5 and 4. */
  readonly deviceScaleFactor?: number;
  readonly logger?: Logger;
}

// Root in containers needs --no-sandbox; /dev/shm is often tiny there. The rest keeps a headless
// browser from reaching out to the network, which is unreachable on build machines anyway.
const chromiumArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Mermaid settings for the pictures. Large trees need more than mermaid's defaults of 500 edges
 * and 50,000 characters, and must not be squeezed to the page width. The ELK layout (bundled
 * with mermaid-cli) routes edges around nodes, where the default layout draws some across them.
 */
export const mermaidPictureConfig = {
  layout: 'elk',
  maxTextSize: 500_000,
  maxEdges: 5_000,
  theme: 'default',
  fontFamily: '"DejaVu Sans", sans-serif',
  flowchart: { useMaxWidth: false, htmlLabels: true, wrappingWidth: 260, nodeSpacing: 24, rankSpacing: 48 },
} as const;

/**
 * Draws mermaid diagrams with mermaid-cli in one headless Chromium, reused across diagrams so
 * only the first pays for the browser start. Close it when done.
 *
 * @example
 * const renderer = await MermaidRenderer.launch({ logger });
 * try { await writeFile('tree.png', await renderer.renderPng(text)); } finally { await renderer.close(); }
 */
export class MermaidRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly renderTimeoutMs: number,
    private readonly deviceScaleFactor: number,
  ) {}

  /** Starts Chromium; throws `ChromiumNotFoundError` when none is found. */
  static async launch(options: MermaidRendererOptions = {}): Promise<MermaidRenderer> {
    const executablePath = resolveChromiumExecutable(options.chromiumPath);
    const startedAt = Date.now();
    // Puppeteer's own signal handlers would exit the process on Ctrl+C before the engine records
    // an interrupted checkpoint; the caller closes the browser instead.
    const browser = await puppeteer.launch({
      ...tiedLaunch(executablePath),
      headless: true,
      args: chromiumArgs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: true, // a closed terminal: close the browser rather than orphan it
    });
    options.logger?.debug({ executablePath, durationMs: Date.now() - startedAt }, 'chromium started');

    return new MermaidRenderer(browser, options.renderTimeoutMs ?? 60_000, clampScale(options.deviceScaleFactor ?? 1.5));
  }

  /**
   * Renders `definition` to PNG bytes; throws {@link DiagramRenderError}. `deviceScaleFactor`
   * overrides the renderer's for this picture (between 0.5 and 4).
   */
  async renderPng(definition: string, options: { deviceScaleFactor?: number } = {}): Promise<Buffer> {
    return this.render(definition, 'png', clampScale(options.deviceScaleFactor ?? this.deviceScaleFactor));
  }

  /** Renders `definition` to SVG bytes; throws {@link DiagramRenderError}. */
  async renderSvg(definition: string): Promise<Buffer> {
    return this.render(definition, 'svg', 1);
  }

  /** Closes the browser; safe to call more than once. */
  async close(): Promise<void> {
    if (this.browser.connected) await this.browser.close();
  }

  private async render(definition: string, format: 'png' | 'svg', deviceScaleFactor: number): Promise<Buffer> {
    const rendering = renderMermaid(this.browser, definition, format, {
      backgroundColor: 'white',
      mermaidConfig: mermaidPictureConfig,
      viewport: { width: 1200, height: 800, deviceScaleFactor },
    });

    // After a timeout the abandoned rendering may still fail; that outcome is already reported.
    rendering.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result after ${this.renderTimeoutMs} ms`)), this.renderTimeoutMs);
    });
    try {
      const { data } = await Promise.race([rendering, timeout]);
      return Buffer.from(data);
    } catch (error) {
      throw new DiagramRenderError(format, firstLine(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

function clampScale(scale: number): number {
  return Math.min(4, Math.max(0.5, scale));
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '') ?? message;
}
