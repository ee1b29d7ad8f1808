import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeviationId } from '../../mocks/deviations.ts'
import { DEFAULT_CLIENT_ID, DEFAULT_POST_LOGOUT_REDIRECT_URIS, defineClient } from '../../mocks/options.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'
import { signIn } from '../support/sign-in.ts'

/**
 * The end-session edges the end-session.ts mutation run found unpinned (docs/MUTATION.md): what
 * the journal notes of each request (the grader reads `had_session`, `valid`,
 * `post_logout_redirect` and the logout page's `outcome`), when a logoutId is worth storing
 * (duende-end-session-result: only when it names a client or a user), an empty id_token_hint,
 * state appended to a registered URI that has a query of its own, the logout page's own POST, and
 * no-store on every answer. The main paths are in end-session.spec.ts.
 */
const POST_LOGOUT = DEFAULT_POST_LOGOUT_REDIRECT_URIS[0]!
const WITH_QUERY = 'http://127.0.0.1:8976/signed-out?from=mock'
const QUERY_CLIENT = 'isv_logout_query'

function standIn(deviations: DeviationId[] = []) {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(deviations.length === 0 ? 'in-process' : 'served', {
      deviations,
      clients: [
        defineClient({ clientId: DEFAULT_CLIENT_ID }),
        defineClient({ clientId: QUERY_CLIENT, postLogoutRedirectUris: [WITH_QUERY] }),
      ],
    })
  })
  afterAll(() => target.close())
  return () => target
}

const lastNote = (target: Target) => target.mock.journal.entries().at(-1)

describe('end session: what it notes and when it stores a logoutId', () => {
  const target = standIn()
  const endSession = (query: Record<string, string>, cookie?: string) =>
    target().call('connect', `/connect/endsession?${new URLSearchParams(query)}`, {
      ...(cookie === undefined ? {} : { headers: { cookie } }),
    })

  it('a valid hint with a registered URI, signed in → noted had_session, valid, post_logout_redirect; no-store', async () => {
    const { cookie, idToken } = await signIn(target())
    const reply = await endSession({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT }, cookie)
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(lastNote(target())?.details).toEqual({
      had_session: true,
      valid: true,
      post_logout_redirect: true,
    })
  })

  it('nothing at all, no one signed in → valid but nothing to store: 302 /account/logout without a logoutId', async () => {
    const reply = await endSession({})
    expect(new URL(reply.headers.get('location')!).search).toBe('')
    expect(lastNote(target())?.details).toEqual({
      had_session: false,
      valid: true,
      post_logout_redirect: false,
    })
  })

  it('no hint but a signed-in user → a logoutId (it names the user)', async () => {
    const { cookie } = await signIn(target())
    const reply = await endSession({}, cookie)
    expect(new URL(reply.headers.get('location')!).searchParams.get('logoutId')).toMatch(/^[0-9a-f]{32}$/)
  })

  it('an empty id_token_hint is no hint: valid, not refused', async () => {
    await endSession({ id_token_hint: '' })
    expect(lastNote(target())?.details).toMatchObject({ valid: true })
  })

  it('a hint that does not verify → noted valid: false', async () => {
    await endSession({ id_token_hint: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' })
    expect(lastNote(target())?.details).toMatchObject({ valid: false, post_logout_redirect: false })
  })

  it('a PUT and a JSON POST are journalled as method_not_allowed and unsupported_media_type', async () => {
    await target().call('connect', '/connect/endsession', { method: 'PUT' })
    expect(lastNote(target())?.error).toBe('method_not_allowed')
    await target().call('connect', '/connect/endsession', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(lastNote(target())?.error).toBe('unsupported_media_type')
  })

  it('state on a registered URI that has a query of its own is appended with &', async () => {
    const { cookie, idToken } = await signIn(target(), QUERY_CLIENT)
    const reply = await endSession(
      { id_token_hint: idToken, post_logout_redirect_uri: WITH_QUERY, state: 's1' },
      cookie,
    )
    const out = await target().call('connect', reply.headers.get('location')!, { headers: { cookie } })
    expect(out.headers.get('location')).toBe(`${WITH_QUERY}&state=s1`)
  })

  it('an empty state appends nothing', async () => {
    const { cookie, idToken } = await signIn(target())
    const reply = await endSession(
      { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT, state: '' },
      cookie,
    )
    const out = await target().call('connect', reply.headers.get('location')!, { headers: { cookie } })
    expect(out.headers.get('location')).toBe(POST_LOGOUT)
  })
})

describe('the logout page', () => {
  const target = standIn()

  it('signed in, no logoutId → the confirmation page, noted logout_prompt', async () => {
    const { cookie } = await signIn(target())
    const page = await target().call('connect', '/account/logout', { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(lastNote(target())?.details).toEqual({ outcome: 'logout_prompt' })
  })

  it('no one signed in → signed out at once: 200, noted signed_out without a session, no-store', async () => {
    const page = await target().call('connect', '/account/logout')
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(lastNote(target())?.details).toEqual({ outcome: 'signed_out', had_session: false })
  })

  it('the confirmation form posted with its logoutId signs out and follows the stored redirect; a JSON POST → 415', async () => {
    const { cookie, idToken } = await signIn(target())
    const reply = await target().call(
      'connect',
      `/connect/endsession?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT })}`,
      { headers: { cookie } },
    )
    const logoutId = new URL(reply.headers.get('location')!).searchParams.get('logoutId')!
    const posted = await target().call('connect', '/account/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ logoutId }).toString(),
    })
    expect(posted.status).toBe(302)
    expect(posted.headers.get('location')).toBe(POST_LOGOUT)
    expect(lastNote(target())?.details).toEqual({ outcome: 'signed_out', had_session: true })
    const json = await target().call('connect', '/account/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ logoutId }),
    })
    expect(json.status).toBe(415)
  })
})

describe('end session under end-session.redirect-without-valid-hint', () => {
  const target = standIn(['end-session.redirect-without-valid-hint'])

  it('no hint, a URI some client registered → the logout page redirects there (the deviation)', async () => {
    const reply = await target().call(
      'connect',
      `/connect/endsession?${new URLSearchParams({ post_logout_redirect_uri: WITH_QUERY, state: 'z' })}`,
    )
    const out = await target().call('connect', reply.headers.get('location')!)
    expect(out.headers.get('location')).toBe(`${WITH_QUERY}&state=z`)
  })

  it('no hint and no URI → nothing to redirect to: the signed-out page', async () => {
    const reply = await target().call('connect', '/connect/endsession')
    const out = await target().call('connect', reply.headers.get('location')!)
    expect(out.status).toBe(200)
    expect(out.headers.get('location')).toBeNull()
  })
})
