// Launches one job, prints it as JSON, then idles until killed: stands for an engine that dies
// right after a launch. Arguments: indexDir jobDir cwd jobName command.
import { LocalExecution } from '../../../src/platform/execution/local/local-execution.ts';

const [indexDir = '', jobDir = '', cwd = '', jobName = '', command = ''] = process.argv.slice(2);
const execution = new LocalExecution({ indexDir });
const job = await execution.launch({ jobName, command, cwd, jobDir });
process.stdout.write(`${JSON.stringify(job)}\n`);
setInterval(() => undefined, 60_000);
