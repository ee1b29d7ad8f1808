import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DINERO_API_RESOURCE_SECRET,
  DINERO_AUDIENCE,
  REFRESH_CLIENT_ID,
} from '../../mocks/options.ts'
import { basicHeader, codeFlow, refresh } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * The edges of userinfo (duende-userinfo-endpoint; RFC 6750 §2.2 for the form-encoded token),
 * revocation (RFC 7009 §2.1, §2.2, §2.2.1; duende-revocation-endpoint) and introspection
 * (RFC 7662 §2.2; duende-introspection-endpoint) that the endpoints.ts mutation run found
 * unpinned (docs/MUTATION.md): the methods and media types each refuses, the claims each scope
 * brings, the token_type_hint rules, whose refresh tokens a revocation removes, and exactly what
 * an introspection answer holds.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const CLIENT = { client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET }
const API = { client_id: DINERO_AUDIENCE, client_secret: DINERO_API_RESOURCE_SECRET }
const SUBJECT = '1f3ee81c-89aa-4984-a533-8caaba6616be'

let target: Target
beforeAll(async () => {
  target = await startTarget('in-process')
})
afterAll(() => target.close())

const lastEntry = () => target.mock.journal.entries().at(-1)
const post = (path: string, form: Record<string, string>, headers: Record<string, string> = FORM) =>
  target.call('connect', path, { method: 'POST', headers, body: new URLSearchParams(form).toString() })

describe('userinfo', () => {
  it('a PUT → 405, journalled as method_not_allowed', async () => {
    const reply = await target.call('connect', '/connect/userinfo', { method: 'PUT' })
    expect(reply.status).toBe(405)
    expect(lastEntry()?.error).toBe('method_not_allowed')
  })

  it('POST with the access token in a form body (RFC 6750 §2.2) → 200 with the claims', async () => {
    const tokens = await codeFlow(target, { scope: 'openid profile' })
    const reply = await post('/connect/userinfo', { access_token: tokens.access_token })
    expect(reply.status, reply.text).toBe(200)
    expect(reply.json()).toEqual({ sub: SUBJECT, name: 'Conformance User' })
  })

  it('POST with the access token in a JSON body is not read → 401 invalid_token', async () => {
    const tokens = await codeFlow(target, { scope: 'openid' })
    const reply = await target.call('connect', '/connect/userinfo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: tokens.access_token }),
    })
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="IdentityServer", error="invalid_token"')
  })

  it('GET with the access token only in a form-looking query is not read → 401 invalid_token', async () => {
    const tokens = await codeFlow(target, { scope: 'openid' })
    const reply = await target.call('connect', `/connect/userinfo?access_token=${tokens.access_token}`)
    expect(reply.status).toBe(401)
  })

  it.each([
    ['openid', { sub: SUBJECT }],
    ['openid profile', { sub: SUBJECT, name: 'Conformance User' }],
    ['openid email', { sub: SUBJECT, email: 'user@example.com', email_verified: true }],
  ])('scope "%s" → exactly the claims it brings', async (scope, claims) => {
    const tokens = await codeFlow(target, { scope })
    const reply = await target.call('connect', '/connect/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(reply.json()).toEqual(claims)
  })

  it('a token that does not verify → 401 invalid_token', async () => {
    const reply = await target.call('connect', '/connect/userinfo', {
      headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
    })
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="IdentityServer", error="invalid_token"')
  })
})

