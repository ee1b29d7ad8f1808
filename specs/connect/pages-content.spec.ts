import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_USER } from '../../mocks/options.ts'
import { REDIRECT_URI } from '../../scripts/targets/oauth.ts'
import { type Reply, startTarget, type Target } from '../../scripts/targets/targets.ts'
import { postForm, returnUrlFor, signInOnPage } from '../support/login-page.ts'

/**
 * What a person sees on each of the Connect mock's pages, exactly: the title, the markup inside
 * <main>, and the headers that keep a browser or proxy from caching it (RFC 9111 §5.2.2.5 no-store;
 * `pragma: no-cache` for HTTP/1.0 caches, as IdentityServer sends, is4-response-headers). The
 * form_post page is IdentityServer's own markup (duende-authorize-result, is4-form-post-inputs).
 * Each assertion was a surviving mutant of mocks/connect/pages.ts (docs/MUTATION.md).
 */
let target: Target
beforeAll(async () => {
  target = await startTarget('in-process')
})
afterAll(() => target.close())

const CLIENT_NAME = 'Dinero Conformance Test'
/** The page's own escaping of a returnUrl (its only special character is `&`). */
const attr = (value: string) => value.replace(/&/g, '&amp;')
const main = (reply: Reply) => /<main>([\s\S]*)<\/main>/.exec(reply.text)?.[1]
const title = (reply: Reply) => /<title>([^<]*)<\/title>/.exec(reply.text)?.[1]
const expectNoCache = (reply: Reply) => {
  expect(reply.headers.get('content-type')).toBe('text/html; charset=UTF-8')
  expect(reply.headers.get('cache-control')).toBe('no-store, no-cache, max-age=0')
  expect(reply.headers.get('pragma')).toBe('no-cache')
}

const loginMain = (returnUrl: string, alert: string, email: string) => `<h1>Sign in to Visma Connect</h1>
<p class="muted">to continue to <strong>${CLIENT_NAME}</strong></p>
${alert}
<form method="post" action="/account/login">
<input type="hidden" name="returnUrl" value="${attr(returnUrl)}">
<label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username" value="${email}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" name="button" value="login" class="primary">Sign in</button><button type="submit" name="button" value="cancel">Cancel</button>
</form>`

const ERROR_FOOTER =
  '<p class="muted">The application was not told about this error: fix the authorize request (client_id, redirect_uri, scope, PKCE) and try again.</p>'

describe('the sign-in page', () => {
  it('GET /account/login → 200 "Sign in", no-store and pragma: no-cache, an empty form without an alert', async () => {
    const returnUrl = returnUrlFor('p1')
    const reply = await target.call('connect', `/account/login?returnUrl=${encodeURIComponent(returnUrl)}`)
    expect(reply.status).toBe(200)
    expectNoCache(reply)
    expect(title(reply)).toBe('Sign in - Visma Connect (mock)')
    expect(main(reply)).toBe(loginMain(returnUrl, '', ''))
  })

  it('after a failed sign-in → 200 "Sign in" with the alert and the typed e-mail kept, HTML-escaped', async () => {
    const returnUrl = returnUrlFor('p2')
    const reply = await postForm(target, '/account/login', {
      returnUrl,
      email: 'a"b<c>@example.com',
      password: 'wrong',
      button: 'login',
    })
    expect(reply.status).toBe(200)
    expectNoCache(reply)
    expect(title(reply)).toBe('Sign in - Visma Connect (mock)')
    expect(main(reply)).toBe(
      loginMain(
        returnUrl,
        '<p class="error" role="alert">Invalid e-mail or password.</p>',
        'a&quot;b&lt;c&gt;@example.com',
      ),
    )
  })
})

