import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createClock } from '../../mocks/clock.ts'
import type { UserConfig } from '../../mocks/connect/model.ts'
import { createConnectStore, SESSION_LIFETIME_MS } from '../../mocks/connect/store.ts'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_POST_LOGOUT_REDIRECT_URIS,
  DEFAULT_USER,
  defaultClients,
  defineClient,
  REFRESH_CLIENT_ID,
} from '../../mocks/options.ts'
import { authorizeParams, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import type { Reply, Target } from '../../scripts/targets/targets.ts'
import { controlPost } from '../support/control.ts'
import { signInOnPage } from '../support/login-page.ts'
import { targetPerTest } from '../support/target-per-test.ts'

/**
 * The Connect mock's one store as a client and the control surface see it: what `/__mock/reset`
 * clears (every kind of record), settings for one client, revoke-all for one client and user
 * (visma-connect-tokens: "all access for the client/user combination is revoked"), the IdP
 * session's absolute 10 hours (visma-connect-session-management) and the `session.sliding`
 * deviation, and the housekeeping sweep of expired codes (RFC 6749 §4.1.2: short-lived), error
 * records and logout records. The counts are the Mock object's (`mock.store.connect.counts()`).
 */
const START = Date.UTC(2026, 0, 5, 9, 0, 0)
const SCOPE = 'openid profile email dineropublicapi:read offline_access'
/** Where the login page sends a signed-in user back to: authorize's callback for SCOPE. */
const LOGIN_RETURN_URL = `/connect/authorize/callback?${authorizeParams({ scope: SCOPE })}`
/** The mock keeps error and logout records 10 minutes (mocks/connect/store.ts ERROR_TTL_MS). */
const RECORD_TTL_SECONDS = 600
const SESSION_LIFETIME_SECONDS = SESSION_LIFETIME_MS / 1000
const POST_LOGOUT = DEFAULT_POST_LOGOUT_REDIRECT_URIS[0]!
/** A client allowed only client_credentials (as in specs/dinero/gate-edges.spec.ts). */
const SERVICE_CLIENT = 'isv_conformance_service'
const SECOND_USER: UserConfig = {
  subject: '5b0c6a7e-3f7d-4c55-9a1e-2f0f4a9d8c21',
  email: 'second@example.com',
  password: 'Second-Passw0rd!',
  name: 'Second User',
}

const start = targetPerTest('in-process')
const begin = (options: Parameters<typeof start>[0] = {}) => start({ clock: { start: START }, ...options })

const control = controlPost

async function advance(t: Target, seconds: number): Promise<void> {
  expect((await control(t, '/__mock/clock', { advanceSeconds: seconds })).status).toBe(200)
}

const cookieOf = (reply: Reply) => (reply.headers.get('set-cookie') ?? '').split(';')[0]!

interface AuthorizeOutcome {
  fields: Record<string, string>
  /** The session cookie the answer set, or the one presented. */
  cookie: string
}

/** One authorize request (query response mode); `accept` signs in and consents without pages. */
async function authorizeAs(
  t: Target,
  o: { clientId?: string; cookie?: string; accept?: boolean; prompt?: string } = {},
): Promise<AuthorizeOutcome> {
  const params = authorizeParams({
    client_id: o.clientId ?? DEFAULT_CLIENT_ID,
    scope: SCOPE,
    prompt: o.prompt,
  })
  const headers: Record<string, string> = {}
  if (o.accept) headers['x-mock-consent'] = 'accept'
  if (o.cookie !== undefined) headers.cookie = o.cookie
  const reply = await t.call('connect', `/connect/authorize?${params}`, { headers })
  expect(reply.status).toBe(302)
  const location = new URL(reply.headers.get('location')!)
  return {
    fields: Object.fromEntries(location.searchParams),
    cookie: reply.headers.get('set-cookie') === null ? (o.cookie ?? '') : cookieOf(reply),
  }
}

/** A fresh code for the client, the default user signed in and consenting automatically. */
async function code(t: Target, clientId = DEFAULT_CLIENT_ID, cookie?: string): Promise<string> {
  const outcome = await authorizeAs(t, {
    clientId,
    accept: true,
    ...(cookie === undefined ? {} : { cookie }),
  })
  expect(outcome.fields.code).toMatch(/^[0-9A-F]{64}$/)
  return outcome.fields.code!
}

/** What the token endpoint noted of the last request (`code: unknown | expired`, `refresh: …`). */
const lastNote = (t: Target) => t.mock.journal.entries().at(-1)?.details

const redeem = (t: Target, c: string, clientId = DEFAULT_CLIENT_ID) =>
  token(
    t,
    { grant_type: 'authorization_code', code: c, redirect_uri: REDIRECT_URI },
    { kind: 'post', clientId },
  )

const refreshWith = (t: Target, handle: string, clientId = DEFAULT_CLIENT_ID) =>
  token(t, { grant_type: 'refresh_token', refresh_token: handle }, { kind: 'post', clientId })

interface Grant {
  access_token: string
  refresh_token: string
  id_token: string
}

async function grantFor(t: Target, clientId = DEFAULT_CLIENT_ID, cookie?: string): Promise<Grant> {
  const reply = await redeem(t, await code(t, clientId, cookie), clientId)
  expect(reply.status).toBe(200)
  return reply.json<Grant>()
}

const userinfo = (t: Target, accessToken: string) =>
  t.call('connect', '/connect/userinfo', { headers: { authorization: `Bearer ${accessToken}` } })

/** An error record: an unregistered redirect_uri is answered on the IdP's error page (duende-authorize-result). */
async function errorId(t: Target): Promise<string> {
  const params = authorizeParams({ redirect_uri: 'https://elsewhere.example/cb' })
  const reply = await t.call('connect', `/connect/authorize?${params}`)
  const id = new URL(reply.headers.get('location')!).searchParams.get('errorId')
  expect(id).toMatch(/^[0-9a-f]{32}$/)
  return id!
}

/** A logout record: a valid end-session request with a registered post-logout URI (duende-end-session-result). */
async function logoutId(t: Target, idToken: string): Promise<string> {
  const query = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT })
  const reply = await t.call('connect', `/connect/endsession?${query}`)
  const id = new URL(reply.headers.get('location')!).searchParams.get('logoutId')
  expect(id).toMatch(/^[0-9a-f]{32}$/)
  return id!
}

