import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import type { DeviationId } from '../../mocks/deviations.ts'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_USER,
  DINERO_API_RESOURCE_SECRET,
  DINERO_AUDIENCE,
  defaultClients,
  defineClient,
} from '../../mocks/options.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import { basicHeader, codeFlow, token } from '../../scripts/targets/oauth.ts'
import type { Target, TargetKind } from '../../scripts/targets/targets.ts'
import { targetPerBlock } from '../support/target-per-test.ts'

/**
 * Who may call userinfo and introspection, and with what (duende-userinfo-endpoint, RFC 6750
 * §2.1–2.2, §3; RFC 7662 §2.1–2.2, duende-introspection-endpoint), plus how the access token is
 * read on the way (RFC 9068 §4): the edges the endpoints.ts, verify.ts and tokens.ts mutation
 * runs left (docs/MUTATION.md). The clock is frozen, so an expiry can be met to the millisecond.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const SUBJECT = DEFAULT_USER.subject
/** A client without a secret: it authenticates with `none` (client-auth.ts). */
const PUBLIC_CLIENT = 'isv_public_caller'
/** A client allowed client_credentials: its access tokens carry no `sub`. */
const SERVICE_CLIENT = 'isv_service_caller'

const standIn = (kind: TargetKind, deviations: DeviationId[] = [], users = [DEFAULT_USER]) =>
  targetPerBlock(kind, {
    deviations,
    users,
    clock: { frozen: true },
    dinero: { rateLimitPerMinute: 0 },
    clients: [
      ...defaultClients(),
      defineClient({ clientId: PUBLIC_CLIENT, secret: null }),
      defineClient({ clientId: SERVICE_CLIENT, allowedGrantTypes: ['client_credentials'] }),
    ],
  })

const post = (
  target: Target,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = FORM,
) => target.call('connect', path, { method: 'POST', headers, body: new URLSearchParams(form).toString() })
const lastEntry = (target: Target) => target.mock.journal.entries().at(-1)