describe('the consent page', () => {
  it('GET /consent signed in → 200 "Consent": the client, the user, each scope in plain words, the organisations', async () => {
    const cookie = await signInOnPage(target, returnUrlFor('sign-in'))
    const returnUrl = returnUrlFor('p3')
    const reply = await target.call('connect', `/consent?returnUrl=${encodeURIComponent(returnUrl)}`, {
      headers: { cookie },
    })
    expect(reply.status).toBe(200)
    expectNoCache(reply)
    expect(title(reply)).toBe('Consent - Visma Connect (mock)')
    const orgs = target.mock.store.dinero
      .organisationsOf(DEFAULT_USER.subject)
      .map((o) => `<li>${o.Name}</li>`)
      .join('')
    expect(orgs).not.toBe('')
    expect(main(reply)).toBe(`<h1>${CLIENT_NAME} wants access</h1>
<p class="muted">Signed in as ${DEFAULT_USER.email} · application <code>isv_conformance_test</code></p>
<p>If you allow it, the application will be able to:</p><ul class="scopes"><li data-scope="dineropublicapi:read">Read your Dinero data: companies, contacts, products, invoices and vouchers <span class="muted">(<code>dineropublicapi:read</code>)</span></li><li data-scope="dineropublicapi:write">Create and change Dinero data: contacts, products, invoices and vouchers <span class="muted">(<code>dineropublicapi:write</code>)</span></li><li data-scope="offline_access">Keep access when you are not using the app (refresh tokens) <span class="muted">(<code>offline_access</code>)</span></li></ul>
<p>Dinero companies this covers:</p><ul class="orgs">${orgs}</ul>
<form method="post" action="/consent">
<input type="hidden" name="returnUrl" value="${attr(returnUrl)}">
<button type="submit" name="button" value="yes" class="primary">Allow</button><button type="submit" name="button" value="no">Cancel</button>
</form>`)
  })

  it('a user with no Dinero organisation → the consent page without the organisations paragraph', async () => {
    const session = target.mock.store.connect.createSession(
      'subject-without-organisations',
      target.mock.clock.now(),
    )
    const returnUrl = returnUrlFor('p4')
    const reply = await target.call('connect', `/consent?returnUrl=${encodeURIComponent(returnUrl)}`, {
      headers: { cookie: `mock.idsrv.session=${session.id}` },
    })
    expect(reply.status).toBe(200)
    expect(main(reply)).toContain('</code>)</span></li></ul>\n\n<form method="post" action="/consent">')
  })
})

describe('the error page', () => {
  it('an unknown errorId → 404 "Error": unknown_error and its description, nothing else', async () => {
    const reply = await target.call('connect', '/home/error?errorId=nope')
    expect(reply.status).toBe(404)
    expectNoCache(reply)
    expect(title(reply)).toBe('Error - Visma Connect (mock)')
    expect(main(reply)).toBe(`<h1>Sorry, there was an error</h1>
<p class="error" data-error="unknown_error"><strong>unknown_error</strong></p>
<p data-error-description>This error id is unknown or has expired.</p>


${ERROR_FOOTER}`)
  })

  it('a validation error with a client → 200 "Error": the error, description, client and request id', async () => {
    const start = await target.call('connect', '/connect/authorize?client_id=no-such-client')
    const reply = await target.call('connect', start.headers.get('location')!)
    expect(reply.status).toBe(200)
    expectNoCache(reply)
    expect(title(reply)).toBe('Error - Visma Connect (mock)')
    const requestId = /Request id: <code>([0-9a-f]{16})<\/code>/.exec(reply.text)?.[1]
    expect(main(reply)).toBe(`<h1>Sorry, there was an error</h1>
<p class="error" data-error="unauthorized_client"><strong>unauthorized_client</strong></p>
<p data-error-description>Unknown client or client not enabled</p>
<p class="muted">Client: <code>no-such-client</code></p>
<p class="muted">Request id: <code>${requestId}</code></p>
${ERROR_FOOTER}`)
  })

  it('a validation error without a client → 200 "Error" without the Client line', async () => {
    const start = await target.call('connect', '/connect/authorize?response_type=code')
    const reply = await target.call('connect', start.headers.get('location')!)
    const requestId = /Request id: <code>([0-9a-f]{16})<\/code>/.exec(reply.text)?.[1]
    expect(main(reply)).toBe(`<h1>Sorry, there was an error</h1>
<p class="error" data-error="invalid_request"><strong>invalid_request</strong></p>
<p data-error-description>Invalid client_id</p>

<p class="muted">Request id: <code>${requestId}</code></p>
${ERROR_FOOTER}`)
  })

  it('a stored error with neither description nor client → 200 "Error": only the error and its request id', async () => {
    const id = target.mock.store.connect.recordError(
      { error: 'invalid_request', requestId: 'feedc0de' },
      target.mock.clock.now(),
    )
    const reply = await target.call('connect', `/home/error?errorId=${id}`)
    expect(reply.status).toBe(200)
    expect(main(reply)).toBe(`<h1>Sorry, there was an error</h1>
<p class="error" data-error="invalid_request"><strong>invalid_request</strong></p>


<p class="muted">Request id: <code>feedc0de</code></p>
${ERROR_FOOTER}`)
  })
})

