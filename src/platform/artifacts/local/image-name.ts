/** The image a build names, or the line that was not a usable name. */
export type ImageChoice =
  | { isValid: true; image: string; source: 'output' | 'commit' }
  | { isValid: false; line: string };

// Registry host with port, path, tag and digest: `ghcr.io:443/team/app:v1@sha256:…`. Anything
// with spaces or shell syntax is a log line, not a name, and would break the launch command.
const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/;

/** Number of commit characters in a derived image name. */
export const SHORT_COMMIT_LENGTH = 12;

/**
 * Picks the image name from a build's stdout: its last non-empty line, trimmed. When stdout is
 * empty the name is derived from the commit (`autoresearch-<first 12 characters>`), so a build
 * that tags images itself need not print anything.
 */
export function chooseImageName(stdout: string, commit: string): ImageChoice {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const last = lines.at(-1);
  if (last === undefined) {
    const image = `autoresearch-${commit.slice(0, SHORT_COMMIT_LENGTH)}`;
    return { isValid: true, image, source: 'commit' };
  }
  if (!IMAGE_NAME.test(last)) return { isValid: false, line: last };
  return { isValid: true, image: last, source: 'output' };
}
