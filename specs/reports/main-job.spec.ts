import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'

/**
 * `npm start` (`dinero-conformance check`) end to end: the whole catalogue through Newman on the served mock, every report
 * written, no secret in any of them, and a zero exit.
 */
describe('npm start (the main job)', () => {
  it('runs every check through Newman, writes JUnit and Allure with one entry per check and summary.md, and leaks no secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-reports-'))
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli.ts', 'check', '--reports', dir],
      {
        encoding: 'utf8',
        timeout: 240_000,
      },
    )
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
    const everything = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
      .join('\n')
    expect(everything).not.toContain('conformance-secret')
    expect(everything).not.toMatch(/"refresh_token":\s*"[0-9A-F]{64}"/)
    expect(everything).not.toMatch(/eyJhbGciOiJSUzI1NiIs[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/)
  }, 300_000)
})
