import { accessSync, constants, statSync } from 'node:fs';

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