/** An access token made by hand, signed RS256 with the mock's own key; `claims` replace the defaults. */
async function handMadeAccessToken(target: Target, claims: Record<string, unknown>): Promise<string> {
  const key = await sharedSigningKey()
  const now = Math.floor(target.mock.clock.now() / 1000)
  return new SignJWT({
    iss: target.connect,
    aud: DINERO_AUDIENCE,
    client_id: DEFAULT_CLIENT_ID,
    sub: SUBJECT,
    scope: ['dineropublicapi:read'],
    jti: `${'0'.repeat(11)}1${'A'.repeat(20)}`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+JWT', kid: key.kid })
    .sign(key.privateKey)
}

describe('userinfo: where the token is read from, and whose it must be', () => {
  const target = standIn('in-process')

  it('POST with a Bearer header and a form body: the header is read, the body is not → 200 with the claims', async () => {
    const tokens = await codeFlow(target(), { scope: 'openid profile' })
    const reply = await target().call('connect', '/connect/userinfo', {
      method: 'POST',
      headers: { ...FORM, authorization: `Bearer ${tokens.access_token}` },
      body: new URLSearchParams({ locale: 'da' }).toString(),
    })
    expect(reply.status, reply.text).toBe(200)
    expect(reply.json()).toEqual({ sub: SUBJECT, name: 'Conformance User' })
  })

  it('a client-credentials access token (no sub, no user) → 401 invalid_token, not insufficient_scope', async () => {
    const tokens = await token(
      target(),
      { grant_type: 'client_credentials' },
      { kind: 'post', clientId: SERVICE_CLIENT },
    )
    expect(tokens.status, tokens.text).toBe(200)
    const reply = await target().call('connect', '/connect/userinfo', {
      headers: { authorization: `Bearer ${tokens.json<{ access_token: string }>().access_token}` },
    })
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="IdentityServer", error="invalid_token"')
  })

  it('an access token whose scope claim is a string (not the array the mock issues) → 401 at the Dinero API, noted tokenRejected malformed', async () => {
    const access = await handMadeAccessToken(target(), { scope: 'dineropublicapi:read' })
    const reply = await target().call('api', '/v1/organizations', {
      headers: { authorization: `Bearer ${access}` },
    })
    expect(reply.status).toBe(401)
    expect(lastEntry(target())?.details).toMatchObject({ tokenRejected: 'malformed' })
  })

  it('an access token without client_id → 401 at the Dinero API, noted tokenRejected malformed', async () => {
    const access = await handMadeAccessToken(target(), { client_id: undefined })
    const reply = await target().call('api', '/v1/organizations', {
      headers: { authorization: `Bearer ${access}` },
    })
    expect(reply.status).toBe(401)
    expect(lastEntry(target())?.details).toMatchObject({ tokenRejected: 'malformed' })
  })

  it('the hand-made access token with the claims the mock issues → 200 at the Dinero API (the baseline of the two above)', async () => {
    const access = await handMadeAccessToken(target(), {})
    const reply = await target().call('api', '/v1/organizations', {
      headers: { authorization: `Bearer ${access}` },
    })
    expect(reply.status, reply.text).toBe(200)
  })

  it('an Authorization scheme that only ends in "Bearer" ("NotBearer <token>") is no bearer token → 401', async () => {
    const tokens = await codeFlow(target())
    const ok = await target().call('api', '/v1/organizations', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(ok.status).toBe(200)
    const reply = await target().call('api', '/v1/organizations', {
      headers: { authorization: `NotBearer ${tokens.access_token}` },
    })
    expect(reply.status).toBe(401)
  })
})

describe('introspection: who is a caller', () => {
  const target = standIn('in-process')

  it('no credentials at all → 401 with no body, journalled unauthorized', async () => {
    const tokens = await codeFlow(target())
    const reply = await post(target(), '/connect/introspect', { token: tokens.refresh_token! })
    expect(reply.status).toBe(401)
    expect(reply.text).toBe('')
    expect(lastEntry(target())?.error).toBe('unauthorized')
  })

  it('a client without a secret (authenticating with none) naming itself in the body → 401 with no body, journalled unauthorized', async () => {
    const reply = await post(target(), '/connect/introspect', { client_id: PUBLIC_CLIENT, token: 'anything' })
    expect(reply.status).toBe(401)
    expect(reply.text).toBe('')
    expect(lastEntry(target())?.error).toBe('unauthorized')
  })

  it('a confidential client by Basic, its own refresh token → 200 active (the baseline of the two above)', async () => {
    const tokens = await codeFlow(target())
    const reply = await post(
      target(),
      '/connect/introspect',
      { token: tokens.refresh_token! },
      { ...FORM, authorization: basicHeader(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET) },
    )
    expect(reply.status).toBe(200)
    expect(reply.json()).toMatchObject({ active: true })
  })
})

describe('introspection: a client-credentials token and a withdrawn consent', () => {
  // A user whose subject is the string "undefined": the control surface refuses to revoke the
  // consent of a user it does not know, and this is the key a token without `sub` must not hit.
  const target = standIn(
    'in-process',
    [],
    [DEFAULT_USER, { ...DEFAULT_USER, subject: 'undefined', email: 'undefined@example.com' }],
  )

  it('a consent withdrawn for the subject "undefined" does not revoke the client’s client-credentials token (it has no sub): the API resource still sees it active', async () => {
    const issued = await token(
      target(),
      { grant_type: 'client_credentials' },
      { kind: 'post', clientId: SERVICE_CLIENT },
    )
    const access = issued.json<{ access_token: string }>().access_token
    target().mock.control.lifecycle({
      event: 'revoke-consent',
      clientId: SERVICE_CLIENT,
      subject: 'undefined',
    })
    try {
      const reply = await post(target(), '/connect/introspect', {
        client_id: DINERO_AUDIENCE,
        client_secret: DINERO_API_RESOURCE_SECRET,
        token: access,
      })
      expect(reply.json()).toMatchObject({ active: true, client_id: SERVICE_CLIENT })
    } finally {
      target().mock.control.reset()
    }
  })
})

describe('introspection: a refresh token’s expiry, to the millisecond', () => {
  const target = standIn('in-process')
  const introspect = (refreshToken: string) =>
    post(target(), '/connect/introspect', {
      client_id: DEFAULT_CLIENT_ID,
      client_secret: DEFAULT_CLIENT_SECRET,
      token: refreshToken,
    })

  it('exp is the refresh token’s expiry in whole seconds (RFC 7662 §2.2)', async () => {
    const tokens = await codeFlow(target())
    const record = target().mock.store.connect.findRefresh(tokens.refresh_token!)!
    const body = (await introspect(tokens.refresh_token!)).json<{ exp: number }>()
    expect(body.exp).toBe(Math.floor(record.expiresAt / 1000))
  })

  it('one millisecond before its expiry the refresh token is active; at its expiry instant it is {"active":false}', async () => {
    const tokens = await codeFlow(target())
    const record = target().mock.store.connect.findRefresh(tokens.refresh_token!)!
    try {
      target().mock.clock.set(record.expiresAt - 1)
      expect((await introspect(tokens.refresh_token!)).json()).toMatchObject({ active: true })
      target().mock.clock.set(record.expiresAt)
      expect((await introspect(tokens.refresh_token!)).json()).toEqual({ active: false })
    } finally {
      target().mock.control.reset()
    }
  })
})

describe('userinfo under userinfo.no-challenge', () => {
  const target = standIn('served', ['userinfo.no-challenge'])

  it('no token → a bare 401 without WWW-Authenticate (the deviation), journalled unauthorized', async () => {
    const reply = await target().call('connect', '/connect/userinfo')
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toBeNull()
    expect(lastEntry(target())?.error).toBe('unauthorized')
  })
})

describe('tokens under token.scope-claim-string and jwks.stale-kid', () => {
  const target = standIn('served', ['token.scope-claim-string', 'jwks.stale-kid'])

  it('the access token’s scope claim is the granted scopes as one space-separated string; its kid is the key’s with -STALE', async () => {
    const tokens = await codeFlow(target(), { scope: 'openid profile' })
    expect(decodeJwt(tokens.access_token).scope).toBe('openid profile')
    expect(decodeProtectedHeader(tokens.access_token).kid).toBe(`${(await sharedSigningKey()).kid}-STALE`)
  })

  it('the mock’s own userinfo still reads the string scope: openid profile → 200 with sub and name', async () => {
    const tokens = await codeFlow(target(), { scope: 'openid profile' })
    const reply = await target().call('connect', '/connect/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(reply.status, reply.text).toBe(200)
    expect(reply.json()).toEqual({ sub: SUBJECT, name: 'Conformance User' })
  })
})
