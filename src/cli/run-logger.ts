import { join } from 'node:path';
import { pino, type Logger } from 'pino';

/**
 * The run's log: everything at debug level to `<workdir>/logs/autoresearch.log`, written
 * synchronously so the last lines before a crash are on disk.
 */
export function createRunLogger(workdir: string): Logger {
  const destination = pino.destination({ dest: join(workdir, 'logs', 'autoresearch.log'), mkdir: true, sync: true });
  return pino({ level: 'debug', base: { pid: process.pid } }, destination);
}
