import { UnknownImplementationError } from '../../../src/platform/implementation-registry.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildFailedError } from '../../../src/platform/artifacts/artifacts-errors.ts';
import { createArtifacts } from '../../../src/platform/artifacts/artifacts-registry.ts';
import type { BuildRequest } from '../../../src/platform/artifacts/artifacts.ts';
import { ShellArtifacts } from '../../../src/platform/artifacts/local/shell-artifacts.ts';
import { isProcessRunning } from '../execution/process-state.ts';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

let folder: string;
const artifacts = new ShellArtifacts({ killGraceMs: 500 });

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ar-build-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function request(command: string, extra: Partial<BuildRequest> = {}): BuildRequest {
  return { command, cwd: folder, commit: COMMIT, logPath: join(folder, 'logs', 'build.log'), ...extra };
}

async function buildFailure(buildRequest: BuildRequest): Promise<BuildFailedError> {
  const error = await artifacts.build(buildRequest).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BuildFailedError);
  return error as BuildFailedError;
}

describe('image name', () => {
  it.each([
    ['the last non-empty stdout line names the image', 'echo step 1; echo registry:5000/app:v1; echo', 'registry:5000/app:v1', 'output'],
    ['stderr does not count', 'echo app:v2; echo noise >&2', 'app:v2', 'output'],
    ['no output derives the name from the commit', 'true', 'autoresearch-0123456789ab', 'commit'],
    ['blank output derives the name from the commit', 'printf "\\n  \\n"', 'autoresearch-0123456789ab', 'commit'],
  ])('%s', async (_rule, command, image, imageSource) => {
    await expect(artifacts.build(request(command))).resolves.toMatchObject({ image, imageSource });
  });

  it('refuses a last line that is a sentence, not an image name', async () => {
    const failure = await buildFailure(request('echo "Build complete!"'));

    expect(failure.facts.ending).toBe('bad_image');
    expect(failure.message).toContain('the last line of its stdout ("Build complete!") is not an image name');
  });
});

describe('build', () => {
  it('runs in the requested folder and writes the log where asked', async () => {
    const result = await artifacts.build(request('echo compiling >&2; basename "$(pwd)"'));

    expect(result.image).toBe(folder.split('/').at(-1));
    const log = await readFile(result.logPath, 'utf8');
    expect(log).toContain('$ echo compiling >&2; basename "$(pwd)"');
    expect(log).toContain('--- stderr ---\ncompiling');
  });

  it('records a non-zero exit with the command, exit code and output tails', async () => {
    const command = 'for i in $(seq 1 100); do echo "line $i"; done; echo "no space left" >&2; exit 3';

    const { failure } = await buildFailure(request(command));

    expect(failure).toMatchObject({ kind: 'build_failed', phase: 'build' });
    expect(failure.message).toBe(`The build exited with code 3: ${command} (log: ${join(folder, 'logs', 'build.log')})`);
    expect(failure.details).toMatchObject({ command, exitCode: 3, ending: 'exit_code', stderrTail: 'no space left' });
    expect(String(failure.details?.stdoutTail).split('\n')).toHaveLength(40);
    expect(String(failure.details?.stdoutTail)).toMatch(/line 100$/);
    expect(await readFile(join(folder, 'logs', 'build.log'), 'utf8')).toContain('line 1\n');
  });

  it('names the signal that killed the build', async () => {
    const failed = await buildFailure(request('kill -9 $$'));

    expect(failed.facts).toMatchObject({ ending: 'signal', signal: 'SIGKILL' });
    expect(failed.message).toContain('The build was killed by SIGKILL');
  });

  it('kills the whole build on timeout, including processes it started', async () => {
    const pidFile = join(folder, 'child.pid');

    const failed = await buildFailure(request(`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 300 }));

    expect(failed.facts.ending).toBe('timeout');
    expect(failed.message).toContain('timed out after 300 ms and was killed');
    const childPid = Number(await readFile(pidFile, 'utf8'));
    expect(await isProcessRunning(childPid)).toBe(false);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = buildFailure(request('sleep 30', { signal: controller.signal }));
    setTimeout(() => controller.abort(), 200);

    expect((await pending).facts.ending).toBe('cancelled');
  });

  it('reports a build that cannot start, naming the folder', async () => {
    const missing = join(folder, 'missing');

    const failed = await buildFailure(request('echo app', { cwd: missing }));

    expect(failed.facts.ending).toBe('spawn');
    expect(failed.message).toContain(`check that the folder ${missing} exists`);
  });
});

describe('createArtifacts', () => {
  it('builds the local implementation and lists the valid names for an unknown one', () => {
    expect(createArtifacts('local')).toBeInstanceOf(ShellArtifacts);
    expect(() => createArtifacts('bazel')).toThrow(UnknownImplementationError);
    expect(() => createArtifacts('bazel')).toThrow('Unknown artifacts "bazel"; expected one of: local.');
  });
});
