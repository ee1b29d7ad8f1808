import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Globals, TestResult, TestResultContainer } from 'allure-js-commons'
import type { EnvironmentInfo } from 'allure-js-commons/sdk'
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter'
import AllureVitestReporter from 'allure-vitest/reporter'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification, type Vitest } from 'vitest/node'
import { JUnitReporter } from 'vitest/reporters'
import { DEFAULT_CLIENT_SECRET, DINERO_API_RESOURCE_SECRET, ENCODING_CLIENT_SECRET } from './mocks/options.ts'
import { SecretSet } from './scripts/live/secrets.ts'

/**
 * The files that take longest in wall time (docs/BENCH.md has the per-file figures), started first
 * even on a checkout with no vitest cache, which would otherwise start the largest files first;
 * these are small files that wait on child processes or run the whole collection through Newman
 * many times. A long file started last leaves one core idle until it ends. The files that mostly
 * wait (the grader's apps back off on 429 and 503; the lock race runs on a timetable) are spread
 * between the busy ones, one at a time: two of them side by side left the two cores half idle
 * for ~8 s. With a cache, the rest follow vitest's own order (failed first, then longest first).
 */
const FIRST = [
  /specs\/package\/consumer\.spec\.ts$/,
  /specs\/control\/time\.spec\.ts$/,
  /specs\/live\/rehearsal\.spec\.ts$/,
  /specs\/grade\/good-app\.spec\.ts$/,
  /specs\/checks\/bite-newman-\d+\.spec\.ts$/,
  /specs\/reports\/main-job\.spec\.ts$/,
  /specs\/grade\/running-app\.spec\.ts$/,
  /specs\/live\/crash-recovery\.spec\.ts$/,
  /specs\/checks\/bite-vitest\.spec\.ts$/,
  /specs\/live\/lock-race\.spec\.ts$/,
  /specs\/control\/journal-memory\.spec\.ts$/,
  /specs\/reports\/allure-view\.spec\.ts$/,
  /specs\/checks\/collection-replay\.spec\.ts$/,
  /specs\/grade\/careless-app\.spec\.ts$/,
  /specs\/live\/(drift-live|live-run)\.spec\.ts$/,
]
const rank = (file: TestSpecification) => {
  const i = FIRST.findIndex((re) => re.test(file.moduleId))
  return i < 0 ? FIRST.length : i
}

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

const ALLURE_RESULTS = resolve(import.meta.dirname, 'reports/allure-results-vitest')

/**
 * allure-vitest adds each run's result files to its folder and never clears it, so a report
 * rendered from it showed every earlier run's results as this run's (23k files after a day of
 * runs). Cleared as the run starts, before the Allure reporter writes its first file.
 */
const clearAllureResults = {
  onInit() {
    rmSync(ALLURE_RESULTS, { recursive: true, force: true })
  },
}

/** The mock's built-in client secrets (their wire forms and 16+ character pieces too, scripts/live/secrets.ts). */
const MOCK_SECRETS = new SecretSet()
MOCK_SECRETS.add(DEFAULT_CLIENT_SECRET, ENCODING_CLIENT_SECRET, DINERO_API_RESOURCE_SECRET)
const redactJson = (value: unknown) => MOCK_SECRETS.redact(JSON.stringify(value))

/**
 * allure-js-commons publishes every result through a temporary file, an fsync and a rename, so a
 * report read while the run writes it never sees half a file. Here nothing reads the folder
 * before the run ends, and on the reporter's thread, which also hands the workers their next
 * file, that cost ~1.2 ms a test (3,000 tests: ~3.7 s; a profile of the main process: fsync,
 * open and unlink were its busiest calls). Results are written in one call instead.
 *
 * Everything it writes has the mock's client secrets redacted: results, containers, globals
 * (a failed hook's message), attachments and the environment. Test titles, attachments and
 * failure messages quote them, and a later `live` run into the same reports folder (a rehearsal
 * against the mock with its default client) failed its leak scan on `npm test`'s files.
 */
export class ResultWriter extends FileSystemWriter {
  private readonly dir: string
  constructor(config: { resultsDir: string }) {
    super(config)
    this.dir = config.resultsDir
  }
  override writeResult(result: TestResult): void {
    writeFileSync(join(this.dir, `${result.uuid}-result.json`), redactJson(result))
  }
  override writeGroup(result: TestResultContainer): void {
    writeFileSync(join(this.dir, `${result.uuid}-container.json`), redactJson(result))
  }
  override writeGlobals(distFileName: string, info: Globals): void {
    writeFileSync(join(this.dir, distFileName), redactJson(info))
  }
  override writeEnvironmentInfo(info: EnvironmentInfo): void {
    super.writeEnvironmentInfo(
      Object.fromEntries(
        Object.entries(info).map(([k, v]) => [k, v === undefined ? v : MOCK_SECRETS.redact(v)]),
      ),
    )
  }
  override writeAttachment(distFileName: string, content: Buffer): void {
    super.writeAttachment(distFileName, MOCK_SECRETS.redactBytes(content) ?? content)
  }
  override writeAttachmentFromPath(distFileName: string, from: string): void {
    this.writeAttachment(distFileName, readFileSync(from))
  }
}

/** vitest's JUnit file, with the mock's client secrets redacted once it is written (a failure message quotes them). */
export class JUnitWriter extends JUnitReporter {
  private readonly file: string
  constructor(options: { outputFile: string }) {
    super(options)
    this.file = options.outputFile
  }
  override async onTestRunEnd(...args: Parameters<JUnitReporter['onTestRunEnd']>): Promise<void> {
    await super.onTestRunEnd(...args)
    const redacted = MOCK_SECRETS.redactBytes(readFileSync(this.file))
    if (redacted !== undefined) writeFileSync(this.file, redacted)
  }
}

class AllureReporter extends AllureVitestReporter {
  override onInit(vitest: Vitest): void {
    super.onInit(vitest)
    const runtime = (this as unknown as { allureReporterRuntime?: { writer?: unknown } })
      .allureReporterRuntime
    // Its runtime is private to allure-vitest: fail loudly if an upgrade moved it.
    if (runtime?.writer === undefined)
      throw new Error('allure-vitest no longer keeps allureReporterRuntime.writer: revisit ResultWriter')
    runtime.writer = new ResultWriter({ resultsDir: ALLURE_RESULTS })
    mkdirSync(ALLURE_RESULTS, { recursive: true })
  }
}

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // HTTP-bound specs and specs that wait on child processes leave their worker idle: more
    // workers than cores pays off.
    maxWorkers: 3,
    // One module graph per worker instead of one per file: a fresh fork and fresh imports of msw,
    // newman and the mock for every file cost more CPU than most files' tests (docs/BENCH.md,
    // "npm test time"). Specs keep no state in shared modules beyond caches, restore what they
    // spy on, and close what they start.
    isolate: false,
    sequence: { sequencer: SlowFirst },
    // Keep transformed modules on disk between runs (node_modules/.experimental-vitest-cache,
    // keyed by each file's content and the config): a rerun skips transforming ~300 TypeScript
    // files, ~2 CPU-s of 14 on specs/connect alone (docs/BENCH.md). `vitest --clearCache` empties it.
    experimental: { fsModuleCache: true },
    setupFiles: ['allure-vitest/setup'],
    reporters: [
      'default',
      new JUnitWriter({ outputFile: resolve(import.meta.dirname, 'reports/junit-vitest.xml') }),
      clearAllureResults,
      new AllureReporter({ resultsDir: ALLURE_RESULTS }),
    ],
  },
})
