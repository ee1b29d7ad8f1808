import { describe, expect, it } from 'vitest'
import { BearerError, OAuthError, StatusError } from '../../mocks/connect/errors.ts'
import { authorize, authorizeParams, codeFlow } from '../../scripts/targets/oauth.ts'
import type { Target } from '../../scripts/targets/targets.ts'
import { withMock } from '../support/with-mock.ts'

/**
 * The Connect route table (mocks/connect/routes.ts), the error classes every Connect handler
 * throws (mocks/connect/errors.ts) and the injected `temporarily_unavailable` at authorize: the
 * edges the mutation run found unpinned (docs/MUTATION.md). Each test starts its own mock, so the
 * route table is built inside the test that uses it.
 */
const lastEntry = (target: Target) => target.mock.journal.entries().at(-1)

describe('the Connect route table', () => {
  it('discovery at both well-known paths → 200 application/json; charset=UTF-8, cache-control max-age=3600', async () => {
    await withMock(async (target) => {
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const reply = await target.call('connect', path)
        expect(reply.status, path).toBe(200)
        expect(reply.headers.get('content-type'), path).toBe('application/json; charset=UTF-8')
        expect(reply.headers.get('cache-control'), path).toBe('max-age=3600')
      }
    })
  })

  it('/.well-known/oauth-authorization-server (RFC 8414 §3) answers the same document as /.well-known/openid-configuration', async () => {
    await withMock(async (target) => {
      const oidc = await target.call('connect', '/.well-known/openid-configuration')
      const oauth = await target.call('connect', '/.well-known/oauth-authorization-server')
      expect(oauth.status).toBe(200)
      expect(oauth.json()).toEqual(oidc.json())
      expect(oauth.json().issuer).toBe(target.connect)
    })
  })

  it('POST /account/logout (the logout page’s form) → 200 signed out, the cookie expired and the session ended: prompt=none with it then → login_required', async () => {
    await withMock(async (target) => {
      const signIn = await authorize(target, authorizeParams({ scope: 'openid' }))
      expect(signIn.fields.code).toBeDefined()
      const cookie = (signIn.reply.headers.get('set-cookie') ?? '').split(';')[0]!
      expect(cookie).toMatch(/^mock\.idsrv\.session=./)

      const posted = await target.call('connect', '/account/logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: '',
      })
      expect(posted.status).toBe(200)
      expect(posted.text).toContain('You are signed out')
      expect(posted.headers.get('set-cookie')).toMatch(/^mock\.idsrv\.session=; .*Max-Age=0/)
      expect(lastEntry(target)?.details).toEqual({ outcome: 'signed_out', had_session: true })

      const again = await target.call(
        'connect',
        `/connect/authorize?${authorizeParams({ scope: 'openid', prompt: 'none', state: 's' })}`,
        { headers: { cookie } },
      )
      expect(new URL(again.headers.get('location')!).searchParams.get('error')).toBe('login_required')
    })
  })

  it('/home/error with POST or PUT → 405 method_not_allowed, no body; GET with an unknown errorId → 404 error page', async () => {
    await withMock(async (target) => {
      for (const method of ['POST', 'PUT']) {
        const reply = await target.call('connect', '/home/error?errorId=x', { method })
        expect(reply.status, method).toBe(405)
        expect(reply.text, method).toBe('')
        expect(lastEntry(target)?.error, method).toBe('method_not_allowed')
      }
      const page = await target.call('connect', '/home/error?errorId=x')
      expect(page.status).toBe(404)
      expect(page.text).toContain('unknown_error')
    })
  })
})

describe('Connect errors', () => {
  it('OAuthError: message "code: description" (the code alone without one); body {"error"} plus error_description only when given (RFC 6749 §5.2)', async () => {
    const described = new OAuthError('invalid_grant', 'The code has expired')
    expect(described.message).toBe('invalid_grant: The code has expired')
    const response = described.toResponse()
    expect(response.status).toBe(400)
    expect(await response.text()).toBe('{"error":"invalid_grant","error_description":"The code has expired"}')

    const bare = new OAuthError('invalid_client', undefined, 401)
    expect(bare.message).toBe('invalid_client')
    expect(bare.toResponse().status).toBe(401)
    expect(await bare.toResponse().text()).toBe('{"error":"invalid_client"}')
  })

  it('BearerError (RFC 6750 §3.1): insufficient_scope → 403, invalid_request → 400, invalid_token → 401, each with its WWW-Authenticate; message is the description, else the code', () => {
    const cases = [
      ['insufficient_scope', 403],
      ['invalid_request', 400],
      ['invalid_token', 401],
    ] as const
    for (const [code, status] of cases) {
      const error = new BearerError(code)
      expect(error.status, code).toBe(status)
      expect(error.message, code).toBe(code)
      const response = error.toResponse()
      expect(response.status, code).toBe(status)
      expect(response.headers.get('www-authenticate'), code).toBe(
        `Bearer realm="IdentityServer", error="${code}"`,
      )
    }
    expect(new BearerError('invalid_token', 'The token has expired').message).toBe('The token has expired')
  })

  it('userinfo over HTTP: no token → 401 Bearer error="invalid_token"; a token without openid → 403 Bearer error="insufficient_scope" (duende-userinfo-endpoint)', async () => {
    await withMock(async (target) => {
      const none = await target.call('connect', '/connect/userinfo')
      expect(none.status).toBe(401)
      expect(none.headers.get('www-authenticate')).toBe(
        'Bearer realm="IdentityServer", error="invalid_token"',
      )

      const tokens = await codeFlow(target)
      const noOpenid = await target.call('connect', '/connect/userinfo', {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
      expect(noOpenid.status).toBe(403)
      expect(noOpenid.headers.get('www-authenticate')).toBe(
        'Bearer realm="IdentityServer", error="insufficient_scope"',
      )
      expect(lastEntry(target)?.error).toBe('insufficient_scope')
    })
  })

  it('StatusError carries its status and code, with no body', async () => {
    const error = new StatusError(405, 'method_not_allowed', { allow: 'GET, POST' })
    expect(error.code).toBe('method_not_allowed')
    const response = error.toResponse()
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, POST')
    expect(await response.text()).toBe('')
  })
})

describe('an injected temporarily-unavailable fault at authorize', () => {
  it('→ error=temporarily_unavailable delivered to the redirect_uri with state and iss (duende-authorize-result), once; the next request gets a code', async () => {
    await withMock(async (target) => {
      target.mock.control.injectFault({ target: 'authorize', kind: 'temporarily-unavailable', count: 1 })
      const failed = await authorize(target, authorizeParams({ state: 'kept' }))
      expect(failed.reply.status).toBe(302)
      expect(failed.fields).toEqual({ error: 'temporarily_unavailable', state: 'kept', iss: target.connect })
      expect(lastEntry(target)?.error).toBe('temporarily_unavailable')

      const next = await authorize(target, authorizeParams())
      expect(next.fields.code).toBeDefined()
    })
  })
})
