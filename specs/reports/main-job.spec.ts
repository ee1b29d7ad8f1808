import { spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'

/**
 * `npm start` (`dinero-conformance check`) end to end: the whole catalogue through Newman on the served mock, every report
 * written, no secret in any of them, and a zero exit.
 *
 * Regression: `npm test` then `npm start` in one checkout exited 1 with HARNESS_SECRET_LEAK. The
 * leak scan went over every file in reports/, and the Allure results `npm test` had just written
 * there (reports/allure-results-vitest) name the mock's default client secret. The run's
 * redaction, by file time, would also have rewritten those it found written within 2 s of its
 * start; and, by what changed during the run, a `.env` edited meanwhile (an adversarial pass).
 * The run now redacts and scans exactly the reports it writes.
 */
describe('npm start (the main job)', () => {
  it('runs every check through Newman, writes JUnit and Allure with one entry per check and summary.md, and leaks no secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-reports-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    // What `npm test` leaves in reports/, one file a moment before and one an hour before, and a
    // .env edited while the run goes on: not this run's output, neither rewritten nor a leak.
    const testRun = join(dir, 'allure-results-vitest', 'left-by-npm-test-result.json')
    const earlier = join(dir, 'allure-results-vitest', 'earlier-result.json')
    const env = join(dir, '.env')
    mkdirSync(join(dir, 'allure-results-vitest'))
    const testRunText = '{"name":"Basic isv_conformance_test:conformance-secret → 200"}'
    const envText = 'DINERO_CLIENT_SECRET=conformance-secret\n'
    writeFileSync(testRun, testRunText)
    writeFileSync(earlier, testRunText)
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(earlier, hourAgo, hourAgo)
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'check', '--reports', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      if (stdout === '') writeFileSync(env, envText)
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const [status] = (await once(child, 'close')) as [number | null]
    const run = { status, stdout, stderr }
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`${catalogue.length} passed, 0 failed`)
    for (const check of catalogue)
      expect(run.stdout).toMatch(new RegExp(`✓ \\[\\s*\\d+/\\d+\\] ${check.id.replace(/\./g, '\\.')}\\n`))
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8')
    for (const check of catalogue) expect(summary).toContain(`| \`${check.id}\` | pass |`)
    // Every report counts checks: one JUnit testcase and one Allure result per check.
    const junit = readFileSync(join(dir, 'junit-newman.xml'), 'utf8')
    expect(junit).toMatch(new RegExp(`<testsuites name="[^"]*" tests="${catalogue.length}" failures="0" `))
    expect(junit.match(/<testcase /g)).toHaveLength(catalogue.length)
    const results = readdirSync(join(dir, 'allure-results-newman')).filter((f) => f.endsWith('-result.json'))
    expect(results).toHaveLength(catalogue.length)
    expect(summary).toMatch(/^- \*\*Token endpoint requests\*\* \(`token-endpoint`\): all \d+ pass$/m)
    const html = join(dir, 'allure-report', 'index.html')
    expect(existsSync(html)).toBe(true)
    expect(readFileSync(html, 'utf8')).not.toMatch(/googletagmanager|google-analytics|gtag\(/)
    for (const file of [testRun, earlier]) expect(readFileSync(file, 'utf8')).toBe(testRunText)
    expect(readFileSync(env, 'utf8')).toBe(envText)
    const everything = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && ![testRun, earlier, env].includes(join(e.parentPath, e.name)))
      .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
      .join('\n')
    expect(everything).not.toContain('conformance-secret')
    expect(everything).not.toMatch(/"refresh_token":\s*"[0-9A-F]{64}"/)
    expect(everything).not.toMatch(/eyJhbGciOiJSUzI1NiIs[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/)
  }, 300_000)
})
