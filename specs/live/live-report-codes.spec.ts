import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LiveMock,
  liveEnv,
  runInWorker,
  seedGrant,
  startLiveMock,
  tempDir,
  testDir,
} from './support/harness.ts'

/**
 * What broke: a live run learnt its secrets only from token answers (JSON bodies), so a code the
 * provider sent in a Location header to a check that expected an error (prompt=none answered with
 * a code instead of login_required) reached the Allure attachments and report as it was, and the
 * run's own leak scan, which looks only for secrets it knows, passed. The live hooks now learn from
 * each exchange as `check` does: Location and form_post codes, credentials, cookies, request forms.
 */
const SLOW = { timeout: 120_000 }
const CHECK = 'connect.authorize.prompt-none-login-required'
/** A code or refresh token of the mock: 64 upper-case hex digits. */
const HANDLE = /(?<![0-9A-F])[0-9A-F]{64}(?![0-9A-F])/

let live: LiveMock
beforeAll(async () => {
  // Signs the user in with no page, so a prompt=none authorize comes back with a code: the
  // misbehaving provider the check exists to catch.
  live = await startLiveMock({ consent: 'auto' })
})
afterAll(() => live.close())

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('live: a code in a Location header never reaches the reports', () => {
  it(
    `${CHECK} answered 302 with a code → the check fails (exit 1), and no code or token is in any report file, the Allure HTML included`,
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('live-report-codes', onTestFinished)
      const env = liveEnv(dir, {
        DINERO_CONNECT_URL: live.origin,
        DINERO_API_URL: live.origin,
        DINERO_REDIRECT_URI: live.redirectUri,
      })
      await seedGrant(live, env.DINERO_TOKEN_STORE!)
      const reports = join(dir, 'reports')
      const r = await runInWorker(['live', '--reports', reports, '--check', CHECK], env)
      expect(r.code, r.stdout + r.stderr).toBe(1)
      expect(r.stdout).toContain(`✗ ${CHECK}`)
      const files = filesUnder(reports)
      // The answer the check saw is in the report, with the code redacted.
      const attachments = files
        .filter((f) => f.endsWith('-attachment.txt'))
        .map((f) => readFileSync(f, 'utf8'))
      expect(attachments.some((text) => /^location: .*[?&]code=\[redacted\]/m.test(text))).toBe(true)
      const leaking = files.filter((f) => HANDLE.test(readFileSync(f, 'latin1')))
      expect(leaking).toEqual([])
    },
  )
})

describe('live in-process: a failed check quotes no token in what it prints', () => {
  it(
    'connect.refresh.replay-revokes-grant on a mock that does not rotate (refresh.no-rotation) fails (exit 1), and its failure lines print the grant’s tokens [redacted], not a fragment',
    SLOW,
    async () => {
      const { dir, cleanup } = tempDir('live-printed-tokens')
      try {
        const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
        await fetch(`${live.origin}/__mock/deviations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ set: ['refresh.no-rotation'] }),
        })
        const seeded = await seedGrant(live, env.DINERO_TOKEN_STORE!)
        const r = await runInWorker(
          [
            'live',
            '--connect-url',
            live.origin,
            '--api-url',
            live.origin,
            '--no-allure',
            '--reports',
            join(dir, 'r'),
            '--destructive',
            '--check',
            'connect.refresh.replay-revokes-grant',
          ],
          env,
          'revoke all access\n',
        )
        expect(r.code, r.stdout + r.stderr).toBe(1)
        expect(r.stdout).toContain('[redacted]')
        // Any 16 characters of the token count: a failure line quoting an assertion cuts it short.
        expect(r.stdout + r.stderr).not.toContain(seeded.slice(0, 16))
      } finally {
        await fetch(`${live.origin}/__mock/deviations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ set: [] }),
        })
        cleanup()
      }
    },
  )
})
