import { spawn } from 'node:child_process';
import type { JobFiles } from './job-files.ts';

/**
 * The shell that runs a job and outlives its launcher. It records its pid first (the process
 * group id, since it leads its own session), then runs `command.sh` with the logs as files, then
 * records the job's exit code. Both records go through a temporary file and `mv`, so a reader
 * never sees half a number. Trapping (not ignoring) TERM keeps the wrapper alive long enough to
 * record the exit code when the group is cancelled; the job itself gets default handlers back.
 */
const WRAPPER_SCRIPT = `dir=$1
trap : HUP INT TERM
echo "$$" > "$dir/pid.tmp" && mv -f "$dir/pid.tmp" "$dir/pid"
/bin/sh "$dir/command.sh" < /dev/null > "$dir/stdout.log" 2> "$dir/stderr.log"
code=$?
echo "$code" > "$dir/exit_code.tmp" && mv -f "$dir/exit_code.tmp" "$dir/exit_code"
`;

/**
 * Starts the wrapper for the job whose `command.sh` is already in place, as the leader of a new
 * session (so it survives the launcher, and a terminal's Ctrl+C never reaches it). Resolves with
 * its pid once the process exists; rejects when it cannot be spawned (e.g. missing `cwd`).
 */
export async function spawnJobWrapper(
  files: JobFiles,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const child = spawn('/bin/sh', ['-c', WRAPPER_SCRIPT, 'autoresearch-job', files.jobDir], {
    cwd,
    env,
    detached: true,
    stdio: 'ignore',
  });

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.unref();

  if (child.pid === undefined) throw new Error('the job process started without a pid');
  return child.pid;
}
