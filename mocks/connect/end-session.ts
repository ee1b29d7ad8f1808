import { compactVerify, importJWK } from 'jose'
import type { RouteRequest } from '../routes.ts'
import { readSession, SESSION_COOKIE } from './authorize/session.ts'
import type { ConnectContext } from './context.ts'
import { StatusError } from './errors.ts'
import { isFormContentType, type Params, readForm, toParams } from './form.ts'
import type { ClientConfig, LogoutRecord, SessionRecord } from './model.ts'
import { htmlResponse, loggedOutPage, logoutPromptPage } from './pages.ts'

/**
 * RP-initiated logout (oidc-rp-initiated-logout §2–3) as IdentityServer answers it
 * (duende-end-session-endpoint, duende-end-session-validator, duende-end-session-result):
 * - `/connect/endsession` takes GET (query) or POST (form; another content type → 415); other
 *   methods → 405;
 * - an `id_token_hint` must be an id token this mock signed, issued by this origin to a known
 *   client (its lifetime is not checked), for the signed-in user if there is one; anything else
 *   fails validation, and then no parameter is honoured;
 * - `post_logout_redirect_uri` counts only with a valid hint and only when registered for the
 *   hint's client (compared ignoring case, as redirect URIs are); `state` is appended to it;
 *   without a hint it is ignored (`client_id` names no client here: Duende reads only the hint);
 * - the endpoint signs no one out itself: it 302s to the logout page `/account/logout`, with
 *   `?logoutId=…` only for a valid request (is4-ui-constants);
 * - the logout page asks the user to confirm unless the hint authenticated the request (or no one
 *   is signed in), then ends the session on the server, expires the cookie, and sends the browser
 *   to the post-logout URI, or shows that the user is signed out. assumption: Visma's logout page
 *   is not published; the mock redirects at once, as oidc-rp-initiated-logout §3 describes.
 */
const LOGOUT_PATH = '/account/logout'
/** duende-input-length-restrictions: IdTokenHint. */
const MAX_ID_TOKEN_HINT = 4000

export async function endSessionEndpoint(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request, url } = req
  const params = await readEndSessionParams(request, url)
  const session = readSession(ctx, request)
  const logout = await validateEndSession(ctx, params, session, url.origin)
  req.note({
    had_session: session !== undefined,
    valid: logout !== undefined,
    post_logout_redirect: logout?.postLogoutRedirectUri !== undefined,
  })
  // duende-end-session-result: a message is stored only when it says something (a client or a user).
  const id =
    logout !== undefined && (logout.clientId !== undefined || session !== undefined)
      ? ctx.store.recordLogout(logout, ctx.clock.now())
      : undefined
  const location = `${url.origin}${LOGOUT_PATH}${id === undefined ? '' : `?logoutId=${id}`}`
  return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })
}

async function readEndSessionParams(request: Request, url: URL): Promise<Params> {
  if (request.method === 'GET') return toParams(url.searchParams)
  if (request.method === 'POST') {
    if (!isFormContentType(request.headers.get('content-type')))
      throw new StatusError(415, 'unsupported_media_type')
    return readForm(request)
  }
  throw new StatusError(405, 'method_not_allowed', { allow: 'GET, POST' })
}

/** duende-end-session-validator: the validated request, or undefined when validation failed. */
async function validateEndSession(
  ctx: ConnectContext,
  params: Params,
  session: SessionRecord | undefined,
  issuer: string,
): Promise<Omit<LogoutRecord, 'createdAt'> | undefined> {
  const hint = params.get('id_token_hint')
  const requested = params.get('post_logout_redirect_uri')
  // Deviation end-session.redirect-without-valid-hint: any client's registered URI, no hint needed.
  const unauthenticated = () => {
    if (!ctx.deviations.has('end-session.redirect-without-valid-hint') || requested === undefined)
      return undefined
    const client = [...ctx.store.clients.values()].find((c) => isRegistered(c, requested))
    return client === undefined ? undefined : withRedirect(ctx, client, requested, params.get('state'))
  }
  if (hint === undefined || hint.length === 0) return unauthenticated() ?? {}
  const claims = hint.length > MAX_ID_TOKEN_HINT ? undefined : await verifyIdTokenHint(ctx, hint, issuer)
  const client = claims === undefined ? undefined : ctx.store.clients.get(claims.aud)
  if (claims === undefined || client === undefined) return unauthenticated()
  // "Current user does not match identity token".
  if (session !== undefined && claims.sub !== undefined && claims.sub !== session.subject)
    return unauthenticated()
  if (requested === undefined || !isRegistered(client, requested)) return { clientId: client.clientId }
  return withRedirect(ctx, client, requested, params.get('state'))
}

