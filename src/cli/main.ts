import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { AgentNameSchema, PrimaryMetricSchema, readConfig } from '../research/research-config.ts';
import { writeFinalReport } from '../research/final-report.ts';
import { runDemo } from './commands/demo.ts';
import { statusText } from './commands/status-text.ts';
import { headline } from './headline.ts';
import { createLocalPlatform } from './local-platform.ts';
import { createRunLogger } from './run-logger.ts';
import { runResearch } from './run-research.ts';

const program = new Command('autoresearch')
  .description('Makes an ML training pipeline faster on its own: baseline, headspace, then a tree of experiments that keeps only what truly helps.')
  .showHelpAfterError()
  // Usage errors exit with 2 like every other refused input (commander's own exit code is 1).
  .exitOverride();

program
  .command('run')
  .description('Start a run (the first time, with the pipeline flags) or continue it: the workdir alone, or with new limits, budget or agent.')
  .requiredOption('--workdir <dir>', 'folder for the run state (created)')
  .option('--pipeline-script <file>', 'the Python file of the training pipeline')
  .option('--source-dir <dir>', 'folder holding the pipeline code, inside a git repository')
  .option('--build-command <cmd>', 'builds the job image; its last stdout line names the image (default: none)')
  .option('--base-launch-command <cmd>', 'launches one training job; $IMAGE stands for the image')
  .option('--search-space <file>', 'JSON declaration of the knobs the offline planner may tune')
  .option('--primary-metric <name>', `what decides "improved": ${PrimaryMetricSchema.options.join(' | ')} (default: auto, throughput when reported, else steady step time)`, choice('--primary-metric', PrimaryMetricSchema.options))
  .option('--agent <name>', `${AgentNameSchema.options.join(' | ')} (default: anthropic when ANTHROPIC_API_KEY is set, else offline)`, choice('--agent', AgentNameSchema.options))
  .option('--model <id>', 'the model the anthropic agent uses')
  .option('--replay-dir <dir>', 'folder of recorded replies, for --agent replay')
  .option('--max-iterations <n>', 'experiments after the seeds, at most (repeats that confirm a result are not counted)', positiveInt('--max-iterations'))
  .option('--patience <n>', 'stop after this many finished experiments without a kept improvement', positiveInt('--patience'))
  .option('--max-concurrency <n>', 'experiments in flight at once', positiveInt('--max-concurrency'))
  .option('--job-timeout <s>', 'seconds without a new progress line before a job counts as stalled', positiveInt('--job-timeout'))
  .option('--wall-clock-limit <s>', 'seconds one job may run at most, progress or not', positiveInt('--wall-clock-limit'))
  .option('--min-effect-pct <pct>', 'smallest gain (percent) that counts as an improvement, even when noise is lower', nonNegativeNumber('--min-effect-pct'))
  .option('--budget-usd <usd>', 'stop starting work once the agent has spent this much', positiveNumber('--budget-usd'))
  .option('--budget-job-hours <h>', 'stop starting work once the jobs have run this many hours in all', positiveNumber('--budget-job-hours'))
  .action(async (flags) => {
    const workdir = resolve(flags.workdir);
    const continuing = Boolean(await readConfig(workdir));
    // A continued run keeps its agent unless --agent names another; a new one picks by the key.
    const agentName = flags.agent ?? (continuing ? undefined : process.env.ANTHROPIC_API_KEY?.trim() ? 'anthropic' : 'offline');
    const agent = { ...(agentName && { name: agentName }), ...(flags.model && { model: flags.model }), ...(flags.replayDir && { replay_dir: resolve(flags.replayDir) }) };
    const budget = { ...(flags.budgetUsd !== undefined && { usd: flags.budgetUsd }), ...(flags.budgetJobHours !== undefined && { job_hours: flags.budgetJobHours }) };
    const outcome = await runResearch({
      workdir,
      pipelineScript: flags.pipelineScript,
      sourceDir: flags.sourceDir,
      buildCommand: flags.buildCommand,
      baseLaunchCommand: flags.baseLaunchCommand,
      searchSpace: flags.searchSpace,
      settings: {
        ...(Object.keys(agent).length > 0 && { agent }),
        ...(Object.keys(budget).length > 0 && { budget }),
        ...(flags.primaryMetric && { primary_metric: flags.primaryMetric }),
        ...(flags.maxIterations && { max_iterations: flags.maxIterations }),
        ...(flags.patience && { patience: flags.patience }),
        ...(flags.maxConcurrency && { max_concurrency: flags.maxConcurrency }),
        ...(flags.jobTimeout && { job_timeout_s: flags.jobTimeout }),
        ...(flags.wallClockLimit && { wall_clock_limit_s: flags.wallClockLimit }),
        ...(flags.minEffectPct !== undefined && { min_effect_pct: flags.minEffectPct }),
      },
    });
    console.log(headline(outcome, workdir));
  });

program
  .command('resume <workdir>')
  .description('Continue an interrupted or crashed run from its workdir.')
  .action(async (dir: string) => {
    const workdir = resolve(dir);
    if (!(await readConfig(workdir))) throw new Error(`${workdir}/config.json not found: nothing to resume. Start a run with "autoresearch run".`);
    console.log(headline(await runResearch({ workdir }), workdir));
  });

program
  .command('status <workdir>')
  .description('Print the engine state, the experiment table and the running jobs.')
  .action(async (dir: string) => console.log(await statusText(resolve(dir))));

program
  .command('report <workdir>')
  .description('Write final_report.md from the run (with the configured agent\'s synthesis).')
  .action(async (dir: string) => {
    const workdir = resolve(dir);
    const config = await readConfig(workdir);
    if (!config) throw new Error(`${workdir}/config.json not found: ${workdir} is not an autoresearch workdir.`);
    const platform = createLocalPlatform(workdir, config, createRunLogger(workdir));
    console.log(`wrote ${await writeFinalReport(workdir, config, platform.agent)}`);
  });

program
  .command('demo')
  .description('Run the whole loop on the bundled example pipeline, in a fresh git repository.')
  .option('--workdir <dir>', 'where the workdir goes (default: a temporary folder)')
  .action(async (flags) => {
    const { outcome, workdir, elapsedS } = await runDemo({ workdir: flags.workdir });
    console.log(headline(outcome, workdir, elapsedS));
  });

/** A numeric flag's parser: refuses a value that is not a number `accepts` takes, naming the flag. */
function numberFlag(flag: string, expected: string, accepts: (value: number) => boolean) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || !accepts(parsed)) throw new InvalidArgumentError(`${flag} expects ${expected}, got "${value}".`);
    return parsed;
  };
}

function positiveInt(flag: string) {
  return numberFlag(flag, 'a whole number of at least 1', (n) => Number.isInteger(n) && n >= 1);
}

function positiveNumber(flag: string) {
  return numberFlag(flag, 'a number above 0', (n) => n > 0);
}

function nonNegativeNumber(flag: string) {
  return numberFlag(flag, 'a number of at least 0', (n) => n >= 0);
}

function choice(flag: string, allowed: readonly string[]) {
  return (value: string): string => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`${flag} expects one of ${allowed.join(', ')}, got "${value}".`);
    return value;
  };
}

try {
  await program.parseAsync(process.argv);
  process.exit(0); // samplers and browser handles must not hold a finished command open
} catch (error) {
  // commander has already printed its message (and the usage); --help and --version end with 0.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  console.error(`autoresearch: ${(error as Error).message}`);
  process.exit(2);
}
