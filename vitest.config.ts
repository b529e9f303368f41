import { defineConfig } from 'vitest/config';

// Tests run real subprocesses, git and Chromium: two cores are the norm, so keep forks few and
// give slow cases room without hiding hangs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
