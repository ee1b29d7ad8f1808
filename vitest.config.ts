import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // HTTP-bound specs wait on sockets more than on the CPU: more workers than cores pays off.
    maxWorkers: 3,
    // One module graph per worker instead of one per file: a fresh fork and fresh imports of msw,
    // newman and the mock for every file cost more CPU than most files' tests (docs/BENCH.md,
    // "npm test time"). Specs keep no state in shared modules beyond caches, restore what they
    // spy on, and close what they start.
    isolate: false,
    setupFiles: ['allure-vitest/setup'],
    reporters: [
      'default',
      ['junit', { outputFile: 'reports/junit-vitest.xml' }],
      ['allure-vitest/reporter', { resultsDir: 'reports/allure-results-vitest' }],
    ],
  },
})
