/**
 * Keeps the newest end of a long text (a log, a table) within `maxChars`, with a marker that
 * says how much was left out. When `keepFirstLine` is set the first line (a table header)
 * survives. Newest matters most to the agent, so the head is what goes.
 */
export function keepTail(text: string, maxChars: number, keepFirstLine = false): string {
  if (text.length <= maxChars) return text;

  const header = keepFirstLine ? `${text.split('\n', 1)[0]}\n` : '';
  const tail = text.slice(text.length - Math.max(0, maxChars - header.length));
  const cut = tail.indexOf('\n');
  const whole = cut >= 0 && cut < tail.length - 1 ? tail.slice(cut + 1) : tail;
  const omitted = text.length - header.length - whole.length;
  return `${header}[... ${omitted} earlier characters omitted ...]\n${whole}`;
}

/**
 * Keeps the newest items of a list whose joined length fits `maxChars`, and says how many older
 * ones were left out.
 */
export function keepNewest(items: readonly string[], maxChars: number): string[] {
  const kept: string[] = [];
  let size = 0;
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index] as string;
    if (size + item.length > maxChars && kept.length > 0) break;
    kept.unshift(item);
    size += item.length + 1;
  }

  const omitted = items.length - kept.length;
  return omitted > 0 ? [`[... ${omitted} earlier item(s) omitted ...]`, ...kept] : kept;
}
