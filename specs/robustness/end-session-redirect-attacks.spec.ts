import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_POST_LOGOUT_REDIRECT_URIS } from '../../mocks/options.ts'
import { authorize, authorizeParams, DINERO_SCOPE, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * Open-redirect and reflection attempts on RP-initiated logout (oidc-rp-initiated-logout §2–3,
 * RFC 9700 §4.11.1 on open redirectors): a post_logout_redirect_uri is honoured only when it is
 * a registered URI for the hint's client, compared whole (ignoring case, as Duende compares
 * redirect URIs), and `state` reaches the Location only form-encoded and never the logout page.
 */
const POST_LOGOUT = DEFAULT_POST_LOGOUT_REDIRECT_URIS[0]!
const SCRIPT = '"><script>alert(1)</script>'

describe.each(TARGET_KINDS)('end-session redirect attacks (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  const signIn = async () => {
    const result = await authorize(target, authorizeParams({ scope: `openid ${DINERO_SCOPE}` }))
    const cookie = (result.reply.headers.get('set-cookie') ?? '').split(';')[0]!
    const tokens = await token(
      target,
      { grant_type: 'authorization_code', code: result.fields.code!, redirect_uri: REDIRECT_URI },
      { kind: 'post' },
    )
    return { cookie, idToken: tokens.json<{ id_token: string }>().id_token }
  }
  /** End-session, then the logout page it sends the browser to: the final answer. */
  const logout = async (query: Record<string, string>) => {
    const { cookie, idToken } = await signIn()
    const first = await target.call(
      'connect',
      `/connect/endsession?${new URLSearchParams({ id_token_hint: idToken, ...query })}`,
      { headers: { cookie } },
    )
    expect(first.status).toBe(302)
    return target.call('connect', first.headers.get('location')!, { headers: { cookie } })
  }

  const lookalikes = [
    `${POST_LOGOUT}/../../evil`,
    `${POST_LOGOUT}/x`,
    `${POST_LOGOUT}.attacker.example`,
    `${POST_LOGOUT}@attacker.example`,
    POST_LOGOUT.replace('http://', 'http://user@'),
    POST_LOGOUT.replace('127.0.0.1:8976', 'attacker.example#127.0.0.1:8976'),
    POST_LOGOUT.replace('http://', 'http://attacker.example\\@'),
    POST_LOGOUT.replace('signed-out', 'signed%2Dout'),
    POST_LOGOUT.replace('http:', 'javascript:'),
    `${POST_LOGOUT}?next=https://attacker.example`,
    `${POST_LOGOUT} `,
    `//attacker.example/${POST_LOGOUT}`,
  ]
  it('a registered URI with a path, userinfo, host, encoding or scheme changed is not honoured: 200 logged-out page, no Location', async () => {
    for (const uri of lookalikes) {
      const out = await logout({ post_logout_redirect_uri: uri, state: 's' })
      expect(out.status, uri).toBe(200)
      expect(out.headers.get('location'), uri).toBeNull()
    }
  })

  it('the registered URI in another case is honoured as written, on its own host: 302 there with state', async () => {
    const upper = POST_LOGOUT.toUpperCase()
    const out = await logout({ post_logout_redirect_uri: upper, state: 's' })
    expect(out.status).toBe(302)
    const location = new URL(out.headers.get('location')!)
    expect(location.host).toBe(new URL(POST_LOGOUT).host)
    expect(location.searchParams.get('state')).toBe('s')
  })

  it('state with markup, CR/LF and # reaches the Location form-encoded only, and the logout page never', async () => {
    const state = `${SCRIPT}\r\nx-injected: 1#frag&state=other`
    const out = await logout({ post_logout_redirect_uri: POST_LOGOUT, state })
    expect(out.status).toBe(302)
    expect(out.headers.get('x-injected')).toBeNull()
    const location = out.headers.get('location')!
    expect(location).toBe(`${POST_LOGOUT}?${new URLSearchParams({ state })}`)
    expect(new URL(location).searchParams.getAll('state')).toEqual([state])
    const page = await logout({ post_logout_redirect_uri: 'https://attacker.example/', state })
    expect(page.status).toBe(200)
    expect(page.text).not.toContain('<script>alert')
    expect(page.text).not.toContain('x-injected')
  })
})