const errorPage = (t: Target, id: string) => t.call('connect', `/home/error?errorId=${id}`)
const logoutPage = (t: Target, id: string) => t.call('connect', `/account/logout?logoutId=${id}`)

describe('store: /__mock/reset clears every kind of record', () => {
  it('POST /__mock/reset → 204; codes, refresh tokens, sessions, consents, sign-ins, revocations, error and logout records are gone, and earlier access tokens stay refused (401)', async () => {
    const t = await begin()
    const grant = await grantFor(t)
    const cookie = (await authorizeAs(t, { accept: true })).cookie
    const pending = await code(t, DEFAULT_CLIENT_ID, cookie)
    const error = await errorId(t)
    const logout = await logoutId(t, grant.id_token)
    // A revocation on another client, so the default client's grant stays for the checks below.
    const revoked = await grantFor(t, REFRESH_CLIENT_ID)
    expect(
      (await control(t, '/__mock/lifecycle', { event: 'revoke-consent', clientId: REFRESH_CLIENT_ID }))
        .status,
    ).toBe(200)
    expect((await userinfo(t, revoked.access_token)).status).toBe(401)
    // Two codes wait (the signing-in authorize's and `pending`); three sign-ins without a cookie.
    expect(t.mock.store.connect.counts()).toEqual({
      codes: 2,
      refreshTokens: 1,
      sessions: 3,
      errors: 1,
      consents: 1,
    })

    expect((await control(t, '/__mock/reset', {})).status).toBe(204)

    const codeReply = await redeem(t, pending)
    expect(codeReply.json()).toEqual({ error: 'invalid_grant' })
    expect(lastNote(t)).toMatchObject({ code: 'unknown' })
    const refreshReply = await refreshWith(t, grant.refresh_token)
    expect(refreshReply.json()).toEqual({ error: 'invalid_grant' })
    expect(lastNote(t)).toMatchObject({ refresh: 'unknown' })
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.error).toBe('login_required')
    expect((await errorPage(t, error)).status).toBe(404)
    const page = await logoutPage(t, logout)
    expect(page.status).toBe(200)
    expect(page.headers.get('location')).toBeNull()
    // The revocation record goes with the rest, but the token it refused stays refused: every
    // access token issued before the reset is, the unrevoked grant's too.
    expect((await userinfo(t, revoked.access_token)).status).toBe(401)
    expect((await userinfo(t, grant.access_token)).status).toBe(401)
    // Nothing the requests above did after the reset made a record.
    expect(t.mock.store.connect.counts()).toEqual({
      codes: 0,
      refreshTokens: 0,
      sessions: 0,
      errors: 0,
      consents: 0,
    })

    // Sign-ins and consents: a user signing in after the reset has given no consent, and the
    // token's llt (the sign-in before this one) is this sign-in's own time, not the one before the reset.
    await advance(t, 100)
    const fresh = await signInOnPage(t, LOGIN_RETURN_URL, DEFAULT_USER)
    expect((await authorizeAs(t, { cookie: fresh, prompt: 'none' })).fields.error).toBe('consent_required')
    const after = await grantFor(t, DEFAULT_CLIENT_ID, fresh)
    const claims = decodeJwt(after.id_token)
    expect(claims.auth_time).toBe(START / 1000 + 100)
    expect(claims.llt).toBe(claims.auth_time)
    expect((await userinfo(t, after.access_token)).status).toBe(200)
  })

  it('access tokens issued before POST /__mock/reset are refused after it (userinfo 401, Dinero 401 invalid_token, client_credentials too); tokens issued after it stand (200)', async () => {
    const t = await begin({
      clients: [
        ...defaultClients(),
        defineClient({ clientId: SERVICE_CLIENT, allowedGrantTypes: ['client_credentials'] }),
      ],
    })
    const serviceToken = async () => {
      const reply = await token(
        t,
        { grant_type: 'client_credentials', scope: 'dineropublicapi:read' },
        { kind: 'post', clientId: SERVICE_CLIENT },
      )
      expect(reply.status, reply.text).toBe(200)
      return reply.json<{ access_token: string }>().access_token
    }
    const organizations = (accessToken: string) =>
      t.call('api', '/v1/organizations', { headers: { authorization: `Bearer ${accessToken}` } })
    const before = await grantFor(t)
    const serviceBefore = await serviceToken()
    expect((await organizations(before.access_token)).status).toBe(200)
    // A client_credentials token names no user: Dinero refuses it 403 (code 41), after the signature.
    expect((await organizations(serviceBefore)).status).toBe(403)

    expect((await control(t, '/__mock/reset', {})).status).toBe(204)

    expect((await userinfo(t, before.access_token)).status).toBe(401)
    const refused = await organizations(before.access_token)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token')
    expect((await organizations(serviceBefore)).status).toBe(401)

    const after = await grantFor(t)
    expect((await userinfo(t, after.access_token)).status).toBe(200)
    expect((await organizations(after.access_token)).status).toBe(200)
    expect((await organizations(await serviceToken())).status).toBe(403)
  })

  it('without a reset a second sign-in carries the first one as llt (the history the reset clears)', async () => {
    const t = await begin()
    await grantFor(t)
    await advance(t, 100)
    const second = decodeJwt(
      (await grantFor(t, DEFAULT_CLIENT_ID, await signInOnPage(t, LOGIN_RETURN_URL, DEFAULT_USER))).id_token,
    )
    expect(second.auth_time).toBe(START / 1000 + 100)
    expect(second.llt).toBe(START / 1000)
  })
})

