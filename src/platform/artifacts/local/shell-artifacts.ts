import { execa } from 'execa';
import { pino, type Logger } from 'pino';
import { writeFileDurably } from '../../../engine/durable-file.ts';
import { terminateProcessGroup } from '../../execution/local/process-group.ts';
import type { Artifacts, BuildRequest, BuildResult } from '../artifacts.ts';
import { BuildFailedError, type BuildEnding } from '../artifacts-errors.ts';
import { chooseImageName } from './image-name.ts';
import { outputTail } from './output-tail.ts';

/** Options of {@link ShellArtifacts}. */
export interface ShellArtifactsOptions {
  /** Build time limit when the request gives none. Default 30 minutes. */
  timeoutMs?: number;
  /** After a timeout or cancel, time between SIGTERM and SIGKILL. Default 5000 ms. */
  killGraceMs?: number;
  /** Receives debug lines; silent by default. */
  logger?: Logger;
}

/** How the build command ended, before it is judged. */
interface BuildRun {
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
  /** Set when the build was stopped by us or never started. */
  stoppedBy?: 'timeout' | 'cancelled' | 'spawn';
  spawnError?: string;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_KILL_GRACE_MS = 5000;

/**
 * The local {@link Artifacts}: runs the build command through the shell in the experiment's
 * folder, as its own process group so a timeout or cancel ends every process it started.
 */
export class ShellArtifacts implements Artifacts {
  readonly #timeoutMs: number;
  readonly #killGraceMs: number;
  readonly #logger: Logger;

  constructor(options: ShellArtifactsOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    const startedMs = Date.now();
    const run = await this.#run(request, timeoutMs);
    const durationMs = Date.now() - startedMs;

    const failure = describeFailure(run, request, timeoutMs);
    const choice = failure ? undefined : chooseImageName(run.stdout, request.commit);
    const succeeded = choice?.isValid ? `succeeded: ${choice.image}` : 'succeeded';
    const summary = failure?.outcome ?? succeeded;
    await writeBuildLog(request, run, `${summary} after ${durationMs} ms`);

    if (failure) throw this.#failed(request, run, failure.ending, failure.outcome);
    if (!choice?.isValid) {
      const outcome = `succeeded, but the last line of its stdout ("${choice?.line}") is not an image name; make the build print the image name as its last stdout line (other output to stderr), or print nothing to use a name derived from the commit`;
      throw this.#failed(request, run, 'bad_image', outcome);
    }

    this.#logger.debug({ image: choice.image, durationMs }, 'build finished');
    const { image, source } = choice;
    return { image, imageSource: source, logPath: request.logPath, durationMs };
  }

  async #run(request: BuildRequest, timeoutMs: number): Promise<BuildRun> {
    if (request.signal?.aborted) return { stdout: '', stderr: '', stoppedBy: 'cancelled' };

    const subprocess = execa(request.command, {
      shell: true,
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdin: 'ignore',
      reject: false,
    });

    let stoppedBy: BuildRun['stoppedBy'];
    let stopping: Promise<unknown> = Promise.resolve();
    const stop = (reason: 'timeout' | 'cancelled') => {
      if (stoppedBy !== undefined || subprocess.pid === undefined) return;
      stoppedBy = reason;
      const { pid } = subprocess;
      stopping = terminateProcessGroup(pid, this.#killGraceMs).catch((error: unknown) => {
        this.#logger.warn({ err: error, pid }, 'could not stop the build');
      });
    };
    const onAbort = () => stop('cancelled');
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    request.signal?.addEventListener('abort', onAbort, { once: true });

    try {
      const result = await subprocess;
      // Return only once every process the build started is gone, not just its shell.
      await stopping;
      return toBuildRun(result, stoppedBy);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  #failed(request: BuildRequest, run: BuildRun, ending: BuildEnding, outcome: string) {
    const facts = {
      ending,
      command: request.command,
      cwd: request.cwd,
      outcome,
      stdoutTail: outputTail(run.stdout),
      stderrTail: outputTail(run.stderr),
      logPath: request.logPath,
      ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
      ...(run.signal === undefined ? {} : { signal: run.signal }),
    };
    return new BuildFailedError(facts);
  }
}

function toBuildRun(
  result: Awaited<ReturnType<typeof execa>>,
  stoppedBy: BuildRun['stoppedBy'],
): BuildRun {
  const run: BuildRun = {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
  if (result.exitCode !== undefined) run.exitCode = result.exitCode;
  if (result.signal !== undefined) run.signal = result.signal;

  // Neither an exit code nor a signal: the shell never ran (missing folder, no /bin/sh).
  const isSpawnFailure = result.failed && run.exitCode === undefined && run.signal === undefined;
  if (stoppedBy !== undefined) run.stoppedBy = stoppedBy;
  else if (isSpawnFailure) {
    run.stoppedBy = 'spawn';
    const { cause, shortMessage } = result;
    run.spawnError = cause instanceof Error ? cause.message : String(shortMessage);
  }
  return run;
}

/** One sentence per way a build can end badly; `undefined` for a clean exit. */
function describeFailure(run: BuildRun, request: BuildRequest, timeoutMs: number) {
  const failed = (ending: BuildEnding, outcome: string) => ({ ending, outcome });

  if (run.stoppedBy === 'timeout') {
    return failed('timeout', `timed out after ${timeoutMs} ms and was killed`);
  }
  if (run.stoppedBy === 'cancelled') return failed('cancelled', 'was cancelled');
  if (run.stoppedBy === 'spawn') {
    return failed('spawn', `could not start (${run.spawnError}); check that the folder ${request.cwd} exists`);
  }
  if (run.signal !== undefined) return failed('signal', `was killed by ${run.signal}`);
  if (run.exitCode !== 0) return failed('exit_code', `exited with code ${run.exitCode}`);
  return undefined;
}

async function writeBuildLog(request: BuildRequest, run: BuildRun, summary: string) {
  const text = [
    `$ ${request.command}`,
    `# cwd: ${request.cwd}`,
    `# ${summary}`,
    '--- stdout ---',
    run.stdout,
    '--- stderr ---',
    run.stderr,
    '',
  ].join('\n');
  await writeFileDurably(request.logPath, text);
}
