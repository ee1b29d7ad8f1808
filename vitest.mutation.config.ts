import { defineConfig } from 'vitest/config'

/**
 * The specs Stryker runs against each mutant (`npm run mutation`, docs/MUTATION.md): the ones that
 * drive the Connect and Dinero mocks in-process through HTTP (msw or a served port), plus the
 * catalogue, the vitest bite proof and the grader's specs, whose journal notes count. Specs that
 * drive the mock in a child process or a browser cannot see Stryker's active mutant and only
 * slow the dry run, so they stay out. No allure/junit reporters: Stryker reads vitest's state.
 */
export default defineConfig({
  test: {
    include: [
      'specs/connect/**/*.spec.ts',
      'specs/dinero/**/*.spec.ts',
      'specs/checks/catalogue.spec.ts',
      'specs/checks/bite-vitest.spec.ts',
      'specs/robustness/fuzz-endpoints.spec.ts',
      'specs/robustness/races.spec.ts',
      'specs/robustness/regressions/**/*.spec.ts',
      'specs/control/**/*.spec.ts',
      'specs/grade/**/*.spec.ts',
    ],
    exclude: ['**/node_modules/**', 'specs/control/csrf-browser.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One module graph per run rather than per file: a mutant's run imports msw and the mock once
    // instead of once per covering spec file. Stryker activates mutants through a global at call
    // time, and its vitest runner starts fresh workers for every run.
    isolate: false,
    reporters: ['default'],
  },
})
