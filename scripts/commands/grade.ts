/**
 * `npm run grade -- --app <start command | URL> [--app-callback <url>] [--client-id id] [--client-secret s]
 *   [--mock-port 4010] [--reports reports] [--concurrency 5] [--retry-after 1] [--startup-timeout 20000]`
 * Grades an integrator's app against the served mock (docs/GRADING.md). Exit 0: every probe
 * passed; 1: a probe failed; 2: the grader could not run (usage, app would not start).
 */
import { parseArgs } from 'node:util'
import { fail } from './cli-errors.ts'
import { GradeError, type GradeOptions, gradeApp } from './grade/index.ts'

const { values } = parseArgs({
  options: {
    app: { type: 'string' },
    'app-callback': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'mock-port': { type: 'string' },
    reports: { type: 'string', default: 'reports' },
    concurrency: { type: 'string', default: '5' },
    'retry-after': { type: 'string', default: '1' },
    'startup-timeout': { type: 'string', default: '20000' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
})

const usage = `usage: npm run grade -- --app "<command that starts your app>" [options]
       npm run grade -- --app http://127.0.0.1:8976 --mock-port 4010 [options]
  --app-callback <url>    the app's redirect_uri (default <app>/callback; URL mode only)
  --client-id <id>        client registered in the mock (default isv_grade_app)
  --client-secret <s>     its secret (default: random when the grader starts the app)
  --mock-port <port>      port of the served mock (default: free port; 4010 in URL mode)
  --reports <dir>         where grade-junit.xml and grade.md go (default reports)
  --concurrency <n>       parallel app calls across token expiry (default 5)
  --retry-after <s>       Retry-After of the injected 429 (default 1)
  --startup-timeout <ms>  how long the app may take to answer GET /status (default 20000)
The app contract and every probe: docs/GRADING.md`

if (values.help) {
  console.log(usage)
  process.exit(0)
}
if (values.app === undefined || values.app.trim() === '') fail(`--app is required\n${usage}`)

const int = (name: string, raw: string, min: number, max: number): number => {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}`)
  return n
}

const isUrl = /^https?:\/\//i.test(values.app)
if (!isUrl && values['app-callback'] !== undefined)
  fail('--app-callback is for an app already running (--app <URL>); a started app gets DINERO_REDIRECT_URI')
const options: GradeOptions = {
  app: isUrl
    ? {
        url: values.app,
        ...(values['app-callback'] === undefined ? {} : { redirectUri: values['app-callback'] }),
      }
    : { command: values.app },
  reportsDir: values.reports,
  concurrency: int('concurrency', values.concurrency, 2, 50),
  retryAfterSeconds: int('retry-after', values['retry-after'], 1, 30),
  startupTimeoutMs: int('startup-timeout', values['startup-timeout'], 100, 600_000),
  ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
  ...(values['client-secret'] === undefined ? {} : { clientSecret: values['client-secret'] }),
  ...(values['mock-port'] === undefined ? {} : { mockPort: int('mock-port', values['mock-port'], 0, 65535) }),
  ...(values.quiet ? {} : { log: (line: string) => console.log(line) }),
}

try {
  const result = await gradeApp(options)
  for (const p of result.probes) {
    const mark = p.verdict === 'pass' ? 'PASS' : p.verdict === 'fail' ? 'FAIL' : 'ERROR'
    console.log(`${mark.padEnd(5)} ${p.id}: ${p.summary}`)
  }
  const passed = result.probes.filter((p) => p.verdict === 'pass').length
  console.log(`\nGrade: ${passed} passed, ${result.probes.length - passed} failed`)
  if (result.files.markdown) console.log(`reports: ${result.files.markdown}, ${result.files.junit}`)
  process.exit(result.passed ? 0 : 1)
} catch (e) {
  if (e instanceof GradeError) fail(e.message, `HARNESS_${e.code}`)
  throw e
}
