/**
 * Makes free text safe inside a quoted mermaid label (`id["…"]`), both when mermaid renders it
 * and when the diagram sits in a markdown code fence on GitHub.
 *
 * Characters that mermaid or HTML would interpret become mermaid entity codes (`#quot;`, `#35;`,
 * …; see https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters):
 * quotes end the label, `#` starts an entity, `<`, `>` and `&` are read as HTML, and a backtick
 * could close the surrounding fence. Line breaks and control characters become spaces. The text
 * is cut to `maxChars` characters (default 40) with an ellipsis, before escaping, so the limit
 * applies to what the reader sees.
 */
export function escapeMermaidLabel(text: string, maxChars = 40): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const cut = truncateText(flat, maxChars);
  return [...cut].map((char) => entityFor(char) ?? char).join('');
}

/** Cuts `text` to at most `maxChars` characters, ending with `…` when it was cut. */
export function truncateText(text: string, maxChars: number): string {
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  return `${chars.slice(0, Math.max(0, maxChars - 1)).join('').trimEnd()}…`;
}

const entities: Readonly<Record<string, string>> = {
  '"': '#quot;',
  '#': '#35;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '`': '#96;',
  '\\': '#92;',
};

function entityFor(char: string): string | undefined {
  return entities[char];
}
