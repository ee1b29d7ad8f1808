import { createHash, randomBytes } from 'node:crypto'
import type { ConnectContext } from '../context.ts'
import type { Params } from '../form.ts'
import type { SessionRecord } from '../model.ts'
import { deliverError } from './delivery.ts'
import type { ValidAuthorizeRequest } from './validation.ts'

/**
 * The user's side of a valid authorize request (is4-ui-constants, duende-authorize-response-generator;
 * oidc-core §3.1.2.1):
 * - the IdP session lives in the `mock.idsrv.session` cookie (HttpOnly, SameSite=Lax);
 * - `x-mock-consent: deny` → access_denied; `accept` (or `consent: 'auto'`) logs the first user
 *   in and grants consent without pages; a live-like mock ignores the header, as Visma would;
 * - no session, `prompt=login`, or a sign-in older than `max_age` → the login page (`prompt=none`
 *   → login_required instead);
 * - a client that requires consent and has none for these scopes, or `prompt=consent` → the
 *   consent page (`prompt=none` → consent_required instead);
 * - the pages carry the authorize request back through `returnUrl`, as IdentityServer does;
 * - `session_state` is IdentityServer's salted hash of client, origin and session.
 */
export const SESSION_COOKIE = 'mock.idsrv.session'

/** A user ready for a code, or the response that sends them to a page (or back with an error). */
export type SessionOutcome =
  | { kind: 'ready'; session: SessionRecord; setCookie?: string }
  | { kind: 'interact'; response: Response }

export function readSession(ctx: ConnectContext, request: Request): SessionRecord | undefined {
  const cookie = request.headers.get('cookie')
  if (!cookie) return undefined
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === SESSION_COOKIE) return ctx.store.getSession(rest.join('='))
  }
  return undefined
}

export function sessionCookie(session: SessionRecord): string {
  return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`
}

/** is4-session-state: `Base64Url(SHA256(client_id + origin + sessionId + salt)) + "." + salt`. */
export function sessionState(clientId: string, redirectUri: string, sessionId: string): string {
  const salt = randomBytes(16).toString('hex')
  const origin = new URL(redirectUri).origin
  const hash = createHash('sha256')
    .update(clientId + origin + sessionId + salt)
    .digest('base64url')
  return `${hash}.${salt}`
}

/** The authorize request carried through login and consent, as IdentityServer's returnUrl does. */
export function callbackUrl(params: Params, drop: readonly string[] = ['prompt']): string {
  const q = new URLSearchParams(params.entries().filter(([k]) => !drop.includes(k)))
  return `/connect/authorize/callback?${q.toString()}`
}

/** Login and consent for a valid request: a session to issue the code under, or a page to show. */
export function establishSession(
  ctx: ConnectContext,
  request: Request,
  v: ValidAuthorizeRequest,
  origin: string,
): SessionOutcome {
  const decision = ctx.options.liveLike ? undefined : request.headers.get('x-mock-consent')?.toLowerCase()
  if (decision === 'deny') deliverError(ctx, v, origin, 'access_denied')

  let session = readSession(ctx, request)
  let setCookie: string | undefined
  const automatic = decision === 'accept' || ctx.options.consent === 'auto'
  // oidc-core §3.1.2.1: a sign-in older than max_age must be repeated, as prompt=login asks.
  const tooOld =
    session !== undefined && v.maxAge !== undefined && ctx.clock.now() > session.authTime + v.maxAge * 1000
  // duende-authorize-endpoint: select_account shows the login page as login does (the mock has
  // no account picker); advertised in discovery, it was validated and then ignored.
  const signInAgain = v.prompt.includes('login') || v.prompt.includes('select_account')
  if (automatic && (session === undefined || signInAgain || tooOld)) {
    const user = ctx.options.users[0]
    if (user === undefined) throw new Error('no user to log in automatically')
    session = ctx.store.createSession(user.subject, ctx.clock.now())
    setCookie = sessionCookie(session)
  }

  if (session === undefined || ((signInAgain || tooOld) && !automatic)) {
    // Deviation authorize.prompt-none-shows-login: the page oidc-core §3.1.2.1 forbids for prompt=none.
    if (v.prompt.includes('none') && !ctx.deviations.has('authorize.prompt-none-shows-login'))
      deliverError(ctx, v, origin, 'login_required')
    const location = `${origin}/account/login?returnUrl=${encodeURIComponent(callbackUrl(v.params))}`
    return { kind: 'interact', response: redirect(location) }
  }

  const consented = ctx.store.hasConsent(session.subject, v.client.clientId, v.scopes)
  if (automatic) {
    ctx.store.grantConsent(session.subject, v.client.clientId, v.scopes)
  } else if (v.client.requireConsent && (!consented || v.prompt.includes('consent'))) {
    if (v.prompt.includes('none')) deliverError(ctx, v, origin, 'consent_required')
    const location = `${origin}/consent?returnUrl=${encodeURIComponent(callbackUrl(v.params))}`
    return { kind: 'interact', response: redirect(location) }
  }
  return { kind: 'ready', session, ...(setCookie === undefined ? {} : { setCookie }) }
}

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })
}
