/** A word or control operator of a shell command, with its place in the command text. */
export interface ShellToken {
  /** The word after quote removal, or the operator characters. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly isOperator: boolean;
}

const OPERATOR_CHARS = new Set(['|', '&', ';', '<', '>', '(', ')']);
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Splits a POSIX shell command into words and control operators, honouring single quotes, double
 * quotes and backslashes. It does not expand anything: `$IMAGE` stays `$IMAGE`.
 */
export function splitShellWords(command: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  let index = 0;

  while (index < command.length) {
    const char = command[index] as string;
    if (/\s/.test(char)) {
      index += 1;
    } else if (OPERATOR_CHARS.has(char)) {
      const end = operatorEnd(command, index);
      tokens.push({ text: command.slice(index, end), start: index, end, isOperator: true });
      index = end;
    } else {
      const word = readWord(command, index);
      tokens.push({ ...word, start: index, isOperator: false });
      index = word.end;
    }
  }
  return tokens;
}

/** Quotes a value so a POSIX shell reads it back as one word, unchanged. */
export function quoteShellWord(value: string): string {
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function operatorEnd(command: string, start: number): number {
  let end = start;
  while (end < command.length && OPERATOR_CHARS.has(command[end] as string)) end += 1;
  return end;
}

function readWord(command: string, start: number): { text: string; end: number } {
  let text = '';
  let index = start;

  while (index < command.length) {
    const char = command[index] as string;
    if (/\s/.test(char) || OPERATOR_CHARS.has(char)) break;

    if (char === "'") {
      const close = closingIndex(command, index + 1, "'");
      text += command.slice(index + 1, close);
      index = close + 1;
    } else if (char === '"') {
      const quoted = readDoubleQuoted(command, index + 1);
      text += quoted.text;
      index = quoted.end;
    } else if (char === '\\') {
      text += command[index + 1] ?? '';
      index += 2;
    } else {
      text += char;
      index += 1;
    }
  }
  return { text, end: Math.min(index, command.length) };
}

// An unclosed quote runs to the end of the command, as far as this reader is concerned.
function closingIndex(command: string, from: number, quote: string): number {
  const close = command.indexOf(quote, from);
  return close === -1 ? command.length : close;
}

function readDoubleQuoted(command: string, from: number): { text: string; end: number } {
  let text = '';
  let index = from;

  while (index < command.length && command[index] !== '"') {
    const isEscape = command[index] === '\\' && '"\\$`'.includes(command[index + 1] ?? '');
    text += isEscape ? command[index + 1] : command[index];
    index += isEscape ? 2 : 1;
  }
  return { text, end: index + 1 };
}