describe('revocation', () => {
  it('a POST with no Content-Type → 415, journalled as unsupported_media_type; a PUT → 405', async () => {
    const reply = await target.call('connect', '/connect/revocation', {
      method: 'POST',
      body: new TextEncoder().encode('token=x'),
    })
    expect(reply.status).toBe(415)
    expect(lastEntry()?.error).toBe('unsupported_media_type')
    expect((await target.call('connect', '/connect/revocation', { method: 'PUT' })).status).toBe(405)
    expect(lastEntry()?.error).toBe('method_not_allowed')
  })

  it.each([
    ['missing', {}],
    ['empty', { token: '' }],
  ])('a token that is %s → 400 invalid_request', async (_what, form) => {
    const reply = await post('/connect/revocation', { ...CLIENT, ...form })
    expect(reply.status).toBe(400)
    expect(reply.json()).toEqual({ error: 'invalid_request' })
  })

  it('token_type_hint=id_token → 400 {"error":"unsupported_token_type"} as JSON (RFC 7009 §2.2.1), and the token lives on', async () => {
    const tokens = await codeFlow(target)
    const reply = await post('/connect/revocation', {
      ...CLIENT,
      token: tokens.refresh_token!,
      token_type_hint: 'id_token',
    })
    expect(reply.status).toBe(400)
    expect(reply.headers.get('content-type')).toBe('application/json; charset=UTF-8')
    expect(reply.json()).toEqual({ error: 'unsupported_token_type' })
    expect((await refresh(target, tokens.refresh_token!)).status).toBe(200)
  })

  it.each(['access_token', 'refresh_token'])(
    'token_type_hint=%s is a hint, not a filter: the refresh token is revoked (200, noted)',
    async (hint) => {
      const tokens = await codeFlow(target)
      const reply = await post('/connect/revocation', {
        ...CLIENT,
        token: tokens.refresh_token!,
        token_type_hint: hint,
      })
      expect(reply.status).toBe(200)
      expect(lastEntry()?.details.revoked).toBe('refresh_token')
      expect((await refresh(target, tokens.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    },
  )

  it('another client’s refresh token → 200, nothing noted, and it still refreshes for its owner', async () => {
    const tokens = await codeFlow(target)
    const reply = await post('/connect/revocation', {
      client_id: REFRESH_CLIENT_ID,
      client_secret: DEFAULT_CLIENT_SECRET,
      token: tokens.refresh_token!,
    })
    expect(reply.status).toBe(200)
    expect(lastEntry()?.details.revoked).toBeUndefined()
    expect((await refresh(target, tokens.refresh_token!)).status).toBe(200)
  })

  it('an unknown token → 200 with an empty body (RFC 7009 §2.2)', async () => {
    const reply = await post('/connect/revocation', { ...CLIENT, token: 'no-such-token' })
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('')
  })
})

describe('introspection', () => {
  it('a GET → 405 and a JSON POST → 415, each journalled', async () => {
    expect((await target.call('connect', '/connect/introspect')).status).toBe(405)
    expect(lastEntry()?.error).toBe('method_not_allowed')
    const json = await target.call('connect', '/connect/introspect', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(415)
    expect(lastEntry()?.error).toBe('unsupported_media_type')
  })

  it('the client’s own refresh token, by Basic → exactly active, client_id, sub, scope as one string, exp in whole seconds, token_type', async () => {
    const tokens = await codeFlow(target)
    const before = target.mock.clock.now()
    const reply = await post(
      '/connect/introspect',
      { token: tokens.refresh_token! },
      { ...FORM, authorization: basicHeader(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET) },
    )
    expect(reply.headers.get('content-type')).toBe('application/json; charset=UTF-8')
    const body = reply.json<Record<string, unknown>>()
    expect(Object.keys(body).sort()).toEqual(['active', 'client_id', 'exp', 'scope', 'sub', 'token_type'])
    expect(body).toMatchObject({
      active: true,
      client_id: DEFAULT_CLIENT_ID,
      sub: SUBJECT,
      scope: 'dineropublicapi:read dineropublicapi:write offline_access',
      token_type: 'refresh_token',
    })
    expect(Number.isInteger(body.exp)).toBe(true)
    expect(body.exp as number).toBeGreaterThan(Math.floor(before / 1000))
  })

  it('a refresh token already rotated is {"active":false}, even to its own client', async () => {
    const tokens = await codeFlow(target)
    expect((await refresh(target, tokens.refresh_token!)).status).toBe(200)
    expect((await post('/connect/introspect', { ...CLIENT, token: tokens.refresh_token! })).json()).toEqual({
      active: false,
    })
  })

  it('a refresh token past its lifetime is {"active":false}', async () => {
    const tokens = await codeFlow(target)
    target.mock.control.advanceClock(400 * 24 * 3600)
    try {
      expect((await post('/connect/introspect', { ...CLIENT, token: tokens.refresh_token! })).json()).toEqual(
        {
          active: false,
        },
      )
    } finally {
      target.mock.control.reset()
    }
  })

  it('an access token to the Dinero API resource: scope as one string, token_type access_token', async () => {
    const tokens = await codeFlow(target)
    const body = (await post('/connect/introspect', { ...API, token: tokens.access_token })).json<
      Record<string, unknown>
    >()
    expect(body).toMatchObject({
      active: true,
      sub: SUBJECT,
      scope: 'dineropublicapi:read dineropublicapi:write offline_access',
      token_type: 'access_token',
    })
  })

  it('no token, or an empty one → 400 {"error":"missing_token"} with no-store headers (RFC 7662 §2.1: token REQUIRED; duende-introspection-endpoint)', async () => {
    for (const body of [{ ...API }, { ...API, token: '' }]) {
      const reply = await post('/connect/introspect', body)
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'missing_token' })
      expect(reply.headers.get('cache-control')).toBe('no-store, no-cache, max-age=0')
    }
  })

  it('the API resource without its secret → 401 with no body', async () => {
    const tokens = await codeFlow(target)
    const reply = await post('/connect/introspect', {
      client_id: DINERO_AUDIENCE,
      token: tokens.access_token,
    })
    expect(reply.status).toBe(401)
    expect(reply.text).toBe('')
  })
})
