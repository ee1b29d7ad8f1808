import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  defineClient,
  PLAIN_PKCE_CLIENT_ID,
  REFRESH_CLIENT_ID,
} from '../../mocks/options.ts'
import {
  authorize,
  authorizeParams,
  basicHeader,
  codeFlow,
  obtainCode,
  REDIRECT_URI,
  token,
} from '../../scripts/targets/oauth.ts'
import type { Target } from '../../scripts/targets/targets.ts'
import { withMock } from '../support/with-mock.ts'

/**
 * Discovery is truthful (RFC 8414 §2, visma-connect-discovery): every value the mock advertises
 * works, and every value the captured Visma Connect document lists but the mock leaves out is
 * refused, so a client that trusts the document is never sent down a path the mock does not serve.
 * Each value is pinned by what the endpoint it describes does, not by a copy of the document, and
 * every list must be non-empty. Each test starts its own mock and makes its requests inside the
 * test (not in a hook), so a mutation of the document or the route table is seen by the test that
 * judges it (docs/MUTATION.md).
 */
type Metadata = Record<string, unknown>

const visma: Metadata = JSON.parse(
  readFileSync(
    new URL('../../mocks/connect/data/visma-connect-oauth-authorization-server.json', import.meta.url),
    'utf8',
  ),
)

const discovery = async (target: Target) =>
  (await target.call('connect', '/.well-known/openid-configuration')).json<Metadata>()

const strings = (doc: Metadata, key: string): string[] => {
  const value = doc[key]
  if (!Array.isArray(value)) throw new Error(`${key} is not a list`)
  return value.map(String)
}

/**
 * The advertised list `key` is non-empty, its entries are single tokens, and the values `works`
 * accepts among it and `candidates` (Visma's list, plus any named here) are exactly it.
 */
async function expectTruthful(
  doc: Metadata,
  key: string,
  candidates: readonly string[],
  works: (value: string) => Promise<boolean>,
): Promise<void> {
  const advertised = strings(doc, key)
  expect(advertised.length, key).toBeGreaterThan(0)
  for (const value of advertised) expect(value, key).toMatch(/^\S+$/)
  const working: string[] = []
  for (const value of new Set([...advertised, ...candidates])) if (await works(value)) working.push(value)
  expect(working.sort(), key).toEqual([...advertised].sort())
}

/** A code came back to the client: the value was accepted (consent given by the header). */
const codeDelivered = async (target: Target, overrides: Record<string, string | undefined>) =>
  (await authorize(target, authorizeParams(overrides))).fields.code !== undefined

