import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import { ChromiumNotFoundError } from './render-error.ts';

/** Install locations tried, in order, when no path is configured. */
export const chromiumCandidatePaths: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * Finds the Chromium to draw diagrams with. A path given explicitly (`configuredPath`, else the
 * `PUPPETEER_EXECUTABLE_PATH` or `CHROMIUM_PATH` environment variable) is the only one tried, so
 * a wrong setting is reported rather than silently replaced; otherwise the first executable of
 * {@link chromiumCandidatePaths}. Throws {@link ChromiumNotFoundError}. A browser is never
 * downloaded.
 */
export function resolveChromiumExecutable(
  configuredPath?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const explicit = configuredPath ?? nonEmpty(env.PUPPETEER_EXECUTABLE_PATH) ?? nonEmpty(env.CHROMIUM_PATH);
  const candidates = explicit === undefined ? chromiumCandidatePaths : [explicit];

  const found = candidates.find(isExecutableFile);
  if (found === undefined) throw new ChromiumNotFoundError(candidates);
  return found;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The wrapper that ties the browser's life to its parent's (see the script). */
const TIED_LAUNCHER = join(import.meta.dirname, 'chromium-tied-to-parent.sh');

/**
 * How to start `chromium` so that a SIGKILL of this process does not leave it running: through
 * `setpriv --pdeathsig` where util-linux provides it (Linux), else directly.
 */
export function tiedLaunch(chromium: string, env: NodeJS.ProcessEnv = process.env): { executablePath: string; env: NodeJS.ProcessEnv } {
  const hasSetpriv = (env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutableFile(join(dir, 'setpriv')));
  if (process.platform !== 'linux' || !hasSetpriv || !isExecutableFile(TIED_LAUNCHER)) return { executablePath: chromium, env };
  return { executablePath: TIED_LAUNCHER, env: { ...env, AUTORESEARCH_CHROMIUM: chromium } };
}
