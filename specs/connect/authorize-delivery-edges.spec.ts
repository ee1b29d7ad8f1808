import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_ID, defineClient } from '../../mocks/options.ts'
import { authorize, authorizeParams, REDIRECT_URI } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * Where and how authorize answers once a request is valid (RFC 6749 §4.1.2, oidc-core §3.1.2.1),
 * edges the authorize/delivery.ts and authorize/session.ts mutation run found unpinned
 * (docs/MUTATION.md): a registered redirect_uri with a query of its own, an answer without state,
 * the session cookie among others, max_age at its boundary, the login return URL without the
 * prompt that sent the user there, no-store on every redirect, and the alter-state deviation;
 * then a session id cut by an "=", prompt=login and prompt=consent over a live session and a
 * given consent, consent_required (oidc-core §3.1.2.6), `consent: 'auto'`, max_age met to the
 * millisecond on a frozen clock, and errors-to-client's answer to a redirect_uri with a query.
 */
const WITH_QUERY = 'http://127.0.0.1:8976/callback?tenant=1'
const QUERY_CLIENT = 'isv_query_redirect'
const SESSION = 'mock.idsrv.session'

let target: Target
beforeAll(async () => {
  target = await startTarget('in-process', {
    clients: [
      defineClient({ clientId: DEFAULT_CLIENT_ID }),
      defineClient({ clientId: QUERY_CLIENT, redirectUris: [WITH_QUERY] }),
    ],
  })
})
afterAll(() => target.close())

/** Signs in (the consent shortcut) and returns the session cookie's value. */
async function signIn(): Promise<string> {
  const result = await authorize(target, authorizeParams())
  const cookie = (result.reply.headers.get('set-cookie') ?? '').split(';')[0]!
  expect(cookie.startsWith(`${SESSION}=`)).toBe(true)
  return cookie.slice(SESSION.length + 1)
}

/** An authorize request with a Cookie header and no consent shortcut: its reply and Location. */
async function withCookie(params: URLSearchParams, cookie: string) {
  const reply = await target.call('connect', `/connect/authorize?${params}`, { headers: { cookie } })
  return { reply, target: reply.headers.get('location') ?? undefined }
}

/** prompt=none with the given Cookie header, answered in the query. */
const silent = (cookie: string, extra: Record<string, string | undefined> = {}) =>
  withCookie(authorizeParams({ prompt: 'none', response_mode: 'query', ...extra }), cookie)

/** The client whose registered redirect_uri has a query, answered in the query. */
const toQueryClient = (extra: Record<string, string | undefined>) =>
  authorizeParams({ client_id: QUERY_CLIENT, redirect_uri: WITH_QUERY, response_mode: 'query', ...extra })

describe('authorize: where the answer goes', () => {
  it('a registered redirect_uri with a query keeps it: the code follows with &', async () => {
    const result = await authorize(target, toQueryClient({ state: 's1' }))
    expect(result.target!.startsWith(`${WITH_QUERY}&code=`)).toBe(true)
    const params = new URL(result.target!).searchParams
    expect(params.get('tenant')).toBe('1')
    expect(params.get('state')).toBe('s1')
    expect(result.reply.headers.get('cache-control')).toBe('no-store')
  })

  it('an error delivered to a redirect_uri with a query, with no state: &error=login_required, no state parameter', async () => {
    const result = await authorize(target, toQueryClient({ prompt: 'none', state: undefined }), 'none')
    expect(result.target!.startsWith(`${WITH_QUERY}&error=login_required`)).toBe(true)
    expect(new URL(result.target!).searchParams.has('state')).toBe(false)
  })

  it('a code answered without state carries no state parameter', async () => {
    const result = await authorize(target, authorizeParams({ response_mode: 'query', state: undefined }))
    const params = new URL(result.target!).searchParams
    expect(params.get('code')).toMatch(/./)
    expect(params.has('state')).toBe(false)
  })
})

describe('authorize: the sign-in session', () => {
  it('the session cookie among other cookies is found: prompt=none → a code', async () => {
    const id = await signIn()
    const result = await silent(`theme=dark; ${SESSION}=${id}; lang=da`)
    expect(new URL(result.target!).searchParams.get('code')).toMatch(/./)
  })

  it('a session cookie with more after an "=" is another session: prompt=none → login_required', async () => {
    const id = await signIn()
    const result = await silent(`${SESSION}=${id}=x`)
    expect(new URL(result.target!).searchParams.get('error')).toBe('login_required')
  })

  it('max_age either side of the sign-in’s age (oidc-core §3.1.2.1): 61 s after sign-in, max_age=62 → a code, max_age=60 → login_required', async () => {
    const id = await signIn()
    target.mock.control.advanceClock(61)
    try {
      const fresh = await silent(`${SESSION}=${id}`, { max_age: '62' })
      expect(new URL(fresh.target!).searchParams.get('code')).toMatch(/./)
      const stale = await silent(`${SESSION}=${id}`, { max_age: '60' })
      expect(new URL(stale.target!).searchParams.get('error')).toBe('login_required')
    } finally {
      target.mock.control.reset()
    }
  })

  it('prompt=login sends the user to the login page with a return URL that no longer asks for it, not cached', async () => {
    const id = await signIn()
    const result = await withCookie(authorizeParams({ prompt: 'login' }), `${SESSION}=${id}`)
    const location = new URL(result.target!)
    expect(location.pathname).toBe('/account/login')
    const returnUrl = location.searchParams.get('returnUrl')!
    expect(returnUrl.startsWith('/connect/authorize/callback?')).toBe(true)
    expect(new URLSearchParams(returnUrl.split('?')[1]).has('prompt')).toBe(false)
    expect(new URLSearchParams(returnUrl.split('?')[1]).get('redirect_uri')).toBe(REDIRECT_URI)
    expect(result.reply.headers.get('cache-control')).toBe('no-store')
  })
})

