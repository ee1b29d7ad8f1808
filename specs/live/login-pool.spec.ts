import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { runsInLogin } from '../../collections/model/types.ts'
import { browse } from './support/browser.ts'
import {
  journal,
  LIVE_CLIENT_SECRET,
  type LiveMock,
  liveEnv,
  refreshRequests,
  refreshStoredGrant,
  startLiveMock,
  testDir,
} from './support/harness.ts'
import { startLogin } from './support/process.ts'

/**
 * `login` pools codes from one sign-in, against the served mock standing in for Visma Connect and
 * Dinero. The spec plays the browser with a cookie jar: the first authorize signs the seeded user
 * in (`X-Mock-Consent: accept` stands in for the person), and every later hop — the loopback
 * redirect_uri's 303 back to /connect/authorize with prompt=none, the mock's form_post page,
 * the query redirect — is followed with the session cookie alone, as a browser would.
 */
const _CLI = 'scripts/cli.ts'
const SLOW = { timeout: 240_000 }

/** The check that redeems the sign-in's own code: it runs whatever `--check` names. */
const FIRST = 'connect.code.exchange-safe-order'
/** For the runs that pin how login reacts, not what the pool holds: two silently pooled checks. */
const SILENT_SUBSET = ['connect.code.single-use', 'connect.pkce.s256-accepted']
/** The same, with a check that replays a refresh token on a throw-away grant. */
const REPLAY_SUBSET = ['connect.code.single-use', 'connect.refresh.revoke-all']
/** Silently pooled checks and a deliberate replay on a throw-away grant. */
const POOL_SUBSET = [...SILENT_SUBSET, 'connect.refresh.revoke-all']

const silentAuthorize = (url: URL) =>
  url.pathname === '/connect/authorize' && url.searchParams.get('prompt') === 'none'

let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(async () => {
  await live.close()
})

