import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { TestResult } from 'allure-js-commons'
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter'
import AllureVitestReporter from 'allure-vitest/reporter'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification, type Vitest } from 'vitest/node'
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

/**
 * allure-js-commons publishes every result through a temporary file, an fsync and a rename, so a
 * report read while the run writes it never sees half a file. Here nothing reads the folder
 * before the run ends, and on the reporter's thread, which also hands the workers their next
 * file, that cost ~1.2 ms a test (3,000 tests: ~3.7 s; a profile of the main process: fsync,
 * open and unlink were its busiest calls). Results are written in one call instead; every other
 * file (environment, categories) keeps the library's own path.
 *
 * Results and attachments are written with the mock's built-in client secrets redacted (their
 * wire forms and 16+ character pieces too, scripts/live/secrets.ts): test titles and attachments
 * quote them, and a later `live` run into the same reports folder (a rehearsal against the mock
 * with its default client) failed its leak scan on `npm test`'s files.
 */
export class ResultWriter extends FileSystemWriter {
  private readonly dir: string
  private readonly secrets = new SecretSet()
  constructor(config: { resultsDir: string }) {
    super(config)
    this.dir = config.resultsDir
    this.secrets.add(DEFAULT_CLIENT_SECRET, ENCODING_CLIENT_SECRET, DINERO_API_RESOURCE_SECRET)
  }
  override writeResult(result: TestResult): void {
    writeFileSync(join(this.dir, `${result.uuid}-result.json`), this.secrets.redact(JSON.stringify(result)))
  }
  override writeAttachment(distFileName: string, content: Buffer): void {
    super.writeAttachment(distFileName, this.redacted(content))
  }
  override writeAttachmentFromPath(distFileName: string, from: string): void {
    super.writeAttachment(distFileName, this.redacted(readFileSync(from)))
  }
  /** Text as UTF-8; a binary file (a NUL byte: a screenshot) as latin1, so its bytes survive. */
  private redacted(content: Buffer): Buffer {
    const encoding = content.includes(0) ? 'latin1' : 'utf8'
    return Buffer.from(this.secrets.redact(content.toString(encoding)), encoding)
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
      ['junit', { outputFile: 'reports/junit-vitest.xml' }],
      clearAllureResults,
      new AllureReporter({ resultsDir: ALLURE_RESULTS }),
    ],
  },
})