describe('authorize: the session cookie’s value, and a session already there', () => {
  it('a session cookie whose value is the session id cut in two by an "=" is no session: prompt=none → login_required', async () => {
    const id = await signIn()
    const result = await silent(`${SESSION}=${id.slice(0, 8)}=${id.slice(8)}`)
    expect(new URL(result.target!).searchParams.get('error')).toBe('login_required')
  })

  it('x-mock-consent: accept with a live session signs no one in again (a code, no new session cookie), unless prompt=login asks (a new session cookie)', async () => {
    const id = await signIn()
    const headers = { cookie: `${SESSION}=${id}`, 'x-mock-consent': 'accept' }
    const again = await target.call('connect', `/connect/authorize?${authorizeParams()}`, { headers })
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toMatch(/./)
    expect(again.headers.get('set-cookie')).toBeNull()
    const login = await target.call('connect', `/connect/authorize?${authorizeParams({ prompt: 'login' })}`, {
      headers,
    })
    expect(new URL(login.headers.get('location')!).searchParams.get('code')).toMatch(/./)
    const fresh = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    expect(fresh.startsWith(`${SESSION}=`)).toBe(true)
    expect(fresh).not.toBe(`${SESSION}=${id}`)
  })

  it('consent already given for these scopes, no prompt, no shortcut → a code, not the consent page', async () => {
    const id = await signIn()
    const result = await withCookie(authorizeParams(), `${SESSION}=${id}`)
    expect(new URL(result.target!).searchParams.get('code')).toMatch(/./)
  })

  it('consent already given, prompt=consent, no shortcut → 302 to the consent page all the same', async () => {
    const id = await signIn()
    const result = await withCookie(authorizeParams({ prompt: 'consent' }), `${SESSION}=${id}`)
    expect(new URL(result.target!).pathname).toBe('/consent')
  })

  it('a client that requires consent and has none, no prompt → 302 to the consent page with the return URL', async () => {
    const id = await signIn()
    target.mock.control.lifecycle({ event: 'revoke-consent', clientId: QUERY_CLIENT })
    const result = await withCookie(toQueryClient({}), `${SESSION}=${id}`)
    const location = new URL(result.target!)
    expect(location.pathname).toBe('/consent')
    expect(location.searchParams.get('returnUrl')!.startsWith('/connect/authorize/callback?')).toBe(true)
  })

  it('a client that requires consent and has none, prompt=none → error=consent_required to the redirect_uri (oidc-core §3.1.2.6)', async () => {
    const id = await signIn()
    target.mock.control.lifecycle({ event: 'revoke-consent', clientId: QUERY_CLIENT })
    const result = await withCookie(toQueryClient({ prompt: 'none', state: 'c1' }), `${SESSION}=${id}`)
    expect(result.target!.startsWith(`${WITH_QUERY}&error=consent_required`)).toBe(true)
    expect(new URL(result.target!).searchParams.get('state')).toBe('c1')
  })
})

describe('authorize on a frozen clock, under authorize.errors-to-client', () => {
  let served: Target
  beforeAll(async () => {
    served = await startTarget('served', {
      clock: { frozen: true },
      deviations: ['authorize.errors-to-client'],
    })
  })
  afterAll(() => served.close())

  it('max_age equal to the sign-in’s age to the millisecond is not yet too old (oidc-core §3.1.2.1: only an elapsed time greater than max_age asks again): prompt=none → a code', async () => {
    const signedIn = await authorize(served, authorizeParams())
    const cookie = (signedIn.reply.headers.get('set-cookie') ?? '').split(';')[0]!
    served.mock.control.advanceClock(60)
    try {
      const reply = await served.call(
        'connect',
        `/connect/authorize?${authorizeParams({ prompt: 'none', max_age: '60' })}`,
        { headers: { cookie } },
      )
      expect(new URL(reply.headers.get('location')!).searchParams.get('code')).toMatch(/./)
    } finally {
      served.mock.control.reset()
    }
  })

  it('an error sent to an unvalidated redirect_uri with a query of its own, without state (the deviation): &error=…, no state parameter', async () => {
    const result = await authorize(
      served,
      authorizeParams({ redirect_uri: 'https://elsewhere.example/cb?x=1', state: undefined }),
    )
    expect(result.target!.startsWith('https://elsewhere.example/cb?x=1&error=invalid_request')).toBe(true)
    expect(new URL(result.target!).searchParams.has('state')).toBe(false)
  })
})

describe('authorize with consent: auto', () => {
  let served: Target
  beforeAll(async () => {
    served = await startTarget('served', { consent: 'auto' })
  })
  afterAll(() => served.close())

  it('no x-mock-consent header: the first user is signed in and consents without pages → a code and a session cookie', async () => {
    const result = await authorize(served, authorizeParams(), 'none')
    expect(result.fields.code).toMatch(/./)
    expect(result.reply.headers.get('set-cookie')).toMatch(/^mock\.idsrv\.session=/)
  })
})

describe('authorize under authorize.alter-state', () => {
  let served: Target
  beforeAll(async () => {
    served = await startTarget('served', { deviations: ['authorize.alter-state'] })
  })
  afterAll(() => served.close())

  it('the state comes back altered (the deviation the state checks must catch)', async () => {
    const result = await authorize(served, authorizeParams({ response_mode: 'query', state: 'abc' }))
    expect(new URL(result.target!).searchParams.get('state')).toBe('abc~altered')
  })
})
