import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import type { ClientConfig } from '../../mocks/connect/model.ts'
import type { DeviationId } from '../../mocks/deviations.ts'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_POST_LOGOUT_REDIRECT_URIS,
  DEFAULT_USER,
  defineClient,
} from '../../mocks/options.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import type { Reply, Target, TargetKind } from '../../scripts/targets/targets.ts'
import { signIn } from '../support/sign-in.ts'
import { targetPerBlock } from '../support/target-per-test.ts'

/**
 * Which id_token_hint the end-session endpoint accepts (duende-end-session-validator,
 * duende-input-length-restrictions; oidc-rp-initiated-logout §2), probed with tokens made by hand
 * and signed with the mock's own key, so each check meets a token that only it refuses: an
 * access token's `typ`, another issuer, an `aud` that names no client, no `sub`, 4000 characters
 * and one more. Also what the logout page does with a logoutId (is4-ui-constants), and the two
 * end-session deviations at the edges the end-session.ts mutation run left (docs/MUTATION.md).
 */
const POST_LOGOUT = DEFAULT_POST_LOGOUT_REDIRECT_URIS[0]!
const SUBJECT = DEFAULT_USER.subject
/** A client with no post-logout redirect URIs on record at all. */
const NO_LIST_CLIENT = 'isv_no_logout_list'
/** duende-input-length-restrictions: IdTokenHint. */
const MAX_HINT = 4000

/** The client as configured with no `postLogoutRedirectUris` key at all (the option is optional). */
function withoutLogoutList(client: ClientConfig): ClientConfig {
  const { postLogoutRedirectUris: _, ...rest } = client
  return rest
}

const standIn = (kind: TargetKind, deviations: DeviationId[] = []) =>
  targetPerBlock(kind, {
    deviations,
    clients: [
      defineClient({ clientId: DEFAULT_CLIENT_ID }),
      withoutLogoutList(defineClient({ clientId: NO_LIST_CLIENT })),
    ],
  })

/** An id token made by hand and signed RS256 with the mock's own key; `claims` replace the defaults. */
async function handMade(
  target: Target,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const key = await sharedSigningKey()
  const now = Math.floor(target.mock.clock.now() / 1000)
  const payload: Record<string, unknown> = {
    iss: target.connect,
    aud: DEFAULT_CLIENT_ID,
    sub: SUBJECT,
    iat: now,
    nbf: now,
    exp: now + 300,
    ...claims,
  }
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k]
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header }).sign(key.privateKey)
}

/** A hand-made id token of exactly `length` characters (a `pad` claim and a header field fill it). */
async function handMadeOfLength(target: Target, length: number): Promise<string> {
  for (let h = 0; h < 4; h++) {
    const base = await handMade(target, { pad: '' }, { x: 'y'.repeat(h) })
    const short = length - base.length
    for (let n = Math.max(0, Math.floor((short * 3) / 4) - 4); n < short; n++) {
      const t = await handMade(target, { pad: 'p'.repeat(n) }, { x: 'y'.repeat(h) })
      if (t.length === length) return t
      if (t.length > length) break
    }
  }
  throw new Error(`no token of ${length} characters`)
}

const endSession = (target: Target, query: Record<string, string>, cookie?: string) =>
  target.call('connect', `/connect/endsession?${new URLSearchParams(query)}`, {
    ...(cookie === undefined ? {} : { headers: { cookie } }),
  })
const logoutIdOf = (location: string | null) => new URL(location!).searchParams.get('logoutId')

/**
 * Signed in (as `clientId`), end session with that sign-in's id token as the hint and the
 * registered POST_LOGOUT: what the endpoint noted, then the logout page its 302 leads to (with the
 * session cookie).
 */
async function signedInLogout(
  target: Target,
  clientId?: string,
): Promise<{ noted: Record<string, unknown> | undefined; page: Reply }> {
  const { cookie, idToken } = await signIn(target, clientId)
  const reply = await endSession(
    target,
    { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT },
    cookie,
  )
  const noted = lastNote(target)?.details
  const page = await target.call('connect', reply.headers.get('location')!, { headers: { cookie } })
  return { noted, page }
}
const lastNote = (target: Target) => target.mock.journal.entries().at(-1)

