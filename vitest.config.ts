import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // HTTP-bound specs wait on sockets more than on the CPU: more workers than cores pays off.
    maxWorkers: 3,
    setupFiles: ['allure-vitest/setup'],
    reporters: [
      'default',
      ['junit', { outputFile: 'reports/junit-vitest.xml' }],
      ['allure-vitest/reporter', { resultsDir: 'reports/allure-results-vitest' }],
    ],
  },
})
