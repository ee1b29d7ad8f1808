import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PROBES } from '../../scripts/grade/index.ts'
import { cliArgv } from '../support/cli-child.ts'

/**
 * The grader bites: the careless example app, graded through the CLI, fails exactly the probes
 * it was built to fail (each marked `FLAW:` in examples/careless-app/server.ts) and passes the
 * rest; the CLI exits 1 and its JUnit report names each failure with what was seen.
 */
const EXPECTED_FAILURES = [
  'client.token.form-encoded',
  'client.state.unguessable',
  'client.state.checked',
  'client.pkce.s256',
  'client.refresh.no-replay',
  'client.refresh.single-flight',
  'client.reconsent.no-retry',
  'client.reconsent.reported',
  'client.rate-limit.backoff',
  'client.rate-limit.retry-after',
  'client.server-error.backoff',
]

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgv(), 'grade', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('grading examples/careless-app (npm run grade)', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('fails exactly the probes the careless app is built to fail, and the CLI exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grade-careless-'))
    dirs.push(dir)
    const { code, stdout, stderr } = await run([
      '--app',
      'node --import tsx examples/careless-app/server.ts',
      '--reports',
      dir,
    ])
    expect(stderr).not.toMatch(/error \[/)
    expect(code).toBe(1)
    const junit = await readFile(join(dir, 'grade-junit.xml'), 'utf8')
    const failed = [...junit.matchAll(/<testcase classname="grade\.([^"]+)"[^>]*>\s*<failure /g)].map(
      (m) => m[1],
    )
    expect(failed.sort()).toEqual([...EXPECTED_FAILURES].sort())
    expect(junit).not.toContain('<error ')
    expect(junit.match(/<testcase /g)).toHaveLength(PROBES.length)
    expect(stdout).toMatch(/^Grade: 4 passed, 11 failed$/m)
    expect(stdout).toMatch(/FAIL {2}client\.rate-limit\.retry-after: next call only \d+ ms after the 429/)
    expect(stdout).toMatch(
      /FAIL {2}client\.rate-limit\.backoff: next call only \d+ ms after the 429 \(no Retry-After/,
    )
  })

  it('refuses to run without --app: exit 2 with a usage line', async () => {
    const { code, stderr } = await run([])
    expect(code).toBe(2)
    expect(stderr).toContain('--app is required')
  })
})
