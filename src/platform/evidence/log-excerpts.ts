/** Keeps the last `maxLines` lines pushed into it, for an analysis prompt. */
export class LogTail {
  readonly #lines: string[] = [];

  /** @param maxLines lines kept; default 200, at least 1. */
  constructor(readonly maxLines = 200) {
    this.maxLines = Math.max(1, Math.floor(maxLines));
  }

  /** Adds one line, dropping the oldest when full. */
  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.maxLines) this.#lines.shift();
  }

  /** The kept lines, oldest first. */
  lines(): string[] {
    return [...this.#lines];
  }
}

const TRACEBACK_HEADER = 'Traceback (most recent call last):';
const ERROR_WORDS = /\b(?:error|exception|fatal|killed|out of memory|segmentation fault|core dumped)\b/i;
const MAX_TRACEBACK_LINES = 40;
const MAX_SUMMARY_CHARS = 2000;

/**
 * Finds what went wrong in a job's output: the last Python traceback (header to exception line,
 * at most 40 lines and 2000 characters, keeping its end), or else the last line naming an error.
 */
export class ErrorSummaryReader {
  #current: string[] | undefined;
  #lastTraceback: string[] | undefined;
  #lastErrorLine: string | undefined;

  /** Feeds one line of output. */
  push(line: string): void {
    if (line.includes(TRACEBACK_HEADER)) {
      this.#current = [line];
      return;
    }
    if (this.#current) {
      this.#current.push(line);
      // The first unindented line after the frames names the exception and ends the block.
      if (line.trim() !== '' && !/^\s/.test(line)) this.#closeTraceback();
      return;
    }
    if (ERROR_WORDS.test(line)) this.#lastErrorLine = line.trim();
  }

  /** The summary so far, or `undefined` when the output showed no error. */
  summary(): string | undefined {
    const block = this.#current ?? this.#lastTraceback;
    const text = block ? block.slice(-MAX_TRACEBACK_LINES).join('\n') : this.#lastErrorLine;
    return text === undefined ? undefined : text.slice(-MAX_SUMMARY_CHARS);
  }

  #closeTraceback(): void {
    this.#lastTraceback = this.#current;
    this.#current = undefined;
  }
}
