import { describe, expect, it } from 'vitest';

import { chromiumCandidatePaths, resolveChromiumExecutable } from '../../src/render/chromium-executable.ts';
import { ChromiumNotFoundError } from '../../src/render/render-error.ts';

describe('resolveChromiumExecutable', () => {
  it('uses a configured path that is an executable file', () => {
    expect(resolveChromiumExecutable(process.execPath, {})).toBe(process.execPath);
  });

  it('takes PUPPETEER_EXECUTABLE_PATH, then CHROMIUM_PATH, from the environment', () => {
    expect(resolveChromiumExecutable(undefined, { PUPPETEER_EXECUTABLE_PATH: process.execPath, CHROMIUM_PATH: '/nope' })).toBe(process.execPath);
    expect(resolveChromiumExecutable(undefined, { CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });

  it('reports a wrong configured path instead of falling back to another browser', () => {
    const attempt = () => resolveChromiumExecutable('/opt/none/chromium', {});

    expect(attempt).toThrow(ChromiumNotFoundError);
    expect(attempt).toThrow(
      'No Chromium executable found (tried /opt/none/chromium). Install Debian\'s "chromium" package or set PUPPETEER_EXECUTABLE_PATH (or CHROMIUM_PATH) to a Chromium or Chrome binary.',
    );
  });

  it('rejects a folder even though it is searchable', () => {
    expect(() => resolveChromiumExecutable('/usr/bin', {})).toThrow(ChromiumNotFoundError);
  });

  it('finds an installed browser among the usual locations when nothing is configured', () => {
    expect(chromiumCandidatePaths).toContain(resolveChromiumExecutable(undefined, {}));
  });
});
