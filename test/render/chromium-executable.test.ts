import { execa } from 'execa';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { chromiumCandidatePaths, resolveChromiumExecutable, tiedLaunch } from '../../src/render/chromium-executable.ts';
import { ChromiumNotFoundError } from '../../src/render/render-error.ts';
import { chromiumDescendants, survivorsAfter } from '../fixtures/chromium-processes.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const HOLD_BROWSER = resolve(REPO_ROOT, 'test', 'fixtures', 'render', 'hold-browser-child.ts');

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

describe('tiedLaunch', () => {
  it('starts the browser through setpriv where it exists, passing the browser on in the environment', () => {
    const launch = tiedLaunch('/usr/bin/chromium', { PATH: '/usr/bin:/bin' });
    expect(launch.executablePath).toMatch(/chromium-tied-to-parent\.sh$/);
    expect(launch.env.AUTORESEARCH_CHROMIUM).toBe('/usr/bin/chromium');
  });

  it('starts the browser directly where setpriv is missing', () => {
    const env = { PATH: '/nonexistent' };
    expect(tiedLaunch('/usr/bin/chromium', env)).toEqual({ executablePath: '/usr/bin/chromium', env });
  });

  it('leaves no browser process behind when the process that drew with it is killed with SIGKILL', async () => {
    // One process (tsx loaded in it), so the SIGKILL lands on the process that owns the browser.
    const child = execa('node', ['--import', 'tsx', HOLD_BROWSER], { reject: false, cwd: REPO_ROOT });
    await new Promise<void>((ready, failed) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
      void child.then((result) => failed(new Error(`the child ended first: ${result.stderr}`)));
    });

    const browsers = await chromiumDescendants(child.pid!);
    expect(browsers.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await child;
    expect(await survivorsAfter(browsers)).toEqual([]);
  }, 60_000);
});