describe('store: counts on the Mock object', () => {
  it('counts() reports codes, refresh tokens, sessions, error records and consents held', async () => {
    const t = await begin()
    expect(t.mock.store.connect.counts()).toEqual({
      codes: 0,
      refreshTokens: 0,
      sessions: 0,
      errors: 0,
      consents: 0,
    })
    await grantFor(t)
    await code(t, REFRESH_CLIENT_ID)
    await errorId(t)
    expect(t.mock.store.connect.counts()).toEqual({
      codes: 1,
      refreshTokens: 1,
      sessions: 2,
      errors: 1,
      consents: 2,
    })
  })
})

describe('store: settings and grants per client and user', () => {
  it('settings with a clientId change that client refresh policy only: reuse there, rotation elsewhere', async () => {
    const t = await begin()
    const patched = await control(t, '/__mock/settings', {
      clientId: REFRESH_CLIENT_ID,
      refresh: { usage: 'reuse' },
    })
    expect(patched.status).toBe(200)
    const reused = await grantFor(t, REFRESH_CLIENT_ID)
    const again = await refreshWith(t, reused.refresh_token, REFRESH_CLIENT_ID)
    expect(again.status).toBe(200)
    expect(again.json<Grant>().refresh_token).toBe(reused.refresh_token)
    const rotated = await grantFor(t, DEFAULT_CLIENT_ID)
    const next = await refreshWith(t, rotated.refresh_token)
    expect(next.status).toBe(200)
    expect(next.json<Grant>().refresh_token).not.toBe(rotated.refresh_token)
  })

  it('userinfo names each seeded user from the store: sub, name, email, email_verified', async () => {
    const t = await begin({ users: [DEFAULT_USER, SECOND_USER] })
    const first = await grantFor(t)
    expect((await userinfo(t, first.access_token)).json()).toEqual({
      sub: DEFAULT_USER.subject,
      name: DEFAULT_USER.name,
      email: DEFAULT_USER.email,
      email_verified: true,
    })
    const second = await grantFor(t, DEFAULT_CLIENT_ID, await signInOnPage(t, LOGIN_RETURN_URL, SECOND_USER))
    expect((await userinfo(t, second.access_token)).json()).toEqual({
      sub: SECOND_USER.subject,
      name: SECOND_USER.name,
      email: SECOND_USER.email,
      email_verified: true,
    })
  })

  it('consent is per client: consent given to one client → prompt=none at another → consent_required', async () => {
    const t = await begin()
    const { cookie } = await authorizeAs(t, { accept: true })
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.code).toMatch(/^[0-9A-F]{64}$/)
    const other = await authorizeAs(t, { clientId: REFRESH_CLIENT_ID, cookie, prompt: 'none' })
    expect(other.fields.error).toBe('consent_required')
  })

  it('revoke-consent for one client and user: its refresh and access tokens fail; other clients, other users and later grants keep working', async () => {
    const t = await begin({ users: [DEFAULT_USER, SECOND_USER] })
    const mine = await grantFor(t)
    const otherClient = await grantFor(t, REFRESH_CLIENT_ID)
    const otherUser = await grantFor(
      t,
      DEFAULT_CLIENT_ID,
      await signInOnPage(t, LOGIN_RETURN_URL, SECOND_USER),
    )
    const revoke = await control(t, '/__mock/lifecycle', {
      event: 'revoke-consent',
      clientId: DEFAULT_CLIENT_ID,
      subject: DEFAULT_USER.subject,
    })
    expect(revoke.status).toBe(200)

    expect((await userinfo(t, mine.access_token)).status).toBe(401)
    expect((await refreshWith(t, mine.refresh_token)).json()).toEqual({ error: 'invalid_grant' })

    expect((await userinfo(t, otherClient.access_token)).status).toBe(200)
    expect((await refreshWith(t, otherClient.refresh_token, REFRESH_CLIENT_ID)).status).toBe(200)
    expect((await userinfo(t, otherUser.access_token)).status).toBe(200)
    expect((await refreshWith(t, otherUser.refresh_token)).status).toBe(200)

    // A grant after the revocation is a new one: its access token stands.
    const later = await grantFor(t)
    expect((await userinfo(t, later.access_token)).status).toBe(200)
    expect((await refreshWith(t, later.refresh_token)).status).toBe(200)
  })

  it('an access token of a grant never revoked stands: userinfo 200', async () => {
    const t = await begin()
    expect((await userinfo(t, (await grantFor(t)).access_token)).status).toBe(200)
  })

  it('deviation refresh.no-expiry: an expired refresh token swept while its successor is issued still rotates (200, a new handle)', async () => {
    const t = await begin({ refresh: { absoluteLifetimeSeconds: 60 }, deviations: ['refresh.no-expiry'] })
    const grant = await grantFor(t)
    // 60 s on: the token has expired, and the sweep (due every 30 s) runs as the successor is issued.
    await advance(t, 60)
    const reply = await refreshWith(t, grant.refresh_token)
    expect(reply.status).toBe(200)
    expect(reply.json<Grant>().refresh_token).toMatch(/^[0-9A-F]{64}$/)
    expect(reply.json<Grant>().refresh_token).not.toBe(grant.refresh_token)
  })
})

