/** Base of every error raised while drawing pictures. */
export class RenderError extends Error {
  override readonly name: string = 'RenderError';
}

/**
 * Thrown when no Chromium can be found to draw the hypothesis tree: the configured path is not
 * an executable file, or none of the usual install locations holds one.
 */
export class ChromiumNotFoundError extends RenderError {
  override readonly name = 'ChromiumNotFoundError';

  constructor(readonly triedPaths: readonly string[]) {
    super(
      `No Chromium executable found (tried ${triedPaths.join(', ')}). Install Debian's "chromium" package or set PUPPETEER_EXECUTABLE_PATH (or CHROMIUM_PATH) to a Chromium or Chrome binary.`,
    );
  }
}

/** Thrown when mermaid or the browser fails to turn a diagram into a picture. */
export class DiagramRenderError extends RenderError {
  override readonly name = 'DiagramRenderError';

  constructor(
    readonly format: 'png' | 'svg',
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Rendering the mermaid diagram to ${format} failed: ${detail}`, options);
  }
}
