import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Streams a log file line by line into `visit`, so logs of any size are read in constant memory.
 * Returns false when the file does not exist (a job that never wrote it), true otherwise.
 */
export async function readLogLines(path: string, visit: (line: string) => void): Promise<boolean> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<boolean>((resolve, reject) => {
    stream.once('ready', () => resolve(true));
    stream.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') resolve(false);
      else reject(error);
    });
  });
  if (!(await opened)) return false;

  // A carriage return alone (progress bars) also ends a line, so the last state of a bar is kept.
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    for (const part of line.split('\r')) visit(part);
  }
  return true;
}
