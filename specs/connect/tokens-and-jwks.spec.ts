import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { leftHalfHash } from '../../mocks/connect/tokens.ts'
import { DINERO_API_RESOURCE_SECRET, DINERO_AUDIENCE } from '../../mocks/options.ts'
import { codeFlow } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * visma-connect-discovery, observed-visma-token-response: discovery, JWKS, and tokens shaped like Visma
 * Connect's.
 */
describe.each(TARGET_KINDS)('discovery, JWKS and token claims (%s)', (kind) => {
  let target: Target
  let jwks: ReturnType<typeof createLocalJWKSet>
  beforeAll(async () => {
    target = await startTarget(kind)
    const discovery = (await target.call('connect', '/.well-known/openid-configuration')).json()
    jwks = createLocalJWKSet((await target.call('connect', String(discovery.jwks_uri))).json())
  })
  afterAll(() => target.close())

  it('discovery puts every endpoint on the mock origin and the issuer equals it', async () => {
    const doc = (await target.call('connect', '/.well-known/openid-configuration')).json<
      Record<string, unknown>
    >()
    expect(doc.issuer).toBe(target.connect)
    for (const key of [
      'jwks_uri',
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'revocation_endpoint',
      'introspection_endpoint',
    ]) {
      expect(String(doc[key]).startsWith(`${target.connect}/`)).toBe(true)
    }
    expect(doc.jwks_uri).toBe(`${target.connect}/.well-known/openid-configuration/jwks`)
    expect(doc.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post'])
    expect(doc.response_modes_supported).toEqual(['form_post', 'query', 'fragment'])
    expect(doc.authorization_response_iss_parameter_supported).toBe(true)
    const oauth = (await target.call('connect', '/.well-known/oauth-authorization-server')).json()
    expect(oauth).toEqual(doc)
  })

  it('the access token is an RS256 at+JWT with kid, verifiable against the JWKS', async () => {
    const tokens = await codeFlow(target)
    const header = decodeProtectedHeader(tokens.access_token)
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+JWT' })
    expect(header.kid).toMatch(/^[0-9A-F]{40}RS256$/)
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: target.connect,
      audience: 'https://api.dinero.dk',
    })
    expect(payload.scope).toEqual(['dineropublicapi:read', 'dineropublicapi:write', 'offline_access'])
    expect(payload.client_id).toBe('isv_conformance_test')
    expect(payload.sub).toBe('1f3ee81c-89aa-4984-a533-8caaba6616be')
    expect(payload.exp! - payload.iat!).toBe(3600)
  })

  it('the token header carries x5t beside kid (the kid’s SHA-1 in base64url), and the JWKS key publishes the same x5t', async () => {
    const tokens = await codeFlow(target)
    const header = decodeProtectedHeader(tokens.access_token)
    const thumbprint = Buffer.from(String(header.kid).slice(0, 40), 'hex').toString('base64url')
    expect(header.x5t).toBe(thumbprint)
    const discovery = (await target.call('connect', '/.well-known/openid-configuration')).json()
    const keys = (await target.call('connect', String(discovery.jwks_uri))).json().keys
    expect(keys).toEqual([expect.objectContaining({ kid: header.kid, x5t: thumbprint })])
  })

  it('the access token carries acr, llt (the previous sign-in) and created_at, as Visma’s do', async () => {
    const first = await codeFlow(target)
    const second = await codeFlow(target)
    const claims = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
    const a = claims(first.access_token)
    const b = claims(second.access_token)
    expect(a).toMatchObject({ acr: '3', created_at: 1_577_836_800 })
    expect(typeof a.llt).toBe('number')
    expect(b.llt).toBe(a.auth_time)
  })

  // Pins token.no-id-token-without-openid.
  it('no id_token without openid; with openid it carries nonce and at_hash', async () => {
    expect((await codeFlow(target)).id_token).toBeUndefined()
    const tokens = await codeFlow(target, {
      scope: 'openid profile dineropublicapi:read',
      nonce: 'n-0S6_WzA2Mj',
    })
    const { payload } = await jwtVerify(tokens.id_token!, jwks, {
      issuer: target.connect,
      audience: 'isv_conformance_test',
    })
    expect(payload.nonce).toBe('n-0S6_WzA2Mj')
    expect(payload.at_hash).toBe(leftHalfHash(tokens.access_token))
    expect(payload.exp! - payload.iat!).toBe(300)
  })

  it('a token signed by another key fails verification against the JWKS', async () => {
    const tokens = await codeFlow(target)
    const [h, p] = tokens.access_token.split('.')
    const forged = `${h}.${p}.${Buffer.from('x'.repeat(256)).toString('base64url')}`
    await expect(jwtVerify(forged, jwks)).rejects.toThrow()
  })

  it('userinfo answers with the profile for an openid token and 401 invalid_token without one', async () => {
    const tokens = await codeFlow(target, { scope: 'openid profile email' })
    const ok = await target.call('connect', '/connect/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(ok.status).toBe(200)
    expect(ok.json()).toEqual({
      sub: '1f3ee81c-89aa-4984-a533-8caaba6616be',
      name: 'Conformance User',
      email: 'user@example.com',
      email_verified: true,
    })
    const none = await target.call('connect', '/connect/userinfo')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="IdentityServer", error="invalid_token"')
    const noOpenid = await codeFlow(target)
    const forbidden = await target.call('connect', '/connect/userinfo', {
      headers: { authorization: `Bearer ${noOpenid.access_token}` },
    })
    expect(forbidden.status).toBe(403)
  })

  it('revocation: 405 on GET, 415 on JSON, invalid_client on a bad secret, 200 and the refresh token gone', async () => {
    expect((await target.call('connect', '/connect/revocation')).status).toBe(405)
    expect(
      (
        await target.call('connect', '/connect/revocation', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(415)
    const tokens = await codeFlow(target)
    const form = (secret: string) =>
      new URLSearchParams({
        token: tokens.refresh_token!,
        token_type_hint: 'refresh_token',
        client_id: 'isv_conformance_test',
        client_secret: secret,
      }).toString()
    const headers = { 'content-type': 'application/x-www-form-urlencoded' }
    const bad = await target.call('connect', '/connect/revocation', {
      method: 'POST',
      headers,
      body: form('nope'),
    })
    expect(bad.status).toBe(400)
    expect(bad.json()).toEqual({ error: 'invalid_client' })
    const ok = await target.call('connect', '/connect/revocation', {
      method: 'POST',
      headers,
      body: form('conformance-secret'),
    })
    expect(ok.status).toBe(200)
    expect(ok.text).toBe('')
    const after = await target.call('connect', '/connect/token', {
      method: 'POST',
      headers,
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: 'isv_conformance_test',
        client_secret: 'conformance-secret',
      }).toString(),
    })
    expect(after.json()).toEqual({ error: 'invalid_grant' })
  })

  const introspect = (
    token: string,
    credentials: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    target.call('connect', '/connect/introspect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ token, ...credentials }).toString(),
    })
  const API = { client_id: DINERO_AUDIENCE, client_secret: DINERO_API_RESOURCE_SECRET }
  const CLIENT = { client_id: 'isv_conformance_test', client_secret: 'conformance-secret' }
  const deviation = (enable: string[], disable: string[] = []) =>
    target.call('connect', '/__mock/deviations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enable, disable }),
    })

  it('introspection by the Dinero API resource reports an active access token and an inactive unknown one', async () => {
    const tokens = await codeFlow(target)
    expect((await introspect(tokens.access_token, API)).json()).toMatchObject({
      active: true,
      client_id: 'isv_conformance_test',
      aud: DINERO_AUDIENCE,
      token_type: 'access_token',
    })
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(DINERO_AUDIENCE)}:${DINERO_API_RESOURCE_SECRET}`).toString('base64')}`
    expect((await introspect(tokens.access_token, {}, { authorization: basic })).json().active).toBe(true)
    expect((await introspect('nonsense', API)).json()).toEqual({ active: false })
  })

  it('introspection by a client: an access token, even its own, is {"active":false}', async () => {
    const tokens = await codeFlow(target)
    const answer = await introspect(tokens.access_token, CLIENT)
    expect(answer.status).toBe(200)
    expect(answer.json()).toEqual({ active: false })
  })

  it('introspection by a client: its own refresh token is active, another client’s is {"active":false}', async () => {
    const tokens = await codeFlow(target)
    expect((await introspect(tokens.refresh_token!, CLIENT)).json()).toMatchObject({
      active: true,
      token_type: 'refresh_token',
    })
    const other = { client_id: 'isv_conformance_refresh', client_secret: 'conformance-secret' }
    expect((await introspect(tokens.refresh_token!, other)).json()).toEqual({ active: false })
    expect((await introspect(tokens.refresh_token!, API)).json()).toEqual({ active: false })
  })

  it.each([
    ['no credentials', {}],
    ['a wrong client secret', { client_id: 'isv_conformance_test', client_secret: 'nope' }],
    ['a wrong API secret', { client_id: DINERO_AUDIENCE, client_secret: 'nope' }],
    ['an unknown caller', { client_id: 'isv_nobody', client_secret: 'conformance-secret' }],
  ])('introspection with %s → 401 with no body', async (_what, credentials) => {
    const tokens = await codeFlow(target)
    const answer = await introspect(tokens.access_token, credentials)
    expect(answer.status).toBe(401)
    expect(answer.text).toBe('')
  })

  it('the deviation introspection.any-client brings back the leak: another client reads an access token', async () => {
    const tokens = await codeFlow(target)
    await deviation(['introspection.any-client'])
    const other = { client_id: 'isv_conformance_refresh', client_secret: 'conformance-secret' }
    const answer = (await introspect(tokens.access_token, other)).json()
    await deviation([], ['introspection.any-client'])
    expect(answer.active).toBe(true)
  })

  it('revocation without client credentials → 400 invalid_client (not invalid_request)', async () => {
    const tokens = await codeFlow(target)
    const revoke = () =>
      target.call('connect', '/connect/revocation', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: tokens.refresh_token! }).toString(),
      })
    const answer = await revoke()
    expect(answer.status).toBe(400)
    expect(answer.json()).toEqual({ error: 'invalid_client' })
    await deviation(['revocation.missing-client-invalid-request'])
    const old = (await revoke()).json()
    await deviation([], ['revocation.missing-client-invalid-request'])
    expect(old).toEqual({ error: 'invalid_request' })
  })
})