describe('login pools codes from one sign-in (headless, against the served mock)', () => {
  it(
    'the pooled checks asked for run through Newman and pass, the only refresh replays are the deliberate ones on throw-away grants, and the stored grant still refreshes (200)',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-pool', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const before = (await journal(live.origin)).length
      // A subset with a destructive check: the whole pool runs in rehearsal.spec.ts (a real
      // browser on the live-like mock), where every pooled check must pass; a second whole pool
      // here cost ~3 CPU-s more for the same verdicts.
      const { p, link } = await startLogin(live.origin, dir, env, ['--check', POOL_SUBSET.join(',')])
      onTestFinished(() => p.stop())
      const browsed = await browse(link, live.origin)
      const exit = await p.exited
      const out = p.stdout()
      expect(exit.code, `${out}\n${p.stderr()}`).toBe(0)
      expect(browsed.finalStatus).toBe(200)
      expect(browsed.finalText).toContain('Login received')

      // Every check asked for (and the first, which redeems the sign-in's own code) ran and passed.
      const pooled = catalogue.filter((c) => runsInLogin(c) && [FIRST, ...POOL_SUBSET].includes(c.id))
      expect(pooled).toHaveLength(POOL_SUBSET.length + 1)
      for (const c of pooled) expect(out).toContain(`✓ ${c.id}: `)
      expect(out).not.toContain('✗ ')
      expect(out).toContain(`${pooled.length} of ${pooled.length} pooled check(s) passed`)
      expect(out).toMatch(/the pooled checks used their codes within \d+\.\d s of the first/)

      // One sign-in: a single authorize request (the link, probed once, then signed in) was not
      // prompt=none; every other one was.
      const entries = (await journal(live.origin)).slice(before)
      const authorizes = entries.filter((e) => e.url.startsWith('/connect/authorize?'))
      const interactive = authorizes.filter((e) => !e.url.includes('prompt=none'))
      expect(new Set(interactive.map((e) => e.details.state_fp)).size).toBe(1)
      expect(authorizes.length).toBeGreaterThan(pooled.length)

      // Replays only where a destructive check replays on purpose, each on its own throw-away grant.
      const destructive = pooled.filter((c) => c.needs.includes('revokes-all-access'))
      const replays = refreshRequests(entries).filter((e) => e.details.refresh === 'replay')
      expect(destructive.length).toBeGreaterThan(0)
      expect(replays).toHaveLength(destructive.length)
      expect(new Set(replays.map((e) => e.details.refresh_token_fp)).size).toBe(destructive.length)

      // The stored grant was taken after the replays and still works.
      const refreshed = await refreshStoredGrant(live.origin, env.DINERO_TOKEN_STORE!)
      expect(refreshed.status).toBe(200)
      expect(refreshed.refreshToken).toMatch(/^[0-9A-F]{64}$/)

      for (const secret of [refreshed.stored.refreshToken, LIVE_CLIENT_SECRET])
        expect(out + p.stderr()).not.toContain(secret)
    },
  )

  it(
    'a silent authorize answered login_required asks the person once more, and the pool goes on: the checks asked for (--check) all pass',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-pool-again', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const { p, link } = await startLogin(live.origin, dir, env, [
        '--no-destructive',
        '--check',
        SILENT_SUBSET.join(','),
      ])
      onTestFinished(() => p.stop())
      // The session is gone by the first prompt=none authorize.
      const browsed = await browse(link, live.origin, { forgetSessionWhen: silentAuthorize })
      const exit = await p.exited
      const out = p.stdout()
      expect(exit.code, `${out}\n${p.stderr()}`).toBe(0)
      expect(browsed.finalStatus).toBe(200)
      expect(out).toMatch(/answered login_required: Visma Connect wants the person again/)
      for (const id of [FIRST, ...SILENT_SUBSET]) expect(out).toContain(`✓ ${id}: `)
      const n = SILENT_SUBSET.length + 1
      expect(out).toContain(`${n} of ${n} pooled check(s) passed`)
    },
  )

  it(
    '--no-destructive: no refresh token is replayed, and the replay checks are left out',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-pool-safe', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const before = (await journal(live.origin)).length
      const { p, link } = await startLogin(live.origin, dir, env, [
        '--no-destructive',
        '--check',
        REPLAY_SUBSET.join(','),
      ])
      onTestFinished(() => p.stop())
      await browse(link, live.origin)
      const exit = await p.exited
      expect(exit.code, p.stderr()).toBe(0)
      const entries = (await journal(live.origin)).slice(before)
      expect(refreshRequests(entries).filter((e) => e.details.refresh === 'replay')).toEqual([])
      expect(p.stdout()).not.toContain('connect.refresh.revoke-all')
      expect(p.stdout()).toContain('2 of 2 pooled check(s) passed')
    },
  )

  it(
    'when the silent authorize after the replay answers login_required, login says so and asks for one more sign-in, then stores a grant that refreshes',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-pool-after-replay', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const { p, link } = await startLogin(live.origin, dir, env, ['--check', REPLAY_SUBSET.join(',')])
      onTestFinished(() => p.stop())
      // The session is gone by the grant's silent authorize: the only prompt=none request
      // by form_post with a PKCE challenge (the pooled PKCE checks ask by query).
      await browse(link, live.origin, {
        forgetSessionWhen: (url) =>
          silentAuthorize(url) &&
          url.searchParams.get('response_mode') === 'form_post' &&
          url.searchParams.has('code_challenge'),
      })
      const exit = await p.exited
      const out = p.stdout()
      expect(exit.code, `${out}\n${p.stderr()}`).toBe(0)
      expect(out).toMatch(
        /the silent authorize after the refresh-token replay answered login_required: Visma Connect wants the person again/,
      )
      expect((await refreshStoredGrant(live.origin, env.DINERO_TOKEN_STORE!)).status).toBe(200)
    },
  )
})
