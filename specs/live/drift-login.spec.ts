import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginShapesPath } from '../../scripts/live/drift/index.ts'
import { readRecording } from '../../scripts/live/drift/record.ts'
import type { DriftEntry } from '../../scripts/live/drift/report.ts'
import type { StoredGrant } from '../../scripts/live/token-store.ts'
import { browse } from './support/browser.ts'
import {
  LIVE_CLIENT_SECRET,
  type LiveMock,
  liveEnv,
  runInWorker,
  startLiveMock,
  testDir,
} from './support/harness.ts'
import { startLogin } from './support/process.ts'

/**
 * Drift of the pooled checks: `login` keeps the shapes its pooled checks received (beside the
 * token store), and the next `live` measures them with its own. On the served stand-in, the
 * pooled answers' shapes match the mock's replay of the same checks (its prelude standing in
 * for the pool): 0 differences, and the kept shapes hold no secret.
 */
const SLOW = { timeout: 240_000 }

/**
 * The pooled checks this login runs (with the sign-in's own, connect.code.exchange-safe-order):
 * one by query, one by form_post, one read-only code that calls Dinero. (login-pool.spec.ts and
 * the rehearsal run the whole pool.)
 */
const POOLED = [
  'connect.code.single-use',
  'connect.authorize.form-post',
  'dinero.scopes.read-only-cannot-write',
]

let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(async () => {
  await live.close()
})

describe('login keeps its pooled answers’ shapes for live’s drift report (against the served mock)', () => {
  it(
    'login writes login-shapes.json with each pooled check it ran and no secret; live then compares them too and reports 0 differences',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('drift-login', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const { p, link } = await startLogin(live.origin, dir, env, [
        '--no-destructive',
        '--check',
        POOLED.join(','),
      ])
      onTestFinished(() => p.stop())
      await browse(link, live.origin)
      const exit = await p.exited
      expect(exit.code, `${p.stdout()}\n${p.stderr()}`).toBe(0)
      // login writes its own drift report of the pooled answers: none differ on the faithful stand-in.
      expect(JSON.parse(readFileSync(join(dir, 'reports', 'drift.json'), 'utf8'))).toEqual([])
      expect(readFileSync(join(dir, 'reports', 'drift.md'), 'utf8')).toMatch(/drift/i)
      const file = loginShapesPath(env.DINERO_TOKEN_STORE!)
      expect(p.stdout()).toContain(`kept for live's drift report (${file})`)

      const kept = readRecording(file)
      expect(new Set(kept.steps.map((s) => s.check))).toEqual(
        new Set(['connect.code.exchange-safe-order', ...POOLED]),
      )
      const text = readFileSync(file, 'utf8')
      const grant = JSON.parse(readFileSync(env.DINERO_TOKEN_STORE!, 'utf8')) as StoredGrant
      for (const secret of [grant.refreshToken, grant.accessToken ?? '', LIVE_CLIENT_SECRET]) {
        expect(secret.length).toBeGreaterThanOrEqual(16)
        expect(text).not.toContain(secret.slice(0, 16))
      }
      // Codes, tokens and ids are kept as a type and a length bucket: no long opaque string remains.
      for (const s of kept.steps)
        for (const value of Object.values(s.shape.codes))
          expect(String(value)).toMatch(/^[A-Za-z0-9_.-]{1,40}$/)

      const reports = join(dir, 'reports')
      const r = await runInWorker(['live', '--reports', reports, '--organization', '118244', '--no-allure'], {
        ...env,
        DINERO_CONNECT_URL: live.origin,
        DINERO_API_URL: live.origin,
      })
      expect(r.code, r.stdout + r.stderr).toBe(0)
      const drift = JSON.parse(readFileSync(join(reports, 'drift.json'), 'utf8')) as DriftEntry[]
      expect(drift).toEqual([])
      const compared = Number(/(\d+) step\(s\) compared/.exec(r.stdout)?.[1])
      expect(compared).toBeGreaterThanOrEqual(kept.steps.length)
    },
  )
})
