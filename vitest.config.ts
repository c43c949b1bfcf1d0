import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'packages/*/test/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one (a single worker on a 2-core machine); the suites
    // wait on database servers and child processes most of the time, and each file makes its own
    // databases, so two files at a time fit the machine.
    maxWorkers: 2,
  },
});
