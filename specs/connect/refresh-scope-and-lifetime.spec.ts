import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_ID } from '../../mocks/options.ts'
import { codeFlow, refresh, token } from '../../scripts/targets/oauth.ts'
import { TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { targetPerTest } from '../support/target-per-test.ts'

/**
 * The refresh_token grant at its edges (RFC 6749 §6, duende-refresh-token-service,
 * duende-input-length-restrictions, dinero-grace-period): a requested scope may only narrow the
 * grant, lifetimes end exactly where they are set, and a client that lost offline access cannot
 * refresh. Each case here was a mutant of mocks/connect/grants/refresh-token.ts that no other spec
 * noticed (docs/MUTATION.md).
 */
describe.each(TARGET_KINDS)('refresh grant edges (%s)', (kind) => {
  const start = targetPerTest(kind)
  const refreshWithScope = (t: Target, refreshToken: string, scope: string) =>
    token(t, { grant_type: 'refresh_token', refresh_token: refreshToken, scope })
  const seconds = (t: Target, s: number) => t.mock.clock.advance(s * 1000)

  describe('scope (RFC 6749 §6: never wider than granted)', () => {
    it('one granted scope plus one never granted → 400 invalid_scope', async () => {
      const t = await start({ refresh: { usage: 'reuse' } })
      const first = await codeFlow(t)
      const reply = await refreshWithScope(t, first.refresh_token!, 'dineropublicapi:read openid')
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_scope' })
    })

    it('a scope of only spaces is no scope: 200 with the whole grant', async () => {
      const t = await start()
      const first = await codeFlow(t)
      const reply = await refreshWithScope(t, first.refresh_token!, '   ')
      expect(reply.status).toBe(200)
      expect(reply.json().scope).toBe(first.scope)
    })

    it('doubled spaces between scopes are one separator: 200 with the two scopes asked for', async () => {
      const t = await start()
      const first = await codeFlow(t)
      const reply = await refreshWithScope(t, first.refresh_token!, 'dineropublicapi:read  offline_access')
      expect(reply.status).toBe(200)
      expect(reply.json().scope).toBe('dineropublicapi:read offline_access')
    })

    it('a narrowed refresh narrows that response only: the rotated token refreshes to the whole grant → 200', async () => {
      const t = await start()
      const first = await codeFlow(t)
      const narrow = (await refreshWithScope(t, first.refresh_token!, 'dineropublicapi:read')).json()
      expect(narrow.scope).toBe('dineropublicapi:read')
      const next = await refresh(t, String(narrow.refresh_token))
      expect(next.status).toBe(200)
      expect(next.json().scope).toBe(first.scope)
    })
  })

  describe('the sign-in travels with the grant (duende-refresh-token-service: the new record copies the old)', () => {
    it.each(['one-time', 'reuse'] as const)(
      'under %s usage, refreshed access tokens keep the sign-in’s sub, sid and auth_time → 200',
      async (usage) => {
        const t = await start({ refresh: { usage } })
        const first = await codeFlow(t)
        const signIn = decodeJwt(first.access_token)
        expect(signIn).toMatchObject({ sid: expect.any(String), auth_time: expect.any(Number) })
        seconds(t, 60)
        const a = (await refresh(t, first.refresh_token!)).json()
        seconds(t, 60)
        const b = (await refresh(t, String(a.refresh_token))).json()
        for (const reply of [a, b]) {
          const claims = decodeJwt(String(reply.access_token))
          expect(claims).toMatchObject({ sub: signIn.sub, sid: signIn.sid, auth_time: signIn.auth_time })
          expect(claims.iat).toBeGreaterThan(Number(signIn.iat))
        }
      },
    )
  })

  describe('request limits (duende-input-length-restrictions)', () => {
    it('an empty refresh_token → 400 invalid_request', async () => {
      const t = await start()
      const reply = await refresh(t, '')
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_request' })
    })

    it('a refresh_token over 100 characters is refused before the lookup → 400 invalid_grant, 100 are looked up', async () => {
      // Under refresh.unknown-token-invalid-request an unknown token answers invalid_request, which
      // tells a looked-up token (100 characters) from one refused on its length (101).
      const t = await start({ deviations: ['refresh.unknown-token-invalid-request'] })
      const tooLong = await refresh(t, 'F'.repeat(101))
      expect(tooLong.status).toBe(400)
      expect(tooLong.json()).toEqual({ error: 'invalid_grant' })
      expect((await refresh(t, 'F'.repeat(100))).json()).toEqual({ error: 'invalid_request' })
    })

    it('a client whose offline access is switched off after the grant → 400 invalid_grant', async () => {
      const t = await start()
      const first = await codeFlow(t)
      // The app's offline-access setting turned off in the Visma Developer Portal after consent;
      // the mock has no control route for it, so the spec edits the registered client.
      const client = t.mock.store.connect.clients.get(DEFAULT_CLIENT_ID)!
      client.allowOfflineAccess = false
      const reply = await refresh(t, first.refresh_token!)
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_grant' })
    })
  })

  describe('lifetimes (duende-refresh-token-service)', () => {
    it('an absolute lifetime of 3600 s (sliding 100 s unused): 200 at 3599.999 s, 400 invalid_grant at exactly 3600 s', async () => {
      const t = await start({
        refresh: {
          usage: 'reuse',
          expiration: 'absolute',
          absoluteLifetimeSeconds: 3600,
          slidingLifetimeSeconds: 100,
        },
      })
      const first = await codeFlow(t)
      t.mock.clock.advance(3_599_999)
      expect((await refresh(t, first.refresh_token!)).status).toBe(200)
      t.mock.clock.advance(1)
      expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    })

    it('sliding: each use gives the new token a whole sliding lifetime from that use → 200 after 2 × 90 s', async () => {
      const t = await start({
        refresh: { expiration: 'sliding', slidingLifetimeSeconds: 100, absoluteLifetimeSeconds: 1000 },
      })
      const first = await codeFlow(t)
      seconds(t, 90)
      const a = (await refresh(t, first.refresh_token!)).json()
      seconds(t, 90)
      const b = await refresh(t, String(a.refresh_token))
      expect(b.status).toBe(200)
      seconds(t, 100)
      expect((await refresh(t, String(b.json().refresh_token))).json()).toEqual({ error: 'invalid_grant' })
    })

    it('absolute: using the token does not extend it → 400 invalid_grant once the first lifetime is over', async () => {
      const t = await start({
        refresh: { expiration: 'absolute', slidingLifetimeSeconds: 100, absoluteLifetimeSeconds: 150 },
      })
      const first = await codeFlow(t)
      seconds(t, 90)
      const a = (await refresh(t, first.refresh_token!)).json()
      seconds(t, 60)
      expect((await refresh(t, String(a.refresh_token))).json()).toEqual({ error: 'invalid_grant' })
    })

    it('absolute: using the token does not cut it to a sliding lifetime either → 200 150 s after a use, sliding 100 s', async () => {
      const t = await start({
        refresh: { expiration: 'absolute', slidingLifetimeSeconds: 100, absoluteLifetimeSeconds: 1000 },
      })
      const first = await codeFlow(t)
      seconds(t, 90)
      const a = (await refresh(t, first.refresh_token!)).json()
      seconds(t, 150)
      expect((await refresh(t, String(a.refresh_token))).status).toBe(200)
    })

    it('sliding with re-use: each use extends the same handle → 200 after 2 × 90 s', async () => {
      const t = await start({
        refresh: {
          usage: 'reuse',
          expiration: 'sliding',
          slidingLifetimeSeconds: 100,
          absoluteLifetimeSeconds: 1000,
        },
      })
      const first = await codeFlow(t)
      seconds(t, 90)
      expect((await refresh(t, first.refresh_token!)).status).toBe(200)
      seconds(t, 90)
      expect((await refresh(t, first.refresh_token!)).status).toBe(200)
    })

    it('sliding with no absolute cap (0): use keeps the token alive past 30 days → 200', async () => {
      const t = await start({
        refresh: { expiration: 'sliding', slidingLifetimeSeconds: 100, absoluteLifetimeSeconds: 0 },
      })
      let handle = (await codeFlow(t)).refresh_token!
      for (let i = 0; i < 3; i++) {
        seconds(t, 99)
        const reply = await refresh(t, handle)
        expect(reply.status).toBe(200)
        handle = String(reply.json().refresh_token)
      }
    })

    it('sliding capped by a shorter absolute lifetime: the first token lives 50 s, not 100 → 400 invalid_grant at 50 s', async () => {
      const t = await start({
        refresh: { expiration: 'sliding', slidingLifetimeSeconds: 100, absoluteLifetimeSeconds: 50 },
      })
      const first = await codeFlow(t)
      seconds(t, 50)
      expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    })

    it('a grace window of 30 s still accepts the consumed token at exactly 30 s → 200', async () => {
      const t = await start({ refresh: { graceSeconds: 30, replay: 'reject' } })
      const first = await codeFlow(t)
      expect((await refresh(t, first.refresh_token!)).status).toBe(200)
      seconds(t, 30)
      expect((await refresh(t, first.refresh_token!)).status).toBe(200)
      t.mock.clock.advance(1)
      expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    })
  })
})