describe('end session: the id_token_hint checks, each met by a token only it refuses', () => {
  const target = standIn('in-process')

  it('a hand-made id token of this issuer for a known client, signed with the mock key → accepted: 302 with a logoutId, noted valid', async () => {
    const reply = await endSession(target(), { id_token_hint: await handMade(target()) })
    expect(reply.status).toBe(302)
    expect(logoutIdOf(reply.headers.get('location'))).toMatch(/^[0-9a-f]{32}$/)
    expect(lastNote(target())?.details).toMatchObject({ valid: true, had_session: false })
  })

  it('a valid hint with no one signed in → 302 with a logoutId, noted valid without a session; the page redirects to the registered URI', async () => {
    const { idToken } = await signIn(target())
    const reply = await endSession(target(), {
      id_token_hint: idToken,
      post_logout_redirect_uri: POST_LOGOUT,
    })
    expect(lastNote(target())?.details).toEqual({
      had_session: false,
      valid: true,
      post_logout_redirect: true,
    })
    const out = await target().call('connect', reply.headers.get('location')!)
    expect(out.status).toBe(302)
    expect(out.headers.get('location')).toBe(POST_LOGOUT)
  })

  it('a valid hint for the user who is signed in → valid: the logout page signs out at once and redirects (302), no prompt', async () => {
    const { noted, page: out } = await signedInLogout(target())
    expect(noted).toEqual({
      had_session: true,
      valid: true,
      post_logout_redirect: true,
    })
    expect(out.status).toBe(302)
    expect(out.headers.get('location')).toBe(POST_LOGOUT)
  })

  it('a hint with no sub while someone is signed in → valid (there is no user to mismatch): logoutId, the page signs out without asking', async () => {
    const { cookie } = await signIn(target())
    const reply = await endSession(
      target(),
      { id_token_hint: await handMade(target(), { sub: undefined }) },
      cookie,
    )
    expect(lastNote(target())?.details).toMatchObject({ valid: true })
    const page = await target().call('connect', reply.headers.get('location')!, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(page.text).toContain('You are signed out')
    expect(lastNote(target())?.details).toEqual({ outcome: 'signed_out', had_session: true })
  })

  it('a hint for another user than the signed-in one → refused ("Current user does not match identity token"): 302 without logoutId, noted valid false', async () => {
    const { cookie } = await signIn(target())
    const reply = await endSession(
      target(),
      {
        id_token_hint: await handMade(target(), { sub: 'someone-else' }),
        post_logout_redirect_uri: POST_LOGOUT,
      },
      cookie,
    )
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    expect(lastNote(target())?.details).toMatchObject({ valid: false, post_logout_redirect: false })
  })

  it('a hint whose sub is not a string (42) is compared by its value, not read as no sub: another user than the signed-in one → 302 without logoutId, noted valid false', async () => {
    const { cookie } = await signIn(target())
    const reply = await endSession(
      target(),
      { id_token_hint: await handMade(target(), { sub: 42 }), post_logout_redirect_uri: POST_LOGOUT },
      cookie,
    )
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    expect(lastNote(target())?.details).toMatchObject({ valid: false, post_logout_redirect: false })
  })

  it('a valid hint of exactly 4000 characters (duende-input-length-restrictions) is read → valid, logoutId', async () => {
    const hint = await handMadeOfLength(target(), MAX_HINT)
    expect(hint.length).toBe(MAX_HINT)
    const reply = await endSession(target(), { id_token_hint: hint })
    expect(logoutIdOf(reply.headers.get('location'))).toMatch(/^[0-9a-f]{32}$/)
    expect(lastNote(target())?.details).toMatchObject({ valid: true })
  })

  it('an otherwise valid hint of 4001 characters is refused unread → 302 without logoutId, noted valid false', async () => {
    const hint = await handMadeOfLength(target(), MAX_HINT + 1)
    const reply = await endSession(target(), { id_token_hint: hint, post_logout_redirect_uri: POST_LOGOUT })
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    expect(lastNote(target())?.details).toMatchObject({ valid: false })
  })

  it('a hint whose aud names no registered client → refused: 302 without logoutId, noted valid false', async () => {
    const reply = await endSession(target(), {
      id_token_hint: await handMade(target(), { aud: 'isv_nobody' }),
    })
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    expect(lastNote(target())?.details).toMatchObject({ valid: false })
  })

  it('a hint with typ at+JWT (an access token’s type) but an id token’s claims → refused: no logoutId, noted valid false', async () => {
    const hint = await handMade(target(), {}, { typ: 'at+JWT' })
    const reply = await endSession(target(), { id_token_hint: hint })
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    expect(lastNote(target())?.details).toMatchObject({ valid: false })
  })

  it('a hint from another issuer signed with the same key → refused: no logoutId, noted valid false', async () => {
    const hint = await handMade(target(), { iss: 'https://connect.example' })
    const reply = await endSession(target(), { id_token_hint: hint, post_logout_redirect_uri: POST_LOGOUT })
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    expect(lastNote(target())?.details).toMatchObject({ valid: false })
  })

  it('a hint that does not verify → refused: 302 without logoutId, noted valid false', async () => {
    const reply = await endSession(target(), { id_token_hint: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' })
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    expect(lastNote(target())?.details).toMatchObject({ valid: false })
  })

  it('a client with no post-logout URIs on record honours none: its valid hint with a URI → the page signs out with 200, no redirect', async () => {
    const { noted, page: out } = await signedInLogout(target(), NO_LIST_CLIENT)
    expect(noted).toEqual({
      had_session: true,
      valid: true,
      post_logout_redirect: false,
    })
    expect(out.status).toBe(200)
    expect(out.headers.get('location')).toBeNull()
  })
})

describe('the logout page and its logoutId', () => {
  const target = standIn('in-process')

  it('signed in, the logoutId of a request no hint authenticated → the confirmation form carries that logoutId', async () => {
    const { cookie } = await signIn(target())
    const reply = await endSession(target(), {}, cookie)
    const logoutId = logoutIdOf(reply.headers.get('location'))!
    const page = await target().call('connect', reply.headers.get('location')!, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign out of Visma Connect?')
    expect(page.text).toContain(`<input type="hidden" name="logoutId" value="${logoutId}">`)
  })

  it('signed in, a logoutId the mock never stored → the confirmation form carries no logoutId', async () => {
    const { cookie } = await signIn(target())
    const page = await target().call('connect', `/account/logout?logoutId=${'0'.repeat(32)}`, {
      headers: { cookie },
    })
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign out of Visma Connect?')
    expect(page.text).not.toContain('name="logoutId"')
  })

  it('a JSON POST to the logout page → 415, journalled unsupported_media_type', async () => {
    const reply = await target().call('connect', '/account/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"logoutId":"x"}',
    })
    expect(reply.status).toBe(415)
    expect(lastNote(target())?.error).toBe('unsupported_media_type')
  })
})

describe('end session under end-session.redirect-without-valid-hint: a URI no client registered', () => {
  const target = standIn('served', ['end-session.redirect-without-valid-hint'])

  it('no hint and a URI no client registered → nothing to redirect to: 302 without logoutId, the page shows signed out (200)', async () => {
    const reply = await endSession(target(), { post_logout_redirect_uri: 'https://elsewhere.example/out' })
    expect(reply.status).toBe(302)
    expect(reply.headers.get('location')).toBe(`${target().connect}/account/logout`)
    const out = await target().call('connect', reply.headers.get('location')!)
    expect(out.status).toBe(200)
    expect(out.headers.get('location')).toBeNull()
  })
})

describe('end session under end-session.ignore-post-logout-redirect: the hint still names the client', () => {
  const target = standIn('served', ['end-session.ignore-post-logout-redirect'])

  it('a valid hint with a registered URI, no one signed in → a logoutId all the same (it names the client), noted without a redirect', async () => {
    const { idToken } = await signIn(target())
    const reply = await endSession(target(), {
      id_token_hint: idToken,
      post_logout_redirect_uri: POST_LOGOUT,
    })
    expect(logoutIdOf(reply.headers.get('location'))).toMatch(/^[0-9a-f]{32}$/)
    expect(lastNote(target())?.details).toEqual({
      had_session: false,
      valid: true,
      post_logout_redirect: false,
    })
  })

  it('a valid hint with a registered URI, signed in → the page signs out at once (200, no prompt) and goes nowhere', async () => {
    const { page: out } = await signedInLogout(target())
    expect(out.status).toBe(200)
    expect(out.text).toContain('You are signed out')
    expect(out.headers.get('location')).toBeNull()
  })
})
