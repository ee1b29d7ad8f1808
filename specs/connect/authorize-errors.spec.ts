import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PKCE_CLIENT_ID } from '../../mocks/options.ts'
import { authorize, authorizeParams, parseFormPost, REDIRECT_URI } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * duende-authorize-request-validator, duende-authorize-result (RFC 6749 §4.1.2.1): validation errors at
 * authorize go to the IdP error page
 * `/home/error?errorId=…`, never to the client; only the user's refusal reaches the client.
 */
describe.each(TARGET_KINDS)('authorize request validation (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  const expectErrorPage = async (params: URLSearchParams, error: string, description?: string) => {
    const result = await authorize(target, params)
    expect(result.reply.status).toBe(302)
    const location = new URL(result.target!)
    expect(location.origin).toBe(target.connect)
    expect(location.pathname).toBe('/home/error')
    expect(location.searchParams.get('errorId')).toMatch(/^[0-9a-f]{32}$/)
    expect(result.fields.code).toBeUndefined()
    const page = await target.call('connect', `${location.pathname}${location.search}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(`data-error="${error}"`)
    if (description) expect(page.text).toContain(description)
  }

  it('an unregistered redirect_uri goes to the error page, not to the client', async () => {
    await expectErrorPage(
      authorizeParams({ redirect_uri: 'https://attacker.example/cb' }),
      'invalid_request',
      'Invalid redirect_uri',
    )
  })

  it('a redirect_uri differing only in case from a registered one is accepted (OrdinalIgnoreCase)', async () => {
    const result = await authorize(
      target,
      authorizeParams({ redirect_uri: 'http://127.0.0.1:8976/CALLBACK' }),
    )
    expect(result.fields.code).toBeDefined()
    expect(result.target?.startsWith('http://127.0.0.1:8976/CALLBACK?')).toBe(true)
  })

  it('an unknown client goes to the error page with unauthorized_client', async () => {
    await expectErrorPage(authorizeParams({ client_id: 'isv_unknown' }), 'unauthorized_client')
  })

  it('a missing client_id goes to the error page with invalid_request', async () => {
    await expectErrorPage(authorizeParams({ client_id: undefined }), 'invalid_request', 'Invalid client_id')
  })

  it('a scope the client may not use goes to the error page with invalid_scope', async () => {
    await expectErrorPage(authorizeParams({ scope: 'dineropublicapi:admin' }), 'invalid_scope')
  })

  it('identity scopes without openid go to the error page with invalid_scope', async () => {
    await expectErrorPage(authorizeParams({ scope: 'profile dineropublicapi:read' }), 'invalid_scope')
  })

  it('a missing scope goes to the error page with invalid_request', async () => {
    await expectErrorPage(authorizeParams({ scope: undefined }), 'invalid_request', 'Invalid scope')
  })

  it('a missing response_type goes to the error page with invalid_request', async () => {
    await expectErrorPage(
      authorizeParams({ response_type: undefined }),
      'invalid_request',
      'Missing response_type',
    )
  })

  it('response_type=token with response_mode=fragment goes to the error page with unauthorized_client', async () => {
    await expectErrorPage(
      authorizeParams({ response_type: 'token', response_mode: 'fragment' }),
      'unauthorized_client',
      'Invalid grant type for client',
    )
  })

  it('response_type=token with response_mode=query: error page invalid_request "Invalid response_mode for response_type" (checked before the grant)', async () => {
    await expectErrorPage(
      authorizeParams({ response_type: 'token', response_mode: 'query' }),
      'invalid_request',
      'Invalid response_mode for response_type',
    )
  })

  it('response_type=token with response_mode=bogus: error page unsupported_response_type "Invalid response_mode"', async () => {
    await expectErrorPage(
      authorizeParams({ response_type: 'token', response_mode: 'bogus' }),
      'unsupported_response_type',
      'Invalid response_mode',
    )
  })

  it('the deviation authorize.grant-before-response-mode brings back the old order: token&query → unauthorized_client', async () => {
    target.mock.deviations.enable('authorize.grant-before-response-mode')
    try {
      await expectErrorPage(
        authorizeParams({ response_type: 'token', response_mode: 'query' }),
        'unauthorized_client',
      )
    } finally {
      target.mock.deviations.disable('authorize.grant-before-response-mode')
    }
  })

  it('an unknown response_mode goes to the error page with unsupported_response_type', async () => {
    await expectErrorPage(authorizeParams({ response_mode: 'web_message' }), 'unsupported_response_type')
  })

  it('a PKCE-requiring client without code_challenge goes to the error page', async () => {
    await expectErrorPage(
      authorizeParams({ client_id: PKCE_CLIENT_ID }),
      'invalid_request',
      'code challenge required',
    )
  })

  it('the plain PKCE method, not allowed for the client, goes to the error page', async () => {
    await expectErrorPage(
      authorizeParams({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }),
      'invalid_request',
      'Transform algorithm not supported',
    )
  })

  it.each(['-1', 'abc', '1.5'])(
    'max_age=%s goes to the error page with invalid_request "Invalid max_age"',
    async (v) => {
      await expectErrorPage(authorizeParams({ max_age: v }), 'invalid_request', 'Invalid max_age')
    },
  )

  it('acr_values of 301 characters goes to the error page with invalid_request "Invalid acr_values"; 300 are accepted', async () => {
    await expectErrorPage(
      authorizeParams({ acr_values: 'a'.repeat(301) }),
      'invalid_request',
      'Invalid acr_values',
    )
    const ok = await authorize(target, authorizeParams({ acr_values: 'a'.repeat(300), state: 's300' }))
    expect(ok.fields.code).toBeDefined()
  })

  it('prompt=none combined with another value goes to the error page', async () => {
    await expectErrorPage(authorizeParams({ prompt: 'none login' }), 'invalid_request', 'Invalid prompt')
  })

  it('the user cancelling consent sends access_denied with the state to the client', async () => {
    const params = authorizeParams({ state: 'keep-me' })
    const result = await authorize(target, params, 'deny')
    expect(result.reply.status).toBe(302)
    expect(result.target?.startsWith(`${REDIRECT_URI}?`)).toBe(true)
    expect(result.fields).toEqual({ error: 'access_denied', state: 'keep-me', iss: target.connect })
  })

  it('prompt=none without a session sends login_required to the client', async () => {
    const result = await authorize(target, authorizeParams({ prompt: 'none', state: 's1' }), 'none')
    expect(result.fields.error).toBe('login_required')
    expect(result.fields.state).toBe('s1')
  })

  it('without a session the browser is sent to the login page, carrying the request in returnUrl', async () => {
    const result = await authorize(target, authorizeParams(), 'none')
    expect(result.reply.status).toBe(302)
    const location = new URL(result.target!)
    expect(location.pathname).toBe('/account/login')
    expect(location.searchParams.get('returnUrl')).toMatch(/^\/connect\/authorize\/callback\?/)
  })

  it('PUT is refused with 405 and a JSON POST with 415', async () => {
    expect((await target.call('connect', '/connect/authorize', { method: 'PUT' })).status).toBe(405)
    const post = await target.call('connect', '/connect/authorize', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(post.status).toBe(415)
  })

  it('a form POST to authorize works like GET', async () => {
    const reply = await target.call('connect', '/connect/authorize', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-mock-consent': 'accept' },
      body: authorizeParams({ state: 'posted' }).toString(),
    })
    expect(reply.status).toBe(302)
    const location = new URL(reply.headers.get('location')!)
    expect(location.searchParams.get('state')).toBe('posted')
    expect(location.searchParams.get('code')).toMatch(/^[0-9A-F]{64}$/)
  })
})

/**
 * visma-connect-session-management: the IdP session lasts 10 h from sign-in, activity or not;
 * after it `prompt=none` is answered login_required (oidc-core §3.1.2.6).
 */
describe.each(TARGET_KINDS)('IdP session lifetime (%s)', (kind) => {
  // Pins session.max-10-hours.
  it('the IdP session ends 10 h after sign-in whatever the activity: prompt=none 11 h later → login_required', async () => {
    const t = await startTarget(kind, { clock: { frozen: true } })
    try {
      const signIn = await t.call('connect', `/connect/authorize?${authorizeParams({ state: 'a' })}`, {
        headers: { 'x-mock-consent': 'accept' },
      })
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!
      expect(cookie).toMatch(/^mock\.idsrv\.session=/)
      const silent = async (state: string) => {
        const reply = await t.call(
          'connect',
          `/connect/authorize?${authorizeParams({ prompt: 'none', state })}`,
          {
            headers: { cookie },
          },
        )
        const form = reply.status === 200 ? parseFormPost(reply.text) : undefined
        if (form) return form.fields
        return Object.fromEntries(new URL(reply.headers.get('location') ?? 'http://x/').searchParams)
      }
      t.mock.clock.advance(5 * 3600_000)
      expect((await silent('b')).code).toBeDefined()
      // oidc-core §3.1.2.1: a sign-in older than max_age is not good enough for prompt=none.
      const tooOld = await t.call(
        'connect',
        `/connect/authorize?${authorizeParams({ prompt: 'none', max_age: '3600', state: 'm' })}`,
        { headers: { cookie } },
      )
      expect(new URL(tooOld.headers.get('location') ?? 'http://x/').searchParams.get('error')).toBe(
        'login_required',
      )
      t.mock.deviations.enable('authorize.ignore-max-age')
      const ignored = await t.call(
        'connect',
        `/connect/authorize?${authorizeParams({ prompt: 'none', max_age: '3600', state: 'n' })}`,
        { headers: { cookie } },
      )
      t.mock.deviations.disable('authorize.ignore-max-age')
      // authorize.ignore-max-age restores the old answer: a code for a five-hour-old sign-in.
      expect(new URL(ignored.headers.get('location') ?? 'http://x/').searchParams.get('code')).not.toBeNull()
      t.mock.clock.advance(4 * 3600_000)
      expect((await silent('c')).code).toBeDefined()
      t.mock.clock.advance(2 * 3600_000)
      const late = await silent('d')
      expect(late.code).toBeUndefined()
      expect(late.error).toBe('login_required')
      t.mock.deviations.enable('session.sliding')
      const fresh = await t.call('connect', `/connect/authorize?${authorizeParams({ state: 'e' })}`, {
        headers: { 'x-mock-consent': 'accept' },
      })
      const slidingCookie = (fresh.headers.get('set-cookie') ?? '').split(';')[0]!
      t.mock.clock.advance(9 * 3600_000)
      const use = () =>
        t.call('connect', `/connect/authorize?${authorizeParams({ prompt: 'none', state: 'f' })}`, {
          headers: { cookie: slidingCookie },
        })
      await use()
      t.mock.clock.advance(2 * 3600_000)
      // session.sliding restores the old answer: the session survived on its activity.
      const kept = await use()
      const keptForm = kept.status === 200 ? parseFormPost(kept.text)?.fields : undefined
      const keptFields =
        keptForm ?? Object.fromEntries(new URL(kept.headers.get('location') ?? 'http://x/').searchParams)
      expect(keptFields.code).toBeDefined()
    } finally {
      await t.close()
    }
  })
})