describe('the logout pages', () => {
  it('GET /account/logout signed in without a logoutId → 200 "Sign out": the question, no hidden logoutId', async () => {
    const cookie = await signInOnPage(target, returnUrlFor('sign-in'))
    const reply = await target.call('connect', '/account/logout', { headers: { cookie } })
    expect(reply.status).toBe(200)
    expectNoCache(reply)
    expect(title(reply)).toBe('Sign out - Visma Connect (mock)')
    expect(main(reply)).toBe(`<h1>Sign out of Visma Connect?</h1>
<form method="post" action="/account/logout">

<button type="submit" name="button" value="yes" class="primary">Yes, sign me out</button>
</form>`)
  })

  it('GET /account/logout signed in with a stored logoutId → 200 "Sign out" carrying it in a hidden input', async () => {
    const cookie = await signInOnPage(target, returnUrlFor('sign-in'))
    const end = await target.call('connect', '/connect/endsession', { headers: { cookie } })
    const logoutId = new URL(end.headers.get('location')!).searchParams.get('logoutId')!
    expect(logoutId).toMatch(/^[0-9a-f]{32}$/)
    const reply = await target.call('connect', `/account/logout?logoutId=${logoutId}`, {
      headers: { cookie },
    })
    expect(reply.status).toBe(200)
    expect(title(reply)).toBe('Sign out - Visma Connect (mock)')
    expect(main(reply)).toBe(`<h1>Sign out of Visma Connect?</h1>
<form method="post" action="/account/logout">
<input type="hidden" name="logoutId" value="${logoutId}">
<button type="submit" name="button" value="yes" class="primary">Yes, sign me out</button>
</form>`)
  })

  it('signed out with nowhere to return → 200 "Signed out", no-store and pragma: no-cache', async () => {
    const reply = await target.call('connect', '/account/logout')
    expect(reply.status).toBe(200)
    // signOut sets its own `cache-control: no-store` beside the cookie it clears.
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(reply.headers.get('pragma')).toBe('no-cache')
    expect(title(reply)).toBe('Signed out - Visma Connect (mock)')
    expect(main(reply)).toBe('<h1>You are signed out</h1><p class="muted">You may close this window.</p>')
  })
})

describe('the form_post page', () => {
  it('Cancel under response_mode=form_post → 200 IdentityServer markup: one hidden input a line, then the noscript button', async () => {
    const reply = await postForm(target, '/account/login', {
      returnUrl: returnUrlFor('p5', 'form_post'),
      button: 'cancel',
    })
    expect(reply.status).toBe(200)
    expectNoCache(reply)
    const form = /<form method='post' action='([^']*)'>([\s\S]*)<noscript>/.exec(reply.text)
    expect(form?.[1]).toBe(REDIRECT_URI)
    expect(form?.[2]).toBe(
      "<input type='hidden' name='error' value='access_denied' />\n" +
        "<input type='hidden' name='state' value='p5' />\n" +
        `<input type='hidden' name='iss' value='${target.connect}' />\n`,
    )
  })
})
