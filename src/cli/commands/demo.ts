import { execa } from 'execa';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ResearchConfigInput } from '../../research/research-config.ts';
import { runResearch, type RunOutcome } from '../run-research.ts';

/** Where the example pipeline lives in this repository. */
const EXAMPLE_DIR = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'pipeline');

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the workdir goes; a fresh temporary folder when absent. */
  workdir?: string;
  /** Overrides of the demo's settings (the tests use a shorter run). */
  settings?: Partial<ResearchConfigInput>;
  /** Seconds of training per job. Default 4. */
  jobSeconds?: number;
  showProgress?: boolean;
}

/**
 * The one-command demo: copies the example pipeline into a fresh git repository, then runs the
 * whole loop on it with the offline agent and the local platform. Jobs run one at a time: on a
 * small machine, concurrent jobs would compete for the same cores and spoil each other's timings.
 */
export async function runDemo(options: DemoOptions = {}): Promise<{ outcome: RunOutcome; workdir: string; sourceDir: string; elapsedS: number }> {
  const startedMs = Date.now();
  const root = await mkdtemp(join(tmpdir(), 'autoresearch-demo-'));
  const sourceDir = join(root, 'pipeline');
  await cp(EXAMPLE_DIR, sourceDir, { recursive: true, filter: (path) => !path.includes('__pycache__') });
  await rm(join(sourceDir, 'search-space.json'));
  await writeFile(join(sourceDir, '.gitignore'), '__pycache__/\n');
  await initRepository(sourceDir);

  const workdir = resolve(options.workdir ?? join(root, 'workdir'));
  const seconds = options.jobSeconds ?? 4;
  const outcome = await runResearch(
    {
      workdir,
      pipelineScript: 'train.py',
      sourceDir,
      buildCommand: 'python3 -m py_compile train.py loader.py dataset.py transforms.py sources.py stats.py',
      baseLaunchCommand: `python3 train.py --steps 100000 --duration-s ${seconds}`,
      searchSpace: join(EXAMPLE_DIR, 'search-space.json'),
      settings: {
        max_concurrency: 1,
        max_iterations: 30,
        patience: 12,
        job_timeout_s: 60,
        wall_clock_limit_s: 120,
        poll_interval_s: 0.25,
        ...options.settings,
      },
    },
    { showProgress: options.showProgress ?? true },
  );
  return { outcome, workdir, sourceDir, elapsedS: (Date.now() - startedMs) / 1000 };
}

async function initRepository(dir: string): Promise<void> {
  const git = (...args: string[]) => execa('git', ['-c', 'user.name=autoresearch demo', '-c', 'user.email=demo@localhost', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'example pipeline');
}
