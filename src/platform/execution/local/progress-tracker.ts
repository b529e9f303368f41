import { open } from 'node:fs/promises';
import { writeJsonDurably } from '../../../engine/durable-file.ts';
import type { JobProgress } from '../execution.ts';
import type { JobFiles, ProgressMarker } from './job-files.ts';

/** The text that marks a progress line in a job's output. */
export const PROGRESS_MARKER = '[autoresearch]';

// Bytes read per log per poll; a job that prints faster is caught up over the next polls.
const MAX_READ_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;
const EMPTY_MARKER: ProgressMarker = { stdoutOffset: 0, stderrOffset: 0, progressLines: 0 };

/**
 * Reads what the job printed since the last call (both logs, complete lines only), and moves
 * the progress marker when a new progress line appeared. The marker is persisted atomically in
 * the job folder, so stall tracking continues across an engine restart; `nowIso` is when the
 * new lines were seen.
 */
export async function trackProgress(files: JobFiles, nowIso: string): Promise<JobProgress> {
  const before = (await files.readProgress()) ?? EMPTY_MARKER;

  const stdout = await readNewLines(files.stdout, before.stdoutOffset);
  const stderr = await readNewLines(files.stderr, before.stderrOffset);
  const found = [...stdout.lines, ...stderr.lines].filter((line) => line.includes(PROGRESS_MARKER));

  const offsets = { stdoutOffset: stdout.offset, stderrOffset: stderr.offset };
  const after: ProgressMarker = { ...before, ...offsets };
  if (found.length > 0) {
    after.lastLine = found.at(-1);
    after.lastProgressAt = nowIso;
    after.progressLines = before.progressLines + found.length;
  }

  const hasMoved =
    after.stdoutOffset !== before.stdoutOffset || after.stderrOffset !== before.stderrOffset;
  if (hasMoved) await writeJsonDurably(files.progress, after);
  return toProgress(after);
}

/** The progress part of a marker, without the read offsets. */
export function toProgress(marker: ProgressMarker | undefined): JobProgress {
  const progress: JobProgress = { progressLines: marker?.progressLines ?? 0 };
  if (marker?.lastLine !== undefined) progress.lastLine = marker.lastLine;
  if (marker?.lastProgressAt !== undefined) progress.lastProgressAt = marker.lastProgressAt;
  return progress;
}

async function readNewLines(
  path: string,
  offset: number,
): Promise<{ lines: string[]; offset: number }> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return { lines: [], offset };

  try {
    const { size } = await handle.stat();
    // A log shorter than the offset was replaced: read it from the start.
    const start = size < offset ? 0 : offset;
    const length = Math.min(size - start, MAX_READ_BYTES);
    if (length <= 0) return { lines: [], offset: start };

    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, start);
    return splitCompleteLines(buffer, start, length === MAX_READ_BYTES);
  } finally {
    await handle.close();
  }
}

function splitCompleteLines(buffer: Buffer, start: number, isFullChunk: boolean) {
  const end = buffer.lastIndexOf(NEWLINE);
  // A full chunk with no newline at all is one enormous line: skip it rather than stall on it.
  if (end < 0) return { lines: [], offset: isFullChunk ? start + buffer.length : start };

  const lines = buffer.subarray(0, end).toString('utf8').split('\n');
  return { lines, offset: start + end + 1 };
}
