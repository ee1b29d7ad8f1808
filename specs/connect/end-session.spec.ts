import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_POST_LOGOUT_REDIRECT_URIS, REFRESH_CLIENT_ID } from '../../mocks/options.ts'
import { authorize, authorizeParams, DINERO_SCOPE, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * RP-initiated logout (oidc-rp-initiated-logout §2–3) as Duende answers it
 * (duende-end-session-endpoint, duende-end-session-validator, duende-end-session-result): GET or
 * POST, the id_token_hint verified, post_logout_redirect_uri honoured only when registered for the
 * hint's client (with state), and the session ended on the server, not only its cookie.
 * Regression for issue #16: the endpoint was a stub that signed no one out.
 */
const POST_LOGOUT = DEFAULT_POST_LOGOUT_REDIRECT_URIS[0]!
const EXPIRED_COOKIE = /^mock\.idsrv\.session=;.*Max-Age=0/

describe.each(TARGET_KINDS)('end session (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  /** Signs the default user in (consent shortcut) and returns the session cookie and an id_token. */
  const signIn = async (clientId?: string) => {
    const result = await authorize(
      target,
      authorizeParams({ scope: `openid ${DINERO_SCOPE}`, ...(clientId ? { client_id: clientId } : {}) }),
    )
    const cookie = (result.reply.headers.get('set-cookie') ?? '').split(';')[0]!
    expect(cookie).toMatch(/^mock\.idsrv\.session=\S+$/)
    const tokens = await token(
      target,
      {
        grant_type: 'authorization_code',
        code: result.fields.code!,
        redirect_uri: REDIRECT_URI,
        ...(clientId ? { client_id: clientId } : {}),
      },
      clientId ? { kind: 'post', clientId } : { kind: 'post' },
    )
    const idToken = tokens.json<{ id_token: string }>().id_token
    expect(idToken).toBeTypeOf('string')
    return { cookie, idToken }
  }

  const endSession = (query: Record<string, string>, cookie?: string) =>
    target.call('connect', `/connect/endsession?${new URLSearchParams(query)}`, {
      ...(cookie ? { headers: { cookie } } : {}),
    })

  /** Follows the end-session redirect to the logout page, as the browser would. */
  const logoutPage = (location: string, cookie?: string) =>
    target.call('connect', location, { ...(cookie ? { headers: { cookie } } : {}) })

  // Pins end-session.post-logout-redirect (collections/behaviours.ts).
  it('a valid id_token_hint with a registered post_logout_redirect_uri → 302 /account/logout?logoutId, then 302 to that URI with state and the cookie expired', async () => {
    const { cookie, idToken } = await signIn()
    const reply = await endSession(
      { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT, state: 'st ate/1' },
      cookie,
    )
    expect(reply.status).toBe(302)
    const location = new URL(reply.headers.get('location')!)
    expect(`${location.origin}${location.pathname}`).toBe(`${target.connect}/account/logout`)
    expect(location.searchParams.get('logoutId')).toMatch(/^[0-9a-f]{32}$/)
    expect(reply.headers.get('set-cookie')).toBeNull()

    const out = await logoutPage(location.href, cookie)
    expect(out.status).toBe(302)
    expect(out.headers.get('location')).toBe(`${POST_LOGOUT}?state=st+ate%2F1`)
    expect(out.headers.get('set-cookie')).toMatch(EXPIRED_COOKIE)
  })

  // Pins end-session.get-or-post (collections/behaviours.ts).
  it('POST /connect/endsession with a form body is answered like GET (302 to the logout page with a logoutId)', async () => {
    const { cookie, idToken } = await signIn()
    const reply = await target.call('connect', '/connect/endsession', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT }),
    })
    expect(reply.status).toBe(302)
    expect(new URL(reply.headers.get('location')!).searchParams.get('logoutId')).toMatch(/^[0-9a-f]{32}$/)
    const out = await logoutPage(reply.headers.get('location')!, cookie)
    expect(out.headers.get('location')).toBe(POST_LOGOUT)
  })

  // Pins end-session.get-or-post (collections/behaviours.ts).
  it('PUT /connect/endsession → 405 with Allow: GET, POST; a POST with a JSON body → 415', async () => {
    const put = await target.call('connect', '/connect/endsession', { method: 'PUT' })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST')
    const json = await target.call('connect', '/connect/endsession', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(415)
  })

  // Pins end-session.session-ended (collections/behaviours.ts).
  it('after logout the old session cookie no longer signs anyone in: prompt=none → login_required to the redirect_uri', async () => {
    const { cookie, idToken } = await signIn()
    const before = await authorize(target, authorizeParams({ prompt: 'none' }), 'none')
    expect(before.fields.error).toBe('login_required') // no cookie sent: the baseline

    const withCookie = await target.call(
      'connect',
      `/connect/authorize?${authorizeParams({ prompt: 'none' })}`,
      { headers: { cookie } },
    )
    expect(new URL(withCookie.headers.get('location')!).searchParams.get('code')).toMatch(/^[0-9A-F]{64}$/)

    const reply = await endSession({ id_token_hint: idToken }, cookie)
    const out = await logoutPage(reply.headers.get('location')!, cookie)
    expect(out.status).toBe(200)
    expect(out.text).toContain('You are signed out')
    expect(out.headers.get('set-cookie')).toMatch(EXPIRED_COOKIE)

    const after = await target.call(
      'connect',
      `/connect/authorize?${authorizeParams({ prompt: 'none', state: 'after-logout' })}`,
      { headers: { cookie } },
    )
    expect(after.status).toBe(302)
    const back = new URL(after.headers.get('location')!)
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI)
    expect(back.searchParams.get('error')).toBe('login_required')
    expect(back.searchParams.get('state')).toBe('after-logout')
    expect(back.searchParams.get('code')).toBeNull()
  })

  // Pins end-session.invalid-hint-refused (collections/behaviours.ts).
  it('a garbage id_token_hint is refused: 302 to /account/logout without logoutId, and the page asks instead of redirecting', async () => {
    const { cookie } = await signIn()
    const reply = await endSession(
      { id_token_hint: 'not-a-jwt', post_logout_redirect_uri: POST_LOGOUT, state: 's' },
      cookie,
    )
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(`${target.connect}/account/logout`)
    const page = await logoutPage(reply.headers.get('location')!, cookie)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign out of Visma Connect?')
    expect(page.headers.get('location')).toBeNull()
    expect(page.headers.get('set-cookie')).toBeNull()

    // Confirming signs out, and still goes nowhere near the client.
    const confirmed = await target.call('connect', '/account/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ button: 'yes' }),
    })
    expect(confirmed.status).toBe(200)
    expect(confirmed.headers.get('set-cookie')).toMatch(EXPIRED_COOKIE)
    const after = await target.call('connect', `/connect/authorize?${authorizeParams({ prompt: 'none' })}`, {
      headers: { cookie },
    })
    expect(new URL(after.headers.get('location')!).searchParams.get('error')).toBe('login_required')
  })

  // Pins end-session.invalid-hint-refused (collections/behaviours.ts).
  it('an access token as id_token_hint is refused (its aud names the API, not a client): no logoutId', async () => {
    const { cookie } = await signIn()
    const access = (
      await token(target, {
        grant_type: 'authorization_code',
        code: (await authorize(target, authorizeParams())).fields.code!,
        redirect_uri: REDIRECT_URI,
      })
    ).json<{ access_token: string }>().access_token
    const reply = await endSession({ id_token_hint: access, post_logout_redirect_uri: POST_LOGOUT }, cookie)
    expect(reply.headers.get('location')).toBe(`${target.connect}/account/logout`)
  })

  // Pins end-session.invalid-hint-refused (collections/behaviours.ts).
  it('an id_token_hint of another user than the signed-in one is refused ("Current user does not match identity token")', async () => {
    const { idToken } = await signIn()
    const other = target.mock.store.connect.createSession('someone-else', Date.now())
    const reply = await endSession(
      { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT },
      `mock.idsrv.session=${other.id}`,
    )
    expect(reply.headers.get('location')).toBe(`${target.connect}/account/logout`)
  })

  // Pins end-session.unregistered-redirect-ignored (collections/behaviours.ts).
  it('an unregistered post_logout_redirect_uri is not honoured: the logout page signs out and answers 200, no redirect', async () => {
    const { cookie, idToken } = await signIn()
    const reply = await endSession(
      { id_token_hint: idToken, post_logout_redirect_uri: 'https://attacker.example/out', state: 's' },
      cookie,
    )
    const out = await logoutPage(reply.headers.get('location')!, cookie)
    expect(out.status).toBe(200)
    expect(out.headers.get('location')).toBeNull()
    expect(out.headers.get('set-cookie')).toMatch(EXPIRED_COOKIE)
  })

  // Pins end-session.unregistered-redirect-ignored (collections/behaviours.ts).
  it('a post_logout_redirect_uri registered for another client than the hint’s is not honoured', async () => {
    const { cookie, idToken } = await signIn(REFRESH_CLIENT_ID)
    target.mock.store.connect.clients.get(REFRESH_CLIENT_ID)!.postLogoutRedirectUris = []
    const reply = await endSession({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT }, cookie)
    const out = await logoutPage(reply.headers.get('location')!, cookie)
    expect(out.status).toBe(200)
    expect(out.headers.get('location')).toBeNull()
    target.mock.store.connect.reset()
  })

  // Pins end-session.unregistered-redirect-ignored (collections/behaviours.ts).
  it('post_logout_redirect_uri without an id_token_hint is ignored (Duende reads the client only from the hint)', async () => {
    const { cookie } = await signIn()
    const reply = await endSession(
      { post_logout_redirect_uri: POST_LOGOUT, client_id: 'isv_conformance_test' },
      cookie,
    )
    const location = new URL(reply.headers.get('location')!)
    const page = await logoutPage(location.href, cookie)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign out of Visma Connect?')
    const confirmed = await target.call('connect', '/account/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ logoutId: location.searchParams.get('logoutId') ?? '', button: 'yes' }),
    })
    expect(confirmed.status).toBe(200)
    expect(confirmed.headers.get('location')).toBeNull()
  })
})