function isRegistered(client: ClientConfig, uri: string): boolean {
  return (client.postLogoutRedirectUris ?? []).some((u) => u.toLowerCase() === uri.toLowerCase())
}

function withRedirect(
  ctx: ConnectContext,
  client: ClientConfig,
  uri: string,
  state: string | undefined,
): Omit<LogoutRecord, 'createdAt'> {
  // Deviation end-session.ignore-post-logout-redirect: the stub that never sent anyone back.
  if (ctx.deviations.has('end-session.ignore-post-logout-redirect')) return { clientId: client.clientId }
  const target =
    state === undefined || state.length === 0
      ? uri
      : `${uri}${uri.includes('?') ? '&' : '?'}${new URLSearchParams({ state })}`
  return { clientId: client.clientId, postLogoutRedirectUri: target }
}

/**
 * An id token of this mock: RS256 by its key (not an access token), issued by this origin to one
 * client; the lifetime is not checked (duende-end-session-validator).
 */
async function verifyIdTokenHint(
  ctx: ConnectContext,
  token: string,
  issuer: string,
): Promise<{ aud: string; sub?: string } | undefined> {
  const key = await ctx.signingKey()
  try {
    const publicKey = await importJWK({ ...key.publicJwk, alg: 'RS256' }, 'RS256')
    const { payload, protectedHeader } = await compactVerify(token, publicKey, { algorithms: ['RS256'] })
    if (protectedHeader.typ === 'at+JWT') return undefined
    const claims = JSON.parse(new TextDecoder().decode(payload)) as {
      iss?: unknown
      aud?: unknown
      sub?: unknown
    }
    if (claims.iss !== issuer || typeof claims.aud !== 'string') return undefined
    // duende-end-session-validator compares the sub claim's value with the signed-in user's, so a
    // sub that is no string (42) is its text, not "no sub" (which would pass for any user).
    return { aud: claims.aud, ...(claims.sub === undefined ? {} : { sub: String(claims.sub) }) }
  } catch {
    return undefined
  }
}

/** is4-ui-constants: the logout page the end-session endpoint sends the browser to. */
export async function logoutGet(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const id = req.url.searchParams.get('logoutId') ?? undefined
  const logout = id === undefined ? undefined : ctx.store.getLogout(id)
  const session = readSession(ctx, req.request)
  // A logout no id_token_hint authenticated is confirmed by the user first (a page could
  // otherwise sign anyone out with a link).
  if (session !== undefined && logout?.clientId === undefined) {
    req.note({ outcome: 'logout_prompt' })
    return htmlResponse(logoutPromptPage(logout === undefined ? undefined : id))
  }
  return signOut(ctx, req, session, logout)
}

export async function logoutPost(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  if (!isFormContentType(req.request.headers.get('content-type')))
    throw new StatusError(415, 'unsupported_media_type')
  const form = await readForm(req.request)
  const id = form.get('logoutId')
  const logout = id === undefined ? undefined : ctx.store.getLogout(id)
  return signOut(ctx, req, readSession(ctx, req.request), logout)
}

function signOut(
  ctx: ConnectContext,
  req: RouteRequest,
  session: SessionRecord | undefined,
  logout: LogoutRecord | undefined,
): Response {
  // Deviation end-session.keeps-session: only the cookie goes; the session itself lives on.
  if (session !== undefined && !ctx.deviations.has('end-session.keeps-session'))
    ctx.store.endSession(session.id)
  req.note({ outcome: 'signed_out', had_session: session !== undefined })
  const headers = new Headers({
    'cache-control': 'no-store',
    'set-cookie': `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax`,
  })
  if (logout?.postLogoutRedirectUri !== undefined) {
    headers.set('location', logout.postLogoutRedirectUri)
    return new Response(null, { status: 302, headers })
  }
  return htmlResponse(loggedOutPage(), 200, Object.fromEntries(headers))
}
