/**
 * `npm run bench`: runs every benchmark in this folder, one process each, in name order.
 * Benchmarks print their figures and whether targets were met; they never fail the build.
 */
import { execa } from 'execa';
import { readdir } from 'node:fs/promises';

const files = (await readdir(import.meta.dirname)).filter((name) => name.endsWith('.ts') && name !== 'index.ts').sort();

for (const file of files) {
  console.log(`\n=== bench/${file}`);
  const result = await execa('npx', ['tsx', file], { cwd: import.meta.dirname, stdio: 'inherit', reject: false });
  if (result.exitCode !== 0) console.log(`bench/${file} exited with ${result.exitCode ?? result.signal}`);
}
