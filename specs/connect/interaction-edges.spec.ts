import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClock } from '../../mocks/clock.ts'
import { sessionCookie } from '../../mocks/connect/authorize/session.ts'
import type { ConnectContext } from '../../mocks/connect/context.ts'
import { consentGet } from '../../mocks/connect/interaction.ts'
import { lazySigningKey } from '../../mocks/connect/keys.ts'
import { createConnectStore } from '../../mocks/connect/store.ts'
import { createDeviations } from '../../mocks/deviations.ts'
import { DEFAULT_USER, resolveOptions } from '../../mocks/options.ts'
import { authorizeParams, REDIRECT_URI } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'
import { postForm, postLogin, returnUrlFor, signInOnPage } from '../support/login-page.ts'

/**
 * The sign-in and consent pages' POST handlers and the error page lookup at their edges, as a
 * person at the login page (or a client that built a bad link) meets them: what each answers, and
 * the `outcome` it leaves in the journal for the grader (is4-ui-constants, duende-authorize-result).
 * The happy path is in login-consent-pages.spec.ts; the exact markup in pages-content.spec.ts.
 * Each case was a surviving mutant of mocks/connect/interaction.ts (docs/MUTATION.md).
 */
const PASSWORDLESS = {
  subject: 'a7d4b0c2-5e61-4f0e-9a3b-2c8d1e6f4a90',
  email: 'nopass@example.com',
  password: '',
  name: 'Passwordless User',
}
const GHOST_SUBJECT = 'ghost-subject-without-user'

let target: Target
beforeAll(async () => {
  target = await startTarget('in-process', { users: [DEFAULT_USER, PASSWORDLESS] })
})
afterAll(() => target.close())

