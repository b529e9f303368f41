/** Default bounds of {@link outputTail}. */
export const OUTPUT_TAIL_LINES = 40;
export const OUTPUT_TAIL_CHARS = 4000;

/**
 * The end of a command's output, as kept in failure records: at most `maxLines` lines and
 * `maxChars` characters (defaults 40 and 4000), so a record stays small however much was printed.
 */
export function outputTail(
  text: string,
  maxLines = OUTPUT_TAIL_LINES,
  maxChars = OUTPUT_TAIL_CHARS,
): string {
  const lines = text.trimEnd().split('\n');
  const kept = lines.slice(-maxLines).join('\n');
  return kept.length > maxChars ? kept.slice(-maxChars) : kept;
}
