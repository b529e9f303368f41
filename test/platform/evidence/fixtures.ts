import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a file from test/fixtures/evidence. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/evidence/${name}`, import.meta.url)), 'utf8');
}