const lastEntry = () => target.mock.journal.entries().at(-1)!
const postJson = (path: string, body: Record<string, string>) =>
  target.call('connect', path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
const loginRedirect = (returnUrl: string) =>
  `${target.connect}/account/login?returnUrl=${encodeURIComponent(returnUrl)}`

describe('POST /account/login (the sign-in form)', () => {
  it('a JSON body → 415 unsupported_media_type, before the returnUrl is read', async () => {
    const reply = await postJson('/account/login', { returnUrl: returnUrlFor('j1'), button: 'login' })
    expect(reply.status).toBe(415)
    expect(lastEntry().error).toBe('unsupported_media_type')
  })

  it('no returnUrl → 400 invalid_return_url', async () => {
    const reply = await postForm(target, '/account/login', { email: DEFAULT_USER.email, button: 'login' })
    expect(reply.status).toBe(400)
    expect(lastEntry().error).toBe('invalid_return_url')
  })

  it('a returnUrl elsewhere than /connect/authorize/callback → 400 invalid_return_url (no open redirect)', async () => {
    for (const returnUrl of [
      'https://evil.example/connect/authorize/callback?x=1',
      `/connect/authorize?${authorizeParams()}`,
    ]) {
      const reply = await postLogin(target, returnUrl)
      expect(reply.status, returnUrl).toBe(400)
      expect(reply.headers.get('location'), returnUrl).toBeNull()
      expect(lastEntry().error, returnUrl).toBe('invalid_return_url')
    }
  })

  it('a returnUrl with a control character, a space or a character past ASCII → 400 invalid_return_url, before anyone is signed in, in-process and served alike (served answered 500 after journaling a 302)', async () => {
    const served = await startTarget('served')
    try {
      for (const t of [target, served])
        for (const extra of ['&x=a\x7fb', '&x=a\x01b', '&x=a\r\nSet-Cookie: evil=1', '&x=\u0100', '&x=a b']) {
          const reply = await postLogin(t, `${returnUrlFor('odd-1')}${extra}`)
          expect([t.kind, reply.status], JSON.stringify(extra)).toEqual([t.kind, 400])
          expect(reply.headers.get('location')).toBeNull()
          expect(reply.headers.get('set-cookie')).toBeNull()
          expect(t.mock.journal.entries().at(-1)).toMatchObject({ status: 400, error: 'invalid_return_url' })
        }
    } finally {
      await served.close()
    }
  })

  it('Cancel → access_denied with the state delivered to the client, noted outcome: login_cancelled', async () => {
    const reply = await postForm(target, '/account/login', {
      returnUrl: returnUrlFor('cancel-1'),
      button: 'cancel',
    })
    expect(reply.status).toBe(302)
    const location = new URL(reply.headers.get('location')!)
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'access_denied',
      state: 'cancel-1',
      iss: target.connect,
    })
    expect(lastEntry()).toMatchObject({ error: 'access_denied', details: { outcome: 'login_cancelled' } })
  })

  it('Cancel wins over correct credentials: access_denied, no session cookie', async () => {
    const reply = await postForm(target, '/account/login', {
      returnUrl: returnUrlFor('cancel-2'),
      email: DEFAULT_USER.email,
      password: DEFAULT_USER.password,
      button: 'cancel',
    })
    expect(new URL(reply.headers.get('location')!).searchParams.get('error')).toBe('access_denied')
    expect(reply.headers.get('set-cookie')).toBeNull()
  })

  it('an unknown e-mail → 200 the sign-in page again with the error alert and the e-mail kept, noted login_failed', async () => {
    const reply = await postForm(target, '/account/login', {
      returnUrl: returnUrlFor('f1'),
      email: 'nobody@example.com',
      password: DEFAULT_USER.password,
      button: 'login',
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('<p class="error" role="alert">Invalid e-mail or password.</p>')
    expect(reply.text).toContain('value="nobody@example.com"')
    expect(reply.headers.get('set-cookie')).toBeNull()
    expect(lastEntry().details).toEqual({ outcome: 'login_failed' })
  })

  it('a wrong password for a known user → 200 the sign-in page with the alert, noted login_failed', async () => {
    const reply = await postForm(target, '/account/login', {
      returnUrl: returnUrlFor('f2'),
      email: DEFAULT_USER.email,
      password: `${DEFAULT_USER.password}x`,
      button: 'login',
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('role="alert"')
    expect(reply.headers.get('set-cookie')).toBeNull()
    expect(lastEntry().details).toEqual({ outcome: 'login_failed' })
  })

  it('no e-mail and no password fields → 200 the sign-in page with the alert and an empty e-mail box, noted login_failed', async () => {
    const reply = await postForm(target, '/account/login', { returnUrl: returnUrlFor('f3'), button: 'login' })
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('role="alert"')
    expect(reply.text).toContain('name="email" type="email" autocomplete="username" value="">')
    expect(lastEntry().details).toEqual({ outcome: 'login_failed' })
  })

  it('a missing password field reads as an empty password: a user registered with none signs in → 302, noted login', async () => {
    const reply = await postForm(target, '/account/login', {
      returnUrl: returnUrlFor('p1'),
      email: PASSWORDLESS.email,
      button: 'login',
    })
    expect(reply.status).toBe(302)
    expect(lastEntry().details).toEqual({ outcome: 'login' })
  })

  it('correct credentials → 302 back to the authorize callback, cache-control: no-store, the session cookie, noted login', async () => {
    const returnUrl = returnUrlFor('ok-1')
    const reply = await postLogin(target, returnUrl)
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(`${target.connect}${returnUrl}`)
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(reply.headers.get('set-cookie')).toMatch(
      /^mock\.idsrv\.session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/,
    )
    expect(lastEntry().details).toEqual({ outcome: 'login' })
  })
})

describe('GET /consent', () => {
  it('no session → 302 to /account/login carrying the returnUrl, no-store, no cookie set', async () => {
    const returnUrl = returnUrlFor('c0')
    const reply = await target.call('connect', `/consent?returnUrl=${encodeURIComponent(returnUrl)}`)
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(loginRedirect(returnUrl))
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(reply.headers.get('set-cookie')).toBeNull()
  })

  it('signed in → 200, the user shown by e-mail and each Dinero organisation listed, HTML-escaped', async () => {
    const returnUrl = returnUrlFor('c1')
    const cookie = await signInOnPage(target, returnUrl)
    const dinero = target.mock.store.dinero
    const [first] = dinero.organisationsOf(DEFAULT_USER.subject)
    dinero.addOrganisation({ ...first!, Id: 987_654, Name: 'Smith & Søn <Holding> "ApS"' })
    dinero.grantAccess(DEFAULT_USER.subject, 987_654)
    const reply = await target.call('connect', `/consent?returnUrl=${encodeURIComponent(returnUrl)}`, {
      headers: { cookie },
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toContain(`Signed in as ${DEFAULT_USER.email} · application`)
    const names = dinero.organisationsOf(DEFAULT_USER.subject).map((o) => o.Name)
    expect(names.length).toBeGreaterThan(1)
    const items = names
      .map((n) =>
        n.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
      )
      .map((n) => `<li>${n}</li>`)
      .join('')
    expect(reply.text).toContain(`<ul class="orgs">${items}</ul>`)
    expect(reply.text).toContain('<li>Smith &amp; Søn &lt;Holding&gt; &quot;ApS&quot;</li>')
  })

  it('a session whose subject is no configured user → 200, shown by its subject, no organisations list', async () => {
    const session = target.mock.store.connect.createSession(GHOST_SUBJECT, target.mock.clock.now())
    const cookie = sessionCookie(session).split(';')[0]!
    const returnUrl = returnUrlFor('c2')
    const reply = await target.call('connect', `/consent?returnUrl=${encodeURIComponent(returnUrl)}`, {
      headers: { cookie },
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toContain(`Signed in as ${GHOST_SUBJECT} · application`)
    expect(reply.text).not.toContain('class="orgs"')
  })
})

describe('POST /consent (the consent form)', () => {
  it('a JSON body → 415 unsupported_media_type', async () => {
    const reply = await postJson('/consent', { returnUrl: returnUrlFor('j2'), button: 'yes' })
    expect(reply.status).toBe(415)
    expect(lastEntry().error).toBe('unsupported_media_type')
  })

  it('Allow without a session → 302 to /account/login carrying the returnUrl, no cookie set, nothing granted', async () => {
    const returnUrl = returnUrlFor('c3')
    const reply = await postForm(target, '/consent', { returnUrl, button: 'yes' })
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(loginRedirect(returnUrl))
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(reply.headers.get('set-cookie')).toBeNull()
    expect(lastEntry().details).toEqual({})
  })

  it('Cancel → access_denied with the state delivered to the client, noted outcome: consent_denied', async () => {
    const returnUrl = returnUrlFor('c4')
    const cookie = await signInOnPage(target, returnUrl)
    const reply = await postForm(target, '/consent', { returnUrl, button: 'no' }, cookie)
    expect(Object.fromEntries(new URL(reply.headers.get('location')!).searchParams)).toEqual({
      error: 'access_denied',
      state: 'c4',
      iss: target.connect,
    })
    expect(lastEntry()).toMatchObject({ error: 'access_denied', details: { outcome: 'consent_denied' } })
  })

  it('Allow signed in → 302 back to the authorize callback, no cookie set, noted outcome: consent_granted', async () => {
    const returnUrl = returnUrlFor('c5')
    const cookie = await signInOnPage(target, returnUrl)
    const reply = await postForm(target, '/consent', { returnUrl, button: 'yes' }, cookie)
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(`${target.connect}${returnUrl}`)
    expect(reply.headers.get('set-cookie')).toBeNull()
    expect(lastEntry().details).toEqual({ outcome: 'consent_granted' })
  })
})

describe('GET /home/error (the error page lookup)', () => {
  it('an unknown errorId → 404 the error page: unknown_error with its description, no request id', async () => {
    for (const query of ['?errorId=0123456789abcdef0123456789abcdef', '']) {
      const reply = await target.call('connect', `/home/error${query}`)
      expect(reply.status, query).toBe(404)
      expect(reply.text, query).toContain('<p class="error" data-error="unknown_error">')
      expect(reply.text, query).toContain(
        '<p data-error-description>This error id is unknown or has expired.</p>',
      )
      expect(reply.text, query).not.toContain('Request id:')
    }
  })

  it('a known errorId without a client → 200 with the error, its description and request id, no Client line', async () => {
    const start = await target.call('connect', '/connect/authorize?response_type=code')
    const reply = await target.call('connect', start.headers.get('location')!)
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('data-error="invalid_request"')
    expect(reply.text).toContain('<p data-error-description>Invalid client_id</p>')
    expect(reply.text).toMatch(/Request id: <code>[0-9a-f]{16}<\/code>/)
    expect(reply.text).not.toContain('Client: ')
  })

  it('a known errorId with a client → 200 with the Client line', async () => {
    const start = await target.call('connect', '/connect/authorize?client_id=no-such-client')
    const reply = await target.call('connect', start.headers.get('location')!)
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('data-error="unauthorized_client"')
    expect(reply.text).toContain('<p class="muted">Client: <code>no-such-client</code></p>')
  })
})

/**
 * A Connect context with no Dinero side (`organisationsOf` is optional in ConnectContext): the
 * consent page lists no organisations rather than failing.
 */
describe('consent without a Dinero side', () => {
  it('GET /consent → 200 without an organisations list', async () => {
    const options = resolveOptions({})
    const clock = createClock()
    const store = createConnectStore({ clients: options.clients, users: options.users }, clock)
    const ctx: ConnectContext = {
      options,
      clock,
      store,
      signingKey: lazySigningKey(undefined),
      deviations: createDeviations(),
    }
    const session = store.createSession(DEFAULT_USER.subject, clock.now())
    const url = new URL(
      `${options.connectOrigin}/consent?returnUrl=${encodeURIComponent(returnUrlFor('c6'))}`,
    )
    const request = new Request(url, { headers: { cookie: sessionCookie(session).split(';')[0]! } })
    const reply = await consentGet(ctx, { request, url, params: {}, note: () => {} })
    expect(reply.status).toBe(200)
    const html = await reply.text()
    expect(html).toContain(`Signed in as ${DEFAULT_USER.email}`)
    expect(html).not.toContain('class="orgs"')
    expect(html).not.toContain('Dinero companies')
  })
})
