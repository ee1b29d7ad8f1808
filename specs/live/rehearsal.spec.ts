import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { runsInLive, runsInLogin } from '../../collections/model/types.ts'
import { chromiumOptions } from '../support/chromium.ts'
import {
  type LiveMock,
  liveEnv,
  refreshRequests,
  refreshStoredGrant,
  runCli,
  runInWorker,
  startCli,
  startLiveMock,
  tempDir,
} from './support/harness.ts'
import { LOGIN_LINK } from './support/process.ts'

/**
 * The real thing, rehearsed end to end against a live-like mock (no X-Mock-Consent, no automatic
 * consent, no /__mock/*): `login` runs as a child process and prints the authorize link; headless
 * Chromium (Debian's, driven by playwright-core) opens it, signs in on the login page and presses
 * Allow, then rides the pool's silent authorizes on its own; login runs the pooled checks through
 * Newman and stores the grant; `live` then runs twice from the store (the second in the worker).
 * The spec reads the mock's journal in-process (the only way in, with /__mock off).
 */
const CLI = 'scripts/cli.ts'
const ORGANISATION = '118244'
/** About 60 s alone; generous, so a busy 2-core machine never fails a correct run. */
const SLOW = { timeout: 300_000 }

let live: LiveMock
let browser: Browser
beforeAll(async () => {
  live = await startLiveMock({ liveLike: true })
  browser = await chromium.launch(chromiumOptions())
})
afterAll(async () => {
  await browser?.close()
  await live?.close()
})

describe('rehearsal: login and live against a live-like mock, a real browser signing in', () => {
  it(
    'login pools codes after one sign-in in Chromium, every pooled and live check passes, the only refresh replays are the deliberate ones on throw-away grants, and the stored grant still refreshes (200)',
    SLOW,
    async () => {
      const { dir, cleanup } = tempDir('rehearsal')
      const context = await browser.newContext()
      try {
        const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
        const connection = ['--connect-url', live.origin, '--api-url', live.origin]
        const login = startCli(
          CLI,
          [
            'login',
            ...connection,
            '--organization',
            ORGANISATION,
            '--no-open',
            '--reports',
            join(dir, 'reports'),
          ],
          env,
        )
        login.child.stdin!.end()
        const link = (await login.waitFor(LOGIN_LINK))[1]!

        // The person: the login page, then Allow on the consent page.
        const page = await context.newPage()
        await page.goto(link)
        await page.waitForURL(/\/account\/login\?returnUrl=/)
        await page.fill('#email', 'user@example.com')
        await page.fill('#password', 'Passw0rd!')
        await Promise.all([page.waitForURL(/\/consent\?returnUrl=/), page.click('button[value=login]')])
        await page.click('button[value=yes]')
        // From here the browser hops through the pool with no click, and ends on login's page.
        await page.getByRole('heading', { name: 'Login received' }).waitFor({ timeout: 240_000 })

        const exit = await login.exited
        const out = login.stdout()
        expect(exit.code, `${out}\n${login.stderr()}`).toBe(0)
        const pooled = catalogue.filter((c) => runsInLogin(c))
        for (const c of pooled) expect(out).toContain(`✓ ${c.id}: `)
        expect(out).toContain(`${pooled.length} of ${pooled.length} pooled check(s) passed`)

        // Twice from the store: each run rotates the grant it found and leaves the next one behind.
        const liveChecks = catalogue.filter((c) => c.target !== 'live-destructive' && runsInLive(c))
        // The second run takes two checks that refresh the stored grant: what it pins is that the
        // grant the first run left behind is the one the server expects (a whole second run cost
        // ~4 CPU-s more).
        const second = ['dinero.organizations.fields-casing', 'dinero.organizations.default-fields']
        // The first as the person runs it, a process of its own; the second in this worker
        // (specs/live/support/process.ts: a child costs ~0.8 CPU-s before its first request).
        for (const run of [1, 2]) {
          const only = run === 1 ? [] : ['--check', second.join(',')]
          const args = [
            'live',
            ...connection,
            '--reports',
            join(dir, `reports-${run}`),
            '--no-allure',
            ...only,
          ]
          const r = run === 1 ? await runCli(CLI, args, env) : await runInWorker(args, env)
          expect(r.code, `live run ${run}\n${r.stdout}\n${r.stderr}`).toBe(0)
          for (const c of liveChecks)
            if (run === 1 || second.includes(c.id)) expect(r.stdout).toContain(`✓ ${c.id}: `)
          expect(r.stdout).not.toContain('✗ ')
        }

        // One sign-in: the login page was posted once, consent granted once.
        const entries = live.mock.journal.entries()
        const outcomes = entries.map((e) => e.details.outcome)
        expect(outcomes.filter((o) => o === 'login')).toHaveLength(1)
        expect(outcomes.filter((o) => o === 'consent_granted')).toHaveLength(1)
        // No mock shortcut was asked for, and none could have been.
        expect(entries.filter((e) => e.service === 'control')).toEqual([])

        // Replays only where a destructive check replays on purpose, each on its own throw-away grant.
        const destructive = pooled.filter((c) => c.needs.includes('revokes-all-access'))
        const refreshes = refreshRequests(entries)
        const replays = refreshes.filter((e) => e.details.refresh === 'replay')
        expect(destructive.length).toBeGreaterThan(0)
        expect(replays).toHaveLength(destructive.length)
        expect(new Set(replays.map((e) => e.details.refresh_token_fp)).size).toBe(destructive.length)
        // After the last deliberate replay, every refresh token presented was one the server knew
        // and took (the bogus ones the checks send on purpose are `unknown`).
        const presented = refreshes
          .slice(refreshes.indexOf(replays.at(-1)!) + 1)
          .filter((e) => e.details.refresh_token_fp !== undefined && e.details.refresh !== 'unknown')
        expect(presented.length).toBeGreaterThan(2)
        expect(presented.filter((e) => e.status !== 200)).toEqual([])

        // The stored grant still works.
        const refreshed = await refreshStoredGrant(live.origin, env.DINERO_TOKEN_STORE!)
        expect(refreshed.status).toBe(200)
        expect(refreshed.refreshToken).toMatch(/^[0-9A-F]{64}$/)
      } finally {
        await context.close()
        cleanup()
      }
    },
  )
})
