import { afterEach, describe, expect, it } from 'vitest'
import { authorize, authorizeParams, codeFlow, refresh } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { controlPost } from '../support/control.ts'
import { dineroApi, tokenFor } from '../support/dinero-session.ts'

/**
 * The control surface's faults and lifecycle events, over HTTP (served) and in-process: each
 * fault answers in the service's own format and stops when its count runs out.
 */
describe.each(TARGET_KINDS)('faults and lifecycle events (%s)', (kind) => {
  let target: Target | undefined
  afterEach(async () => {
    await target?.close()
    target = undefined
  })
  const control = (t: Target, path: string, body: unknown, method = 'POST') =>
    controlPost(t, `${t.connect}/__mock/${path}`, body, method)

  it('a 503 fault on the token endpoint answers temporarily_unavailable JSON once, then the endpoint recovers', async () => {
    target = await startTarget(kind, { refresh: { usage: 'reuse' } })
    const t = target
    const tokens = await codeFlow(t)
    expect(
      (await control(t, 'faults', { target: 'token', kind: 'status', status: 503, count: 1 })).status,
    ).toBe(200)
    const faulted = await refresh(t, tokens.refresh_token!)
    expect(faulted.status).toBe(503)
    expect(faulted.json()).toEqual({ error: 'temporarily_unavailable' })
    expect((await refresh(t, tokens.refresh_token!)).status).toBe(200)
  })

  it('a 429 fault on Dinero answers code 43 and the documented message, and no Retry-After unless it names one', async () => {
    target = await startTarget(kind)
    const t = target
    const token = await tokenFor(t)
    await control(t, 'faults', { target: 'dinero', kind: 'rate-limit', count: 1 })
    const limited = await dineroApi(t, token).get('/v1/organizations')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeNull()
    expect(limited.json()).toEqual({
      code: 43,
      message:
        'You have exceeded the maximum amount of 100 requests a minute pr. organization, wait a minute and continue',
    })
  })

  it('a 429 fault on Dinero with retryAfterSeconds answers code 43 with Retry-After', async () => {
    target = await startTarget(kind)
    const t = target
    const token = await tokenFor(t)
    await control(t, 'faults', { target: 'dinero', kind: 'rate-limit', retryAfterSeconds: 7, count: 1 })
    const limited = await dineroApi(t, token).get('/v1/organizations')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect(limited.json().code).toBe(43)
    expect((await dineroApi(t, token).get('/v1/organizations')).status).toBe(200)
  })

  it('a latency fault delays the answer by at least its ms', async () => {
    target = await startTarget(kind)
    const t = target
    await control(t, 'faults', { target: 'discovery', kind: 'latency', ms: 150, count: 1 })
    const started = performance.now()
    expect((await t.call('connect', '/.well-known/openid-configuration')).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('a reset fault drops the connection instead of answering', async () => {
    target = await startTarget(kind)
    const t = target
    await control(t, 'faults', { target: 'discovery', kind: 'reset', count: 1 })
    await expect(t.call('connect', '/.well-known/openid-configuration')).rejects.toThrow()
    expect((await t.call('connect', '/.well-known/openid-configuration')).status).toBe(200)
  })

  it('temporarily-unavailable at authorize is delivered to the client with the state', async () => {
    target = await startTarget(kind)
    const t = target
    await control(t, 'faults', { target: 'authorize', kind: 'temporarily-unavailable', count: 1 })
    const result = await authorize(t, authorizeParams({ state: 'st' }))
    expect(result.fields).toMatchObject({ error: 'temporarily_unavailable', state: 'st' })
    expect((await authorize(t, authorizeParams())).fields.code).toBeDefined()
  })

  it('a malformed fault is refused with 400 and a reason', async () => {
    target = await startTarget(kind)
    const t = target
    const reply = await control(t, 'faults', { target: 'token', kind: 'explode' })
    expect(reply.status).toBe(400)
    expect(reply.json().error_description).toMatch(/kind must be one of/)
  })

  it('a fault with a fractional status, count or retryAfterSeconds → 400 and no fault is set (RFC 9110 §10.2.3: Retry-After is whole seconds)', async () => {
    target = await startTarget(kind)
    const t = target
    for (const extra of [{ retryAfterSeconds: 1.5 }, { count: 1.5 }, { status: 500.5, kind: 'status' }]) {
      const reply = await control(t, 'faults', { target: 'dinero', kind: 'rate-limit', ...extra })
      expect(reply.status, JSON.stringify(extra)).toBe(400)
      expect(reply.json().error_description).toMatch(/must be an integer/)
    }
    const tokens = await codeFlow(t)
    expect((await dineroApi(t, tokens.access_token).get('/v1/organizations')).status).toBe(200)
  })

  it('revoke-consent for a client or user the mock does not know → 400 naming it, and the grant still works', async () => {
    target = await startTarget(kind)
    const t = target
    const tokens = await codeFlow(t)
    const typo = await control(t, 'lifecycle', { event: 'revoke-consent', clientId: 'isv_conformance_tset' })
    expect(typo.status).toBe(400)
    expect(typo.json()).toMatchObject({ error: 'invalid_control_request' })
    expect(typo.json().error_description).toMatch(/unknown client "isv_conformance_tset"/)
    const nobody = await control(t, 'lifecycle', {
      event: 'revoke-consent',
      clientId: 'isv_conformance_test',
      subject: 'no-such-user',
    })
    expect(nobody.status).toBe(400)
    expect(nobody.json().error_description).toMatch(/unknown user "no-such-user"/)
    expect((await refresh(t, tokens.refresh_token!)).status).toBe(200)
  })

  it('a deviations request with one bad field → 400 and none of it applies (set, enable and disable are read before any is applied)', async () => {
    target = await startTarget(kind)
    const t = target
    for (const body of [
      { set: ['code.allow-reuse'], enable: ['no-such'] },
      { enable: ['refresh.no-rotation'], disable: 'oops' },
      { enable: ['refresh.no-rotation'], enabel: ['code.allow-reuse'] },
    ]) {
      const reply = await control(t, 'deviations', body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.json()).toMatchObject({ error: 'invalid_control_request' })
    }
    expect((await control(t, 'deviations', undefined, 'GET')).json().enabled).toEqual([])
  })

  it('revoke-consent makes the refresh token invalid_grant and the access token 401 at Dinero', async () => {
    target = await startTarget(kind)
    const t = target
    const tokens = await codeFlow(t)
    await control(t, 'lifecycle', { event: 'revoke-consent', clientId: 'isv_conformance_test' })
    expect((await refresh(t, tokens.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    expect((await dineroApi(t, tokens.access_token).get('/v1/organizations')).status).toBe(401)
  })

  it('remove-organisation-access drops the organisation from the list and answers 403 there', async () => {
    target = await startTarget(kind)
    const t = target
    const token = await tokenFor(t)
    await control(t, 'lifecycle', { event: 'remove-organisation-access', organizationId: 148383 })
    const orgs = (await dineroApi(t, token).get('/v1/organizations?fields=Id')).json<{ Id: number }[]>()
    expect(orgs.map((o) => o.Id)).not.toContain(148383)
    expect((await dineroApi(t, token).get('/v1/148383/contacts')).status).toBe(403)
  })

  it('lose-pro turns an organisation into 403 code 90; regain-pro restores it', async () => {
    target = await startTarget(kind)
    const t = target
    const token = await tokenFor(t)
    await control(t, 'lifecycle', { event: 'lose-pro', organizationId: 118244 })
    const denied = await dineroApi(t, token).get('/v1/118244/contacts')
    expect(denied.status).toBe(403)
    expect(denied.json().code).toBe(90)
    await control(t, 'lifecycle', { event: 'regain-pro', organizationId: 118244 })
    expect((await dineroApi(t, token).get('/v1/118244/contacts')).status).toBe(200)
  })

  it('reset clears faults', async () => {
    target = await startTarget(kind)
    const t = target
    await control(t, 'faults', { target: 'discovery', kind: 'status', status: 500 })
    await control(t, 'reset', {})
    expect((await t.call('connect', '/.well-known/openid-configuration')).status).toBe(200)
  })
})