describe('store: the IdP session lasts 10 hours from sign-in (visma-connect-session-management)', () => {
  it('a session 1 s short of 10 h still signs in silently; at exactly 10 h prompt=none → login_required', async () => {
    const t = await begin()
    const { cookie } = await authorizeAs(t, { accept: true })
    await advance(t, SESSION_LIFETIME_SECONDS - 1)
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.code).toMatch(/^[0-9A-F]{64}$/)
    await advance(t, 1)
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.error).toBe('login_required')
  })

  it('use does not extend it: used at 5 h, the session still ends 10 h after sign-in', async () => {
    const t = await begin()
    const { cookie } = await authorizeAs(t, { accept: true })
    await advance(t, SESSION_LIFETIME_SECONDS / 2)
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.code).toMatch(/^[0-9A-F]{64}$/)
    await advance(t, SESSION_LIFETIME_SECONDS / 2)
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.error).toBe('login_required')
  })

  it('deviation session.sliding: used at 5 h, the session lives on past 10 h after sign-in', async () => {
    const t = await begin({ deviations: ['session.sliding'] })
    const { cookie } = await authorizeAs(t, { accept: true })
    await advance(t, SESSION_LIFETIME_SECONDS / 2)
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.code).toMatch(/^[0-9A-F]{64}$/)
    await advance(t, SESSION_LIFETIME_SECONDS / 2)
    expect((await authorizeAs(t, { cookie, prompt: 'none' })).fields.code).toMatch(/^[0-9A-F]{64}$/)
  })

  it('a store built without options (no sliding hook) gives its session back, and ends it at 10 h', () => {
    const clock = createClock({ start: START })
    const store = createConnectStore({ clients: [], users: [DEFAULT_USER] }, clock)
    const session = store.createSession(DEFAULT_USER.subject, clock.now())
    clock.advance(SESSION_LIFETIME_MS / 2)
    expect(store.getSession(session.id)).toEqual(session)
    clock.advance(SESSION_LIFETIME_MS / 2)
    expect(store.getSession(session.id)).toBeUndefined()
  })
})