describe('discovery advertises what the mock does, and nothing it does not', () => {
  it('grant_types_supported: each advertised grant reaches a grant handler (no unsupported_grant_type); Visma’s others (implicit, device_code, ciba, delegation, token-exchange) → 400 unsupported_grant_type', async () => {
    await withMock(async (target) => {
      await expectTruthful(
        await discovery(target),
        'grant_types_supported',
        strings(visma, 'grant_types_supported'),
        async (grant) => {
          const reply = await target.call('connect', '/connect/token', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: grant,
              client_id: DEFAULT_CLIENT_ID,
              client_secret: DEFAULT_CLIENT_SECRET,
            }).toString(),
          })
          expect(reply.status, grant).toBe(400)
          return reply.json().error !== 'unsupported_grant_type'
        },
      )
    })
  })

  it('response_types_supported: code → a code at the redirect_uri; Visma’s implicit and hybrid types → the error page', async () => {
    await withMock(async (target) => {
      await expectTruthful(
        await discovery(target),
        'response_types_supported',
        strings(visma, 'response_types_supported'),
        (type) => codeDelivered(target, { response_type: type, response_mode: 'fragment' }),
      )
    })
  })

  it('prompt_values_supported: none, login, consent, select_account each lead to a code; create and an unknown prompt → the error page (invalid_request)', async () => {
    await withMock(async (target) => {
      await expectTruthful(
        await discovery(target),
        'prompt_values_supported',
        [...strings(visma, 'prompt_values_supported'), 'create', 'unknown'],
        (prompt) => codeDelivered(target, { prompt, scope: 'openid' }),
      )
    })
  })

  it('code_challenge_methods_supported: plain and S256 are accepted (for a client allowed plain); S512 → the error page', async () => {
    await withMock(async (target) => {
      await expectTruthful(
        await discovery(target),
        'code_challenge_methods_supported',
        [...strings(visma, 'code_challenge_methods_supported'), 'S512'],
        (method) =>
          codeDelivered(target, {
            client_id: PLAIN_PKCE_CLIENT_ID,
            code_challenge: randomBytes(32).toString('base64url'),
            code_challenge_method: method,
          }),
      )
    })
  })

  it('scopes_supported: of every scope Visma lists, the seeded client is granted exactly the advertised ones (profile, email, openid, offline_access); address, phone, roles, … → invalid_scope', async () => {
    await withMock(async (target) => {
      await expectTruthful(
        await discovery(target),
        'scopes_supported',
        strings(visma, 'scopes_supported'),
        (scope) => codeDelivered(target, { scope: scope === 'openid' ? 'openid' : `openid ${scope}` }),
      )
    })
  })

  it('claims_supported: exactly the claims userinfo returns beside sub for openid profile email', async () => {
    await withMock(async (target) => {
      const doc = await discovery(target)
      const tokens = await codeFlow(target, { scope: 'openid profile email' })
      const info = await target.call('connect', '/connect/userinfo', {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
      expect(info.status).toBe(200)
      const returned = Object.keys(info.json()).filter((claim) => claim !== 'sub')
      const advertised = strings(doc, 'claims_supported')
      expect(advertised.length).toBeGreaterThan(0)
      expect(returned.sort()).toEqual([...advertised].sort())
      for (const claim of advertised) expect(strings(visma, 'claims_supported')).toContain(claim)
    })
  })

  it('token, revocation and introspection auth methods: client_secret_basic and client_secret_post both authenticate; client_secret_jwt → invalid_client / 400 / 401', async () => {
    await withMock(async (target) => {
      const doc = await discovery(target)
      const endpoints = {
        token_endpoint_auth_methods_supported: {
          path: '/connect/token',
          form: { grant_type: 'refresh_token', refresh_token: 'unknown' },
          // Authenticated, the unknown refresh token is the only fault left: invalid_grant.
          authenticated: (status: number, text: string) =>
            status === 400 && JSON.parse(text).error === 'invalid_grant',
        },
        revocation_endpoint_auth_methods_supported: {
          path: '/connect/revocation',
          form: { token: 'unknown' },
          // RFC 7009 §2.2: 200 for an unknown token, once the client is authenticated.
          authenticated: (status: number) => status === 200,
        },
        introspection_endpoint_auth_methods_supported: {
          path: '/connect/introspect',
          form: { token: 'unknown' },
          // RFC 7662 §2.2: 200 {"active":false}, once the caller is authenticated.
          authenticated: (status: number) => status === 200,
        },
      }
      for (const [key, endpoint] of Object.entries(endpoints)) {
        await expectTruthful(doc, key, [...strings(visma, key), 'client_secret_jwt'], async (method) => {
          const { headers, form } = await credentials(target, method)
          const reply = await target.call('connect', endpoint.path, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
            body: new URLSearchParams({ ...endpoint.form, ...form }).toString(),
          })
          return endpoint.authenticated(reply.status, reply.text)
        })
      }
    })
  })

  it('id_token_signing_alg_values_supported is exactly the alg of the id token’s header (RS256)', async () => {
    await withMock(async (target) => {
      const doc = await discovery(target)
      const tokens = await codeFlow(target, { scope: 'openid' })
      const { alg } = decodeProtectedHeader(tokens.id_token!)
      expect(strings(doc, 'id_token_signing_alg_values_supported')).toEqual([alg])
    })
  })

  it('subject_types_supported is exactly public: two clients see the same sub for one user (oidc-core §8)', async () => {
    await withMock(async (target) => {
      const doc = await discovery(target)
      const subs = new Set<unknown>()
      for (const clientId of [DEFAULT_CLIENT_ID, REFRESH_CLIENT_ID]) {
        const code = await obtainCode(target, { client_id: clientId, scope: 'openid' })
        const reply = await token(
          target,
          { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
          { kind: 'post', clientId },
        )
        subs.add(decodeJwt(reply.json<{ id_token: string }>().id_token).sub)
      }
      expect(subs.size).toBe(1)
      expect(strings(doc, 'subject_types_supported')).toEqual(['public'])
    })
  })

  it('request_parameter_supported is false, and a request object or request_uri → the error page request_not_supported / request_uri_not_supported, no code (oidc-core §3.1.2.6)', async () => {
    await withMock(async (target) => {
      const doc = await discovery(target)
      expect(doc.request_parameter_supported).toBe(false)
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
      const requestObject = `${part({ alg: 'none' })}.${part({ client_id: DEFAULT_CLIENT_ID, state: 'from-request-object' })}.`
      const refused = async (extra: Record<string, string>) => {
        const result = await authorize(target, authorizeParams({ state: 'outer', ...extra }))
        expect(result.fields.code).toBeUndefined()
        const location = new URL(result.target!)
        expect(location.pathname).toBe('/home/error')
        const page = (await target.call('connect', `${location.pathname}${location.search}`)).text
        return /data-error="([^"]*)"/.exec(page)?.[1]
      }
      expect(await refused({ request: requestObject })).toBe('request_not_supported')
      expect(await refused({ request_uri: 'https://app.example/request.jwt' })).toBe(
        'request_uri_not_supported',
      )
      // Without either, the same request gets its code.
      expect((await authorize(target, authorizeParams({ state: 'outer' }))).fields.code).toBeDefined()
    })
  })

  it('frontchannel_logout_supported and backchannel_logout_supported are false: a client has no logout URI to register, and the signed-out page frames no client', async () => {
    // Visma says true (IdentityServer renders an iframe per client's front-channel logout URI on the
    // signed-out page and POSTs a logout token to its back-channel URI). The mock does neither, so
    // true here would have a client register URIs that are never called.
    await withMock(async (target) => {
      const doc = await discovery(target)
      expect(doc.frontchannel_logout_supported).toBe(false)
      expect(doc.backchannel_logout_supported).toBe(false)
      expect(Object.keys(defineClient({ clientId: 'any' })).filter((k) => /channel/i.test(k))).toEqual([])
      const tokens = await codeFlow(target, { scope: 'openid' })
      const end = await target.call(
        'connect',
        `/connect/endsession?${new URLSearchParams({ id_token_hint: tokens.id_token! })}`,
      )
      const page = await target.call('connect', end.headers.get('location')!)
      expect(page.status).toBe(200)
      expect(page.text).toContain('signed out')
      expect(page.text).not.toMatch(/<iframe/i)
    })
  })

  it('every endpoint sits on the mock’s origin at Visma’s path; the end_session_endpoint answers (302 to the logout page)', async () => {
    await withMock(async (target) => {
      const doc = await discovery(target)
      const keys = Object.keys(doc).filter((key) => key.endsWith('_endpoint') || key === 'jwks_uri')
      expect(keys.length).toBe(7)
      for (const key of keys) {
        const url = new URL(String(doc[key]))
        expect(url.origin, key).toBe(target.connect)
        expect(url.pathname, key).toBe(new URL(String(visma[key])).pathname)
      }
      const end = await target.call('connect', String(doc.end_session_endpoint))
      expect(end.status).toBe(302)
      expect(new URL(end.headers.get('location')!).pathname).toBe('/account/logout')
    })
  })

  it('under discovery.end-session-elsewhere the end_session_endpoint is /connect/logout, a path nothing serves', async () => {
    await withMock(
      async (target) => {
        const doc = await discovery(target)
        expect(new URL(String(doc.end_session_endpoint)).pathname).toBe('/connect/logout')
        expect(target.mock.routes.some((r) => r.path === '/connect/logout')).toBe(false)
      },
      { deviations: ['discovery.end-session-elsewhere'] },
    )
  })

  it('the issuer is the origin the document is served from, as in the id token’s iss', async () => {
    await withMock(async (target) => {
      const doc = await discovery(target)
      expect(doc.issuer).toBe(target.connect)
      const tokens = await codeFlow(target, { scope: 'openid' })
      expect(decodeJwt(tokens.id_token!).iss).toBe(doc.issuer)
    })
  })

  it('under discovery.foreign-issuer the issuer is another https origin than the one serving it', async () => {
    await withMock(
      async (target) => {
        const issuer = new URL(String((await discovery(target)).issuer))
        expect(issuer.protocol).toBe('https:')
        expect(issuer.origin).not.toBe(target.connect)
      },
      { deviations: ['discovery.foreign-issuer'] },
    )
  })
})

/** What a client sends to authenticate by `method`; an unknown method sends nothing. */
async function credentials(
  target: Target,
  method: string,
): Promise<{ headers: Record<string, string>; form: Record<string, string> }> {
  switch (method) {
    case 'client_secret_basic':
      return { headers: { authorization: basicHeader(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET) }, form: {} }
    case 'client_secret_post':
      return { headers: {}, form: { client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET } }
    case 'client_secret_jwt': {
      // oidc-core §9 / RFC 7523 §2.2: an HS256 assertion keyed with the client secret.
      const assertion = await new SignJWT({ jti: randomBytes(8).toString('hex') })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(DEFAULT_CLIENT_ID)
        .setSubject(DEFAULT_CLIENT_ID)
        .setAudience(`${target.connect}/connect/token`)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(DEFAULT_CLIENT_SECRET))
      return {
        headers: {},
        form: {
          client_id: DEFAULT_CLIENT_ID,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        },
      }
    }
    default:
      return { headers: {}, form: {} }
  }
}
