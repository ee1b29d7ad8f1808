import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  authorize,
  authorizeParams,
  basicHeader,
  codeFlow,
  REDIRECT_URI,
  refresh,
  token,
} from '../../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../../scripts/targets/targets.ts'

/**
 * What broke, each found by driving the served mock with unmodified clients and comparing with
 * IdentityServer's source (duende-userinfo-endpoint, duende-introspection-endpoint,
 * is4-basic-secret-parser, duende-authorize-endpoint, duende-refresh-token-service):
 * - userinfo and introspection answers carried no no-store headers, and userinfo's challenge had
 *   no realm and no "The access token expired" for an expired token;
 * - userinfo took `bearer …` in any case (IdentityServer looks for `Bearer ` exactly);
 * - introspection without a token answered 200 {"active":false} instead of 400 missing_token;
 * - prompt=select_account, advertised, was validated and then ignored;
 * - a Basic secret with a stray `%` was taken for no credentials (invalid_request), and unpadded
 *   base64 was decoded where .NET refuses it;
 * - a refresh narrowing the scope without openid dropped the id_token the grant was made for.
 */
const OPENID = { scope: 'openid profile email dineropublicapi:read dineropublicapi:write offline_access' }
const NO_STORE = { 'cache-control': 'no-store, no-cache, max-age=0', pragma: 'no-cache' }
const headersOf = (h: Headers, names: string[]) => Object.fromEntries(names.map((n) => [n, h.get(n)]))

let target: Target
beforeAll(async () => {
  target = await startTarget('served')
})
afterAll(() => target.close())

const userinfo = (authorization: string) =>
  target.call('connect', '/connect/userinfo', { headers: { authorization } })

describe('Connect answers as IdentityServer writes them (identityserver-detail regressions)', () => {
  it('userinfo: 200 and 401 with no-store headers; 401 challenge Bearer realm="IdentityServer", error="invalid_token", and error_description="The access token expired" once expired', async () => {
    const tokens = await codeFlow(target, OPENID)
    const ok = await userinfo(`Bearer ${tokens.access_token}`)
    expect(ok.status).toBe(200)
    expect(headersOf(ok.headers, ['cache-control', 'pragma'])).toEqual(NO_STORE)
    const none = await target.call('connect', '/connect/userinfo')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="IdentityServer", error="invalid_token"')
    expect(headersOf(none.headers, ['cache-control', 'pragma'])).toEqual(NO_STORE)
    target.mock.control.expireAccessTokens()
    const expired = await userinfo(`Bearer ${tokens.access_token}`)
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toBe(
      'Bearer realm="IdentityServer", error="invalid_token", error_description="The access token expired"',
    )
  })

  it('userinfo: `bearer` or `BEARER` → 401 invalid_token; the Dinero API still takes them (200)', async () => {
    const tokens = await codeFlow(target)
    for (const scheme of ['bearer', 'BEARER']) {
      expect((await userinfo(`${scheme} ${tokens.access_token}`)).status).toBe(401)
      const api = await target.call('api', '/v1/organizations', {
        headers: { authorization: `${scheme} ${tokens.access_token}` },
      })
      expect(api.status).toBe(200)
    }
  })

  it('introspection: 200 with no-store headers', async () => {
    const tokens = await codeFlow(target)
    const reply = await target.call('connect', '/connect/introspect', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicHeader('isv_conformance_test', 'conformance-secret'),
      },
      body: new URLSearchParams({ token: tokens.refresh_token! }).toString(),
    })
    expect(reply.status).toBe(200)
    expect(reply.json()).toMatchObject({ active: true })
    expect(headersOf(reply.headers, ['cache-control', 'pragma'])).toEqual(NO_STORE)
  })

  it('authorize: prompt=select_account with a signed-in session → 302 to the login page, as prompt=login', async () => {
    const first = await authorize(target, authorizeParams({ response_mode: 'query' }))
    const cookie = first.reply.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    expect(cookie).toMatch(/=/)
    for (const prompt of [undefined, 'select_account', 'login']) {
      const params = authorizeParams({ response_mode: 'query', ...(prompt ? { prompt } : {}) })
      const reply = await target.call('connect', `/connect/authorize?${params}`, { headers: { cookie } })
      expect(reply.status, prompt).toBe(302)
      const location = reply.headers.get('location') ?? ''
      if (prompt === undefined) expect(location.startsWith(REDIRECT_URI)).toBe(true)
      else expect(new URL(location).pathname, prompt).toBe('/account/login')
    }
  })

  it('token: a Basic secret with an escape that is none (`100%`, `%zz`) → 400 invalid_client; unpadded base64 is no credential → 400 invalid_request', async () => {
    const code = async () =>
      (await authorize(target, authorizeParams({ response_mode: 'query' }))).fields.code!
    for (const secret of ['100%', '%zz']) {
      const raw = `Basic ${Buffer.from(`isv_conformance_test:${secret}`).toString('base64')}`
      const reply = await token(
        target,
        { grant_type: 'authorization_code', code: await code(), redirect_uri: REDIRECT_URI },
        { kind: 'none' },
        { headers: { authorization: raw } },
      )
      expect(reply.json(), secret).toEqual({ error: 'invalid_client' })
    }
    // 38 bytes: the base64 ends in one `=`. Read, the wrong secret is invalid_client; unpadded,
    // nothing is read, and a request with no client is invalid_request.
    const padded = basicHeader('isv_conformance_test', 'conformance-secre')
    expect(padded.endsWith('=')).toBe(true)
    const answers: unknown[] = []
    for (const authorization of [padded, padded.replace(/=+$/, '')]) {
      const reply = await token(
        target,
        { grant_type: 'authorization_code', code: await code(), redirect_uri: REDIRECT_URI },
        { kind: 'none' },
        { headers: { authorization } },
      )
      expect(reply.status).toBe(400)
      answers.push(reply.json())
    }
    expect(answers).toEqual([{ error: 'invalid_client' }, { error: 'invalid_request' }])
  })

  it('refresh: a scope narrowed to leave out openid still answers an id_token, as the grant was made with openid', async () => {
    const tokens = await codeFlow(target, OPENID)
    expect(tokens.scope.split(' ')).toContain('openid')
    const reply = await token(target, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      scope: 'dineropublicapi:read',
    })
    expect(reply.status, reply.text).toBe(200)
    const body = reply.json<{ scope: string; id_token?: string }>()
    expect(body.scope).toBe('dineropublicapi:read')
    expect(body.id_token).toMatch(/^eyJ/)
    // The rotated token refreshes as before.
    expect((await refresh(target, reply.json<{ refresh_token: string }>().refresh_token)).status).toBe(200)
  })
})
