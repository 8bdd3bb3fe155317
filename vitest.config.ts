import { defineConfig } from 'vitest/config';

/**
 * One Vitest run for the whole repository (`npm test`); each Nx project's `test` target runs
 * the same configuration restricted to its own folder (`vitest run --dir <project>`).
 */
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'policies/*/src/**/*.test.ts',
      'environments/*/src/**/*.test.ts',
      'scripts/src/**/*.test.ts',
      'e2e/src/**/*.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './scripts/src/vitest-summary-reporter.ts'],
  },
});
