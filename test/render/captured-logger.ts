import { pino, type Logger } from 'pino';

/** A pino logger that keeps each record in memory, for asserting on what was logged. */
export function capturedLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { logger, records };
}
