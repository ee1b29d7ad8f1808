import { describe, expect, it } from 'vitest'
import { DINERO_API_RESOURCE_SECRET, DINERO_AUDIENCE } from '../../mocks/options.ts'
import { codeFlow, refresh } from '../../scripts/targets/oauth.ts'
import { TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { targetPerTest } from '../support/target-per-test.ts'

/**
 * visma-connect-tokens, duende-refresh-token-service (RFC 9700 §4.14.2): one-time tokens rotate; replays
 * fail; revoke-all; grace; lifetimes.
 */
describe.each(TARGET_KINDS)('refresh tokens (%s)', (kind) => {
  const start = targetPerTest(kind)
  const apiStatus = async (t: Target, accessToken: string) =>
    (
      await t.call('connect', '/connect/introspect', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: accessToken,
          client_id: DINERO_AUDIENCE,
          client_secret: DINERO_API_RESOURCE_SECRET,
        }).toString(),
      })
    ).json().active

  it('a one-time refresh token rotates: a new 64-hex handle on every use', async () => {
    const t = await start()
    const first = await codeFlow(t)
    const r1 = (await refresh(t, first.refresh_token!)).json()
    const r2 = (await refresh(t, String(r1.refresh_token))).json()
    expect(r1.refresh_token).toMatch(/^[0-9A-F]{64}$/)
    expect(new Set([first.refresh_token, r1.refresh_token, r2.refresh_token]).size).toBe(3)
  })

  it('a consumed refresh token is refused with invalid_grant', async () => {
    const t = await start({ refresh: { replay: 'reject' } })
    const first = await codeFlow(t)
    expect((await refresh(t, first.refresh_token!)).status).toBe(200)
    const replay = await refresh(t, first.refresh_token!)
    expect(replay.status).toBe(400)
    expect(replay.json()).toEqual({ error: 'invalid_grant' })
  })

  it('under reject, a replay leaves the newest token working', async () => {
    const t = await start({ refresh: { replay: 'reject' } })
    const first = await codeFlow(t)
    const next = (await refresh(t, first.refresh_token!)).json()
    await refresh(t, first.refresh_token!)
    expect((await refresh(t, String(next.refresh_token))).status).toBe(200)
  })

  it('under revoke-all, a replay revokes the newer refresh token and the access tokens too', async () => {
    const t = await start({ refresh: { replay: 'revoke-all' } })
    const first = await codeFlow(t)
    const next = (await refresh(t, first.refresh_token!)).json()
    expect(await apiStatus(t, String(next.access_token))).toBe(true)
    expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    expect((await refresh(t, String(next.refresh_token))).json()).toEqual({ error: 'invalid_grant' })
    expect(await apiStatus(t, String(next.access_token))).toBe(false)
    expect(await apiStatus(t, first.access_token)).toBe(false)
  })

  it('after revoke-all a fresh authorization works again', async () => {
    const t = await start({ refresh: { replay: 'revoke-all' } })
    const first = await codeFlow(t)
    await refresh(t, first.refresh_token!)
    await refresh(t, first.refresh_token!)
    const again = await codeFlow(t)
    expect((await refresh(t, again.refresh_token!)).status).toBe(200)
  })

  it('inside the grace window a consumed token is accepted again; after it, refused', async () => {
    const t = await start({ refresh: { graceSeconds: 30, replay: 'revoke-all' } })
    const first = await codeFlow(t)
    expect((await refresh(t, first.refresh_token!)).status).toBe(200)
    t.mock.clock.advance(29_000)
    const retried = await refresh(t, first.refresh_token!)
    expect(retried.status).toBe(200)
    t.mock.clock.advance(2_000)
    expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
  })

  const settings = (t: Target, body: unknown) =>
    t.call('connect', '/__mock/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  // Pins refresh.settings-not-retroactive (collections/behaviours.ts).
  it('a grace window set after the grant does not reach it: a replay 5 s later → 400 invalid_grant and the grant is revoked', async () => {
    const t = await start({ refresh: { graceSeconds: 0, replay: 'revoke-all' } })
    const first = await codeFlow(t)
    const next = (await refresh(t, first.refresh_token!)).json()
    expect((await settings(t, { refresh: { graceSeconds: 30 } })).status).toBe(200)
    t.mock.clock.advance(5_000)
    const replay = await refresh(t, first.refresh_token!)
    expect(replay.status).toBe(400)
    expect(replay.json()).toEqual({ error: 'invalid_grant' })
    expect((await refresh(t, String(next.refresh_token))).json()).toEqual({ error: 'invalid_grant' })
  })

  it('the deviation refresh.settings-retroactive brings back the old answer: that replay → 200', async () => {
    const t = await start({ refresh: { graceSeconds: 0, replay: 'revoke-all' } })
    await t.call('connect', '/__mock/deviations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enable: ['refresh.settings-retroactive'] }),
    })
    const first = await codeFlow(t)
    await refresh(t, first.refresh_token!)
    await settings(t, { refresh: { graceSeconds: 30 } })
    t.mock.clock.advance(5_000)
    expect((await refresh(t, first.refresh_token!)).status).toBe(200)
  })

  it('the new grace window applies to grants issued after the change (the user authorises again)', async () => {
    const t = await start({ refresh: { graceSeconds: 0, replay: 'revoke-all' } })
    await settings(t, { refresh: { graceSeconds: 30 } })
    const again = await codeFlow(t)
    expect((await refresh(t, again.refresh_token!)).status).toBe(200)
    t.mock.clock.advance(5_000)
    expect((await refresh(t, again.refresh_token!)).status).toBe(200)
  })

  it('switching a client to re-use does not stop an issued one-time grant from rotating', async () => {
    const t = await start()
    const first = await codeFlow(t)
    await settings(t, { refresh: { usage: 'reuse' } })
    const next = (await refresh(t, first.refresh_token!)).json()
    expect(next.refresh_token).not.toBe(first.refresh_token)
  })

  it.each([3, 4, 61, -1])(
    'a grace window of %s s is refused (Visma offers 5–60 s, or 0 for none) → 400',
    async (g) => {
      const t = await start()
      const answer = await settings(t, { refresh: { graceSeconds: g } })
      expect(answer.status).toBe(400)
    },
  )

  it('reuse usage returns the same handle every time and it keeps working', async () => {
    const t = await start({ refresh: { usage: 'reuse' } })
    const first = await codeFlow(t)
    const r1 = (await refresh(t, first.refresh_token!)).json()
    const r2 = (await refresh(t, first.refresh_token!)).json()
    expect(r1.refresh_token).toBe(first.refresh_token)
    expect(r2.refresh_token).toBe(first.refresh_token)
  })

  it('absolute expiry counts from the first grant across rotations', async () => {
    const t = await start({ refresh: { absoluteLifetimeSeconds: 3600, expiration: 'absolute' } })
    const first = await codeFlow(t)
    t.mock.clock.advance(3000_000)
    const next = (await refresh(t, first.refresh_token!)).json()
    t.mock.clock.advance(601_000)
    expect((await refresh(t, String(next.refresh_token))).json()).toEqual({ error: 'invalid_grant' })
  })

  it('sliding expiry extends on use but never past the absolute lifetime', async () => {
    const t = await start({
      refresh: { expiration: 'sliding', slidingLifetimeSeconds: 100, absoluteLifetimeSeconds: 250 },
    })
    const first = await codeFlow(t)
    t.mock.clock.advance(90_000)
    const a = (await refresh(t, first.refresh_token!)).json()
    t.mock.clock.advance(90_000)
    const b = (await refresh(t, String(a.refresh_token))).json()
    expect(b.refresh_token).toBeDefined()
    t.mock.clock.advance(90_000) // 270 s since the grant: past the absolute 250 s
    expect((await refresh(t, String(b.refresh_token))).json()).toEqual({ error: 'invalid_grant' })
  })

  it('an unused sliding token expires after its sliding lifetime', async () => {
    const t = await start({ refresh: { expiration: 'sliding', slidingLifetimeSeconds: 100 } })
    const first = await codeFlow(t)
    t.mock.clock.advance(101_000)
    expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
  })

  it('a missing refresh_token is invalid_request; an unknown one invalid_grant', async () => {
    const t = await start()
    const missing = await t.call('connect', '/connect/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&client_id=isv_conformance_test&client_secret=conformance-secret',
    })
    expect(missing.json()).toEqual({ error: 'invalid_request' })
    expect((await refresh(t, 'F'.repeat(64))).json()).toEqual({ error: 'invalid_grant' })
  })

  // Pins refresh.other-client (collections/behaviours.ts).
  it("another client's refresh token is refused with invalid_grant", async () => {
    const t = await start()
    const first = await codeFlow(t)
    const reply = await refresh(t, first.refresh_token!, { kind: 'post', clientId: 'isv_conformance_pkce' })
    expect(reply.json()).toEqual({ error: 'invalid_grant' })
  })

  // Pins refresh.scope-narrowing (collections/behaviours.ts).
  it('a narrower scope on refresh is honoured; a wider one is invalid_scope', async () => {
    const t = await start({ refresh: { usage: 'reuse' } })
    const first = await codeFlow(t)
    const narrow = await t.call('connect', '/connect/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token!,
        scope: 'dineropublicapi:read',
        client_id: 'isv_conformance_test',
        client_secret: 'conformance-secret',
      }).toString(),
    })
    expect(narrow.json().scope).toBe('dineropublicapi:read')
    const wide = await t.call('connect', '/connect/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token!,
        scope: 'openid',
        client_id: 'isv_conformance_test',
        client_secret: 'conformance-secret',
      }).toString(),
    })
    expect(wide.json()).toEqual({ error: 'invalid_scope' })
  })
})