describe('store: the housekeeping sweep', () => {
  it('with code.no-expiry the sweep keeps what the deviation keeps alive: a code past 300 s, swept by the next issue, still redeems (200)', async () => {
    const t = await begin({ deviations: ['code.no-expiry'] })
    const expiring = await code(t)
    await advance(t, 301)
    await code(t)
    expect(t.mock.store.connect.counts().codes).toBe(2)
    expect((await redeem(t, expiring)).status).toBe(200)
  })

  it('expired codes are swept at exactly their expiry: the 300 s code is then unknown, a live one still redeems', async () => {
    const t = await begin()
    const expiring = await code(t)
    await advance(t, 200)
    const live = await code(t)
    // At 300 s the first code's lifetime ends; the next code issued runs the sweep.
    await advance(t, 100)
    await code(t)
    expect(t.mock.store.connect.counts().codes).toBe(2)
    expect((await redeem(t, expiring)).json()).toEqual({ error: 'invalid_grant' })
    expect(lastNote(t)).toMatchObject({ code: 'unknown' })
    expect((await redeem(t, live)).status).toBe(200)
  })

  it('the sweep runs at most every 30 s of mock time: a code expired since the last sweep is still held (expired, not unknown)', async () => {
    const t = await begin()
    const expiring = await code(t)
    await advance(t, 290)
    await code(t)
    await advance(t, 10)
    await code(t)
    expect(t.mock.store.connect.counts().codes).toBe(3)
    expect((await redeem(t, expiring)).json()).toEqual({ error: 'invalid_grant' })
    expect(lastNote(t)).toMatchObject({ code: 'expired' })
  })

  it('error and logout records 1 s short of their 10 minutes survive a sweep: the pages still show them', async () => {
    const t = await begin()
    const error = await errorId(t)
    const logout = await logoutId(t, (await grantFor(t)).id_token)
    await advance(t, RECORD_TTL_SECONDS - 1)
    await code(t)
    const page = await errorPage(t, error)
    expect(page.status).toBe(200)
    expect(page.text).toContain('data-error="invalid_request"')
    const out = await logoutPage(t, logout)
    expect(out.status).toBe(302)
    expect(out.headers.get('location')).toBe(POST_LOGOUT)
  })

  it('error and logout records are swept at exactly 10 minutes: errorId → 404 unknown_error, logoutId → signed-out page, no redirect', async () => {
    const t = await begin()
    const error = await errorId(t)
    const logout = await logoutId(t, (await grantFor(t)).id_token)
    await advance(t, RECORD_TTL_SECONDS)
    await code(t)
    expect(t.mock.store.connect.counts().errors).toBe(0)
    const page = await errorPage(t, error)
    expect(page.status).toBe(404)
    expect(page.text).toContain('data-error="unknown_error"')
    const out = await logoutPage(t, logout)
    expect(out.status).toBe(200)
    expect(out.headers.get('location')).toBeNull()
  })
})
