import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MOCK_PRO_ORGANIZATION_ID } from '../../collections/model/variables.ts'
import { runCommandLine } from '../../scripts/cli/main.ts'
import { type StoredGrant, TokenStore } from '../../scripts/live/token-store.ts'
import { parseFormPost } from '../../scripts/targets/oauth.ts'
import { browse } from './support/browser.ts'
import {
  freePort,
  journal,
  LIVE_CLIENT_SECRET,
  type LiveMock,
  liveEnv,
  refreshStoredGrant,
  runInWorker,
  seedGrant,
  startLiveMock,
  tempDir,
  testDir,
  tokenRequests,
} from './support/harness.ts'
import { startLogin, startLoginProcess } from './support/process.ts'

/**
 * `npm run login` driven headlessly against the served mock: the spec plays the browser. It
 * reads the printed authorize link, fetches it with `X-Mock-Consent: accept` (the mock logs in
 * the seeded user and accepts consent), parses the form_post page and posts it to the login
 * command's loopback redirect_uri.
 */
const FORM = 'application/x-www-form-urlencoded'

/** Child processes on a busy 2-core machine: generous, so load never fails a correct run. */
const SLOW = { timeout: 120_000 }

let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(async () => {
  await live.close()
})

async function consent(link: string): Promise<{ action: string; fields: Record<string, string> }> {
  const res = await fetch(link, { headers: { 'X-Mock-Consent': 'accept' }, redirect: 'manual' })
  expect(res.status).toBe(200)
  const form = parseFormPost(await res.text())
  if (!form) throw new Error('no form_post page')
  return form
}

/** What reached Visma Connect and Dinero on the live mock (its control requests left out). */
const serviceRequests = async () =>
  (await journal(live.origin)).filter((e) => e.service === 'connect' || e.service === 'dinero')

/** A login against the live mock with no check asked for, as startLogin runs it. */
const loginArgsFor = (dir: string) => [
  'login',
  '--connect-url',
  live.origin,
  '--api-url',
  live.origin,
  '--no-open',
  '--timeout',
  '90',
  '--reports',
  join(dir, 'reports'),
]

const post = (action: string, fields: Record<string, string>) =>
  fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })

describe('npm run login (headless, against the served mock)', () => {
  it(
    'form_post with the right state: runs the exchange check first on the sign-in code, stores the grant 0600 and picks the first Pro organisation',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-ok', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const before = tokenRequests(await journal(live.origin)).length
      // Only the check on the sign-in's own code: what the pool holds is login-pool.spec.ts's.
      const { p, link } = await startLogin(live.origin, dir, env, [
        '--no-destructive',
        '--check',
        'connect.code.exchange-safe-order',
      ])
      onTestFinished(() => p.stop())
      const url = new URL(link)
      expect(url.searchParams.get('response_mode')).toBe('form_post')
      expect(url.searchParams.get('code_challenge_method')).toBe('S256')
      expect(url.searchParams.get('state')).toMatch(/^[\w-]{32}$/)
      expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{32}$/)

      const browsed = await browse(link, live.origin)
      expect(browsed.finalStatus).toBe(200)
      const exit = await p.exited
      expect(exit.code, p.stderr()).toBe(0)

      const out = p.stdout()
      // The catalogue's exchange check runs first, on the code of the person's own sign-in.
      expect(out).toMatch(/✓ connect\.code\.exchange-safe-order/)
      expect(out).toMatch(new RegExp(`${MOCK_PRO_ORGANIZATION_ID}\\s+Dinero Regnskab ApS\\s+\\(Pro\\)`))
      expect(out).toMatch(/not Pro/)
      expect(out).toContain(`default organisation: ${MOCK_PRO_ORGANIZATION_ID}`)

      const storePath = env.DINERO_TOKEN_STORE!
      expect(statSync(storePath).mode & 0o777).toBe(0o600)
      const grant = JSON.parse(readFileSync(storePath, 'utf8')) as StoredGrant
      expect(grant.refreshToken).toMatch(/^[0-9A-F]{64}$/)
      expect(grant.organizationId).toBe(MOCK_PRO_ORGANIZATION_ID)
      expect(grant.inFlight).toBeUndefined()

      // JSON (refused, code kept), form (200), replay (invalid_grant) — in that order, first.
      const calls = tokenRequests(await journal(live.origin)).slice(before, before + 3)
      expect(calls.map((c) => [c.contentType?.split(';')[0], c.status, c.error ?? null])).toEqual([
        ['application/json', 400, 'invalid_request'],
        [FORM, 200, null],
        [FORM, 400, 'invalid_grant'],
      ])
      // No secret reached the terminal.
      for (const secret of [grant.refreshToken, grant.accessToken!, LIVE_CLIENT_SECRET])
        expect(out + p.stderr()).not.toContain(secret)
    },
  )

  it(
    'a callback with a wrong or missing state gets 400 and no token request is made; SIGTERM then ends login with exit 130',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-state', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const before = tokenRequests(await journal(live.origin)).length
      const { p, link } = await startLoginProcess(live.origin, dir, env)
      onTestFinished(() => p.stop())
      const form = await consent(link)
      const wrong = await post(form.action, { ...form.fields, state: 'not-the-state' })
      expect(wrong.status).toBe(400)
      const { state: _, ...noState } = form.fields
      expect((await post(form.action, noState)).status).toBe(400)
      await p.waitFor(/rejected a callback with a missing state/)
      expect(tokenRequests(await journal(live.origin)).length).toBe(before)
      // SIGTERM ends login through process.exit(130), so its exit hooks (the store lock) run.
      p.child.kill('SIGTERM')
      expect(await p.exited).toEqual({ code: 130, signal: null })
      expect(tokenRequests(await journal(live.origin)).length).toBe(before)
    },
  )

  it.concurrent(
    'an unregistered redirect_uri is explained: it must match the Visma Connect app settings exactly',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-unregistered', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: `http://127.0.0.1:${await freePort()}/elsewhere` })
      const r = await runInWorker(
        [
          'login',
          '--connect-url',
          live.origin,
          '--api-url',
          live.origin,
          '--no-open',
          '--reports',
          join(dir, 'reports'),
        ],
        env,
      )
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^error \[HARNESS_REDIRECT_URI_UNREGISTERED\]: .*must match .*exactly/m)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    },
  )

  it(
    'stopped by the program running it while it waits for the sign-in → exit 2, one HARNESS_LOGIN_STOPPED line; the redirect_uri port and the token store are free for the next login',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-stopped', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const before = tokenRequests(await journal(live.origin)).length
      const first = await startLogin(live.origin, dir, env)
      onTestFinished(() => first.p.stop())
      await first.p.stop()
      expect((await first.p.exited).code).toBe(2)
      // Where it stops depends on how far it got: probing the link, or waiting for the answer.
      expect(first.p.stderr().trim().split('\n')).toEqual([
        expect.stringMatching(
          /^error \[HARNESS_LOGIN_STOPPED\]: stopped (before|while waiting for an answer on) /,
        ),
      ])
      expect(tokenRequests(await journal(live.origin)).length).toBe(before)
      // The same redirect_uri and token store: the next login listens, signs in and stores.
      const second = await startLogin(live.origin, dir, env, [
        '--no-destructive',
        '--check',
        'connect.code.exchange-safe-order',
      ])
      onTestFinished(() => second.p.stop())
      expect((await browse(second.link, live.origin)).finalStatus).toBe(200)
      expect((await second.p.exited).code, second.p.stderr()).toBe(0)
      expect(existsSync(env.DINERO_TOKEN_STORE!)).toBe(true)
    },
  )

  it(
    'stopped while --slow codes age → exit 2 at once with HARNESS_LOGIN_STOPPED, the aged check never redeemed; stopped before it starts → no request reaches Visma Connect',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-stopped-slow', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const { p, link } = await startLogin(live.origin, dir, env, [
        '--slow',
        '--code-age',
        '3600',
        '--no-destructive',
        '--check',
        'connect.code.expired',
      ])
      onTestFinished(() => p.stop())
      expect((await browse(link, live.origin)).finalStatus).toBe(200)
      await p.waitFor(/^waiting [\d.]+ s until the pooled code of connect\.code\.expired/m)
      const before = (await serviceRequests()).length
      await p.stop()
      expect((await p.exited).code).toBe(2)
      expect(p.stderr().trim()).toBe('error [HARNESS_LOGIN_STOPPED]: stopped while the --slow codes aged')
      expect(p.stdout()).not.toMatch(/[✓✗] connect\.code\.expired/)
      expect((await serviceRequests()).length).toBe(before)

      // Stopped before it starts: one error line, and not even the authorize probe is sent.
      const stopped = new AbortController()
      stopped.abort()
      const lines: string[] = []
      const quiet = ['log', 'error'] as const
      const saved = quiet.map((m) => [m, console[m]] as const)
      for (const m of quiet) console[m] = (...a: unknown[]) => void lines.push(a.map(String).join(' '))
      let code: number
      const sent = (await serviceRequests()).length
      try {
        code = await runCommandLine(loginArgsFor(dir), { env, signal: stopped.signal })
      } finally {
        for (const [m, fn] of saved) console[m] = fn
      }
      expect(code).toBe(2)
      expect(lines.filter((l) => l.startsWith('error ['))).toEqual([
        'error [HARNESS_LOGIN_STOPPED]: stopped before the authorize request was probed',
      ])
      expect((await serviceRequests()).length).toBe(sent)
    },
  )

  it(
    'stopped while a revoking check exchanges its throw-away code → exit 2 HARNESS_LOGIN_STOPPED, and no refresh token is presented after the stop (no replay revokes the grant already stored)',
    SLOW,
    async ({ onTestFinished }) => {
      const { dir, cleanup } = tempDir('login-stopped-replay')
      const realFetch = globalThis.fetch
      try {
        const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
        const stored = await seedGrant(live, env.DINERO_TOKEN_STORE!)
        let stop: (() => Promise<void>) | undefined
        let stoppedAt = -1
        // login's own code exchanges go through fetch (the pooled checks' through Newman): the
        // first is the throw-away grant of the revoking check; the stop lands while it is answered.
        globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
          const answer = realFetch(input, init)
          if (stoppedAt < 0 && String(init?.body ?? '').includes('grant_type=authorization_code')) {
            stoppedAt = (await serviceRequests()).length
            void stop?.()
          }
          return answer
        }) as typeof fetch
        const { p, link } = await startLogin(live.origin, dir, env, ['--check', 'connect.refresh.revoke-all'])
        stop = () => p.stop()
        onTestFinished(() => p.stop())
        await browse(link, live.origin).catch(() => undefined)
        expect((await p.exited).code).toBe(2)
        expect(p.stderr()).toMatch(/^error \[HARNESS_LOGIN_STOPPED\]: stopped /m)
        expect(stoppedAt).toBeGreaterThanOrEqual(0)
        const after = (await serviceRequests()).slice(stoppedAt)
        expect(after.filter((e) => e.details.grant_type === 'refresh_token')).toEqual([])
        expect((await refreshStoredGrant(live.origin, env.DINERO_TOKEN_STORE!)).status).toBe(200)
        expect(stored).toMatch(/^[0-9A-F]{64}$/)
      } finally {
        globalThis.fetch = realFetch
        cleanup()
      }
    },
  )

  it(
    'a token store another run holds → HARNESS_TOKEN_STORE_LOCKED, and the redirect_uri port is not kept: the next login listens on it',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-locked', onTestFinished)
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
      const holder = TokenStore.open(env.DINERO_TOKEN_STORE!)
      let locked: Awaited<ReturnType<typeof runInWorker>>
      try {
        locked = await runInWorker(loginArgsFor(dir), env)
      } finally {
        holder.release()
      }
      expect(locked.code).toBe(2)
      expect(locked.stderr).toMatch(/^error \[HARNESS_TOKEN_STORE_LOCKED\]: /m)
      const next = await startLogin(live.origin, dir, env)
      onTestFinished(() => next.p.stop())
      expect(next.link).toContain('/connect/authorize?')
    },
  )

  it.concurrent('a redirect_uri port already in use → HARNESS_PORT_IN_USE', SLOW, async () => {
    const { dir, cleanup } = tempDir('login-port')
    const port = await freePort()
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: `http://127.0.0.1:${port}/callback` })
      const r = await runInWorker(
        ['login', '--connect-url', live.origin, '--no-open', '--reports', join(dir, 'reports')],
        env,
      )
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^error \[HARNESS_PORT_IN_USE\]: .*in use/m)
    } finally {
      blocker.close()
      cleanup()
    }
  })

  it.concurrent(
    'a non-loopback redirect_uri and missing variables are one-line errors with exit 2',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('login-config', onTestFinished)
      const remote = await runInWorker(
        ['login', '--no-open', '--reports', join(dir, 'reports')],
        liveEnv(dir, { DINERO_REDIRECT_URI: 'https://app.example.com/callback' }),
      )
      expect(remote.code).toBe(2)
      expect(remote.stderr).toMatch(/^error \[HARNESS_REDIRECT_URI_NOT_LOOPBACK\]: /m)

      const env = liveEnv(dir)
      delete env.DINERO_CLIENT_ID
      delete env.DINERO_CLIENT_SECRET
      const missing = await runInWorker(['login', '--no-open', '--reports', join(dir, 'reports')], env)
      expect(missing.code).toBe(2)
      expect(missing.stderr.trim()).toBe(
        'error [HARNESS_CONFIG_MISSING]: missing DINERO_CLIENT_ID, DINERO_CLIENT_SECRET: set them in the environment or in .env (see .env.example)',
      )
    },
  )
})
