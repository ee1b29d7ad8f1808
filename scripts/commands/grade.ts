/**
 * `dinero-conformance grade`: grades an integrator's app against the served mock
 * (docs/GRADING.md). Exit 0: every probe passed; 1: a probe failed; 2: the grader could not
 * run (usage, app would not start).
 */
import { defineCommand } from '../cli/command.ts'
import { type HarnessCode, HarnessError } from '../errors.ts'
import type { GradeErrorCode } from '../grade/errors.ts'

export const command = defineCommand({
  name: 'grade',
  summary: "Grade your app's OAuth and Dinero client behaviour against the served mock",
  flags: {
    app: {
      type: 'string',
      value: '<command | URL>',
      required: true,
      description: 'a command that starts your app, or the URL of your app already running',
    },
    'app-callback': {
      type: 'string',
      value: '<url>',
      description: "the app's redirect_uri (default <app>/callback; URL mode only)",
    },
    'client-id': {
      type: 'string',
      value: '<id>',
      description: 'client registered in the mock (default isv_grade_app)',
    },
    'client-secret': {
      type: 'string',
      value: '<secret>',
      description: 'its secret (default: random when the grader starts the app)',
    },
    'mock-port': {
      type: 'number',
      value: '<port>',
      min: 0,
      max: 65535,
      integer: true,
      description: 'port of the served mock (default: a free port; 4010 in URL mode)',
    },
    reports: {
      type: 'string',
      value: '<dir>',
      default: 'reports',
      description: 'where grade-junit.xml and grade.md go',
    },
    concurrency: {
      type: 'number',
      value: '<n>',
      default: 5,
      min: 2,
      max: 50,
      integer: true,
      description: 'parallel app calls across token expiry',
    },
    'retry-after': {
      type: 'number',
      value: '<s>',
      default: 1,
      min: 1,
      max: 30,
      integer: true,
      description: 'Retry-After of the second injected 429 (the first has none, as Dinero sends it)',
    },
    'startup-timeout': {
      type: 'number',
      value: '<ms>',
      default: 20_000,
      min: 100,
      max: 600_000,
      integer: true,
      description: 'how long the app may take to answer GET /status',
    },
    quiet: { type: 'boolean', description: 'print only the verdicts' },
  },
  notes: [
    'examples: dinero-conformance grade --app "node --import tsx examples/good-app/server.ts"',
    '          dinero-conformance grade --app http://127.0.0.1:8976 --mock-port 4010',
    'The app contract and every probe: docs/GRADING.md',
  ],
  async run(values) {
    const app = values.app.trim()
    if (app === '') throw new HarnessError('HARNESS_USAGE', '--app needs a command or a URL')
    const isUrl = /^https?:\/\//i.test(app)
    if (isUrl && !URL.canParse(app)) throw new HarnessError('HARNESS_USAGE', `--app ${app} is not a URL`)
    if (!isUrl && values['app-callback'] !== undefined)
      throw new HarnessError(
        'HARNESS_USAGE',
        '--app-callback is for an app already running (--app <URL>); a started app gets DINERO_REDIRECT_URI',
      )
    const { GradeError, gradeApp } = await import('../grade/index.ts')
    try {
      const result = await gradeApp({
        app: isUrl
          ? {
              url: app,
              ...(values['app-callback'] === undefined ? {} : { redirectUri: values['app-callback'] }),
            }
          : { command: app },
        reportsDir: values.reports,
        concurrency: values.concurrency,
        retryAfterSeconds: values['retry-after'],
        startupTimeoutMs: values['startup-timeout'],
        ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
        ...(values['client-secret'] === undefined ? {} : { clientSecret: values['client-secret'] }),
        ...(values['mock-port'] === undefined ? {} : { mockPort: values['mock-port'] }),
        ...(values.quiet ? {} : { log: (line: string) => console.log(line) }),
      })
      for (const p of result.probes) {
        const mark = p.verdict === 'pass' ? 'PASS' : p.verdict === 'fail' ? 'FAIL' : 'ERROR'
        console.log(`${mark.padEnd(5)} ${p.id}: ${p.summary}`)
      }
      const passed = result.probes.filter((p) => p.verdict === 'pass').length
      console.log(`\nGrade: ${passed} passed, ${result.probes.length - passed} failed`)
      if (result.files.markdown) console.log(`reports: ${result.files.markdown}, ${result.files.junit}`)
      return result.passed ? 0 : 1
    } catch (e) {
      if (e instanceof GradeError) throw new HarnessError(harnessCodeOf(e.code), e.message)
      throw e
    }
  },
})

/** The grader's own codes, as the CLI reports them (docs/ERRORS.md). */
function harnessCodeOf(code: GradeErrorCode): HarnessCode {
  return code === 'GRADE_USAGE' ? 'HARNESS_USAGE' : `HARNESS_${code}`
}
