// @ts-check
/**
 * Mutation testing (`npm run mutation`, docs/MUTATION.md): the Connect mock and the rule-bearing
 * Dinero files, against the specs in vitest.mutation.config.ts. Scope a run with
 * `npm run mutation -- --mutate mocks/connect/client-auth.ts`; incremental mode re-tests only the
 * mutants whose code or covering tests changed since the last run.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'mocks/connect/**/*.ts',
    'mocks/dinero/ledger.ts',
    'mocks/dinero/manual-vouchers.ts',
    'mocks/dinero/ledger-items.ts',
    'mocks/dinero/invoices.ts',
    'mocks/dinero/pricing.ts',
    'mocks/dinero/query.ts',
    'mocks/dinero/body.ts',
    'mocks/dinero/auth.ts',
    'mocks/dinero/endpoint.ts',
  ],
  coverageAnalysis: 'perTest',
  // Two cores on the machine this was written on, shared with other work.
  concurrency: 1,
  timeoutMS: 20_000,
  // A static mutant (module-level code: a Set of response modes, a list of parameter names) is
  // reached while modules load, before any test, so Stryker runs every spec for each one: with
  // them a file of ~450 mutants took hours instead of minutes here. They are left out of the
  // score (docs/MUTATION.md says which); `ignoreStatic: false` here puts them back.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['reports', 'dist', '.tmp', '.ci', 'examples/consumer'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
}
