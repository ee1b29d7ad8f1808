import { createHash, randomBytes } from 'node:crypto'
import { MockHttpError } from '../errors.ts'
import { fingerprint } from '../redact.ts'
import type { RouteRequest } from '../routes.ts'
import type { ConnectContext } from './context.ts'
import { StatusError } from './errors.ts'
import { isFormContentType, type Params, readForm, toParams } from './form.ts'
import type { ClientConfig, ResponseMode, SessionRecord } from './model.ts'
import { FORM_POST_CSP, formPostPage, htmlResponse } from './pages.ts'

/**
 * `/connect/authorize` and `/connect/authorize/callback` (REFERENCE A3, B7, B8; RFC 6749 §4.1.1–4.1.2.1):
 * - GET (query) or POST (form; other content type → 415); other methods → 405;
 * - validation in IdentityServer's order: client, redirect_uri (registered list compared
 *   case-insensitively), response_type, response_mode, PKCE, scope, nonce/prompt/ui_locales;
 * - every validation error goes to the mock's own error page `/home/error?errorId=…`, never to
 *   the client (RFC 6749 §4.1.2.1 for bad client/redirect_uri; IdentityServer does the same for
 *   all of them); only safe errors (access_denied, login_required, consent_required,
 *   temporarily_unavailable) are delivered to the redirect_uri;
 * - success delivers `code`, `state` (echoed byte for byte), `session_state` (openid only), `iss`
 *   (RFC 9207) by form_post, query or fragment.
 */
export const SESSION_COOKIE = 'mock.idsrv.session'
const IDENTITY_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone'])
const RESPONSE_TYPES_KNOWN = new Set([
  'code',
  'token',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
])
const RESPONSE_MODES = new Set<ResponseMode>(['query', 'fragment', 'form_post'])

export interface ValidAuthorizeRequest {
  client: ClientConfig
  redirectUri: string
  responseMode: ResponseMode
  scopes: string[]
  state?: string
  nonce?: string
  codeChallenge?: string
  codeChallengeMethod?: 'plain' | 'S256'
  prompt: string[]
  params: Params
}

/** A validation failure: shown on the IdP error page, never sent to the client. */
export class AuthorizeErrorPage extends MockHttpError {
  constructor(
    readonly code: string,
    readonly location: string,
  ) {
    super(code)
  }
  toResponse(): Response {
    return new Response(null, {
      status: 302,
      headers: { location: this.location, 'cache-control': 'no-store' },
    })
  }
}

/** A safe error or a success, delivered to the client's redirect_uri in its response mode. */
export class AuthorizeDelivery extends MockHttpError {
  constructor(
    readonly code: string,
    private readonly response: Response,
  ) {
    super(code)
  }
  toResponse(): Response {
    return this.response
  }
}

export async function readAuthorizeParams(request: Request, url: URL): Promise<Params> {
  if (request.method === 'GET') return toParams(url.searchParams)
  if (request.method === 'POST') {
    if (!isFormContentType(request.headers.get('content-type')))
      throw new StatusError(415, 'unsupported_media_type')
    return readForm(request)
  }
  throw new StatusError(405, 'method_not_allowed', { allow: 'GET, POST' })
}

function fail(
  ctx: ConnectContext,
  params: Params,
  origin: string,
  error: string,
  description: string,
  extra: { clientId?: string; redirectUri?: string } = {},
): never {
  const target = params.get('redirect_uri')
  if (ctx.deviations.has('authorize.errors-to-client') && target !== undefined && isAbsoluteUri(target)) {
    const q = new URLSearchParams({ error, error_description: description })
    const state = params.get('state')
    if (state !== undefined) q.set('state', state)
    const location = `${target}${target.includes('?') ? '&' : '?'}${q}`
    throw new AuthorizeDelivery(error, new Response(null, { status: 302, headers: { location } }))
  }
  const requestId = randomBytes(8).toString('hex')
  const errorId = ctx.store.recordError(
    { error, errorDescription: description, requestId, ...extra },
    ctx.clock.now(),
  )
  throw new AuthorizeErrorPage(error, `${origin}/home/error?errorId=${errorId}`)
}

function isAbsoluteUri(value: string): boolean {
  try {
    const u = new URL(value)
    return u.protocol.length > 1 && !value.includes('#')
  } catch {
    return false
  }
}

export function validateAuthorize(
  ctx: ConnectContext,
  params: Params,
  origin: string,
): ValidAuthorizeRequest {
  const repeated = params.duplicates.filter((d) =>
    [
      'client_id',
      'redirect_uri',
      'response_type',
      'response_mode',
      'scope',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
    ].includes(d),
  )
  const clientId = params.get('client_id')
  if (clientId === undefined || clientId.length === 0 || clientId.length > 100) {
    fail(ctx, params, origin, 'invalid_request', 'Invalid client_id')
  }
  const client = ctx.store.clients.get(clientId)
  if (client === undefined || !client.allowedGrantTypes.includes('authorization_code')) {
    fail(ctx, params, origin, 'unauthorized_client', 'Unknown client or client not enabled', { clientId })
  }

  const redirectUri = params.get('redirect_uri')
  if (
    redirectUri === undefined ||
    redirectUri.length === 0 ||
    redirectUri.length > 400 ||
    !isAbsoluteUri(redirectUri)
  ) {
    fail(ctx, params, origin, 'invalid_request', 'Invalid redirect_uri', { clientId })
  }
  const registered = client.redirectUris.some((u) => u.toLowerCase() === redirectUri.toLowerCase())
  if (!registered && !ctx.deviations.has('authorize.redirect-unregistered-uri')) {
    fail(ctx, params, origin, 'invalid_request', 'Invalid redirect_uri', { clientId })
  }
  const known = { clientId, redirectUri }
  if (repeated.length > 0) {
    // RFC 6749 §3.1: parameters sent more than once are an invalid request.
    fail(
      ctx,
      params,
      origin,
      'invalid_request',
      `Parameter included more than once: ${repeated.join(', ')}`,
      known,
    )
  }

  const responseType = params.get('response_type')
  if (responseType === undefined || responseType.length === 0) {
    fail(ctx, params, origin, 'invalid_request', 'Missing response_type', known)
  }
  if (responseType !== 'code') {
    if (RESPONSE_TYPES_KNOWN.has(responseType)) {
      fail(ctx, params, origin, 'unauthorized_client', 'Invalid grant type for client', known)
    }
    fail(ctx, params, origin, 'unsupported_response_type', 'Response type not supported', known)
  }

  const modeParam = params.get('response_mode')
  let responseMode: ResponseMode = 'query'
  if (modeParam !== undefined && modeParam.length > 0) {
    if (!RESPONSE_MODES.has(modeParam as ResponseMode)) {
      fail(ctx, params, origin, 'unsupported_response_type', 'Invalid response_mode', known)
    }
    responseMode = modeParam as ResponseMode
    if (responseMode === 'form_post' && ctx.deviations.has('authorize.form-post-as-query'))
      responseMode = 'query'
  }

  const challenge = params.get('code_challenge')
  let method: 'plain' | 'S256' | undefined
  if (challenge === undefined || challenge.length === 0) {
    if (client.requirePkce && !ctx.deviations.has('pkce.not-enforced')) {
      fail(ctx, params, origin, 'invalid_request', 'code challenge required', known)
    }
  } else {
    if (challenge.length < 43 || challenge.length > 128) {
      fail(ctx, params, origin, 'invalid_request', 'Invalid code_challenge', known)
    }
    const m = params.get('code_challenge_method') || 'plain'
    if (m !== 'plain' && m !== 'S256')
      fail(ctx, params, origin, 'invalid_request', 'Transform algorithm not supported', known)
    if (m === 'plain' && !client.allowPlainTextPkce && !ctx.deviations.has('pkce.allow-plain')) {
      fail(ctx, params, origin, 'invalid_request', 'Transform algorithm not supported', known)
    }
    method = m
  }

  const scopeParam = params.get('scope')
  if (scopeParam === undefined || scopeParam.trim().length === 0 || scopeParam.length > 300) {
    fail(ctx, params, origin, 'invalid_request', 'Invalid scope', known)
  }
  const scopes = [...new Set(scopeParam.split(' ').filter(Boolean))]
  const notAllowed = scopes.some(
    (s) => !client.allowedScopes.includes(s) || (s === 'offline_access' && !client.allowOfflineAccess),
  )
  if (notAllowed) fail(ctx, params, origin, 'invalid_scope', 'Invalid scope', known)
  if (scopes.some((s) => IDENTITY_SCOPES.has(s)) && !scopes.includes('openid')) {
    fail(
      ctx,
      params,
      origin,
      'invalid_scope',
      'Identity scopes requested, but openid scope is missing',
      known,
    )
  }

  const nonce = params.get('nonce')
  if (nonce !== undefined && nonce.length > 300)
    fail(ctx, params, origin, 'invalid_request', 'Invalid nonce', known)
  const prompt = (params.get('prompt') ?? '').split(' ').filter(Boolean)
  if (prompt.includes('none') && prompt.length > 1)
    fail(ctx, params, origin, 'invalid_request', 'Invalid prompt', known)
  if (prompt.some((p) => !['none', 'login', 'consent', 'select_account'].includes(p))) {
    fail(ctx, params, origin, 'invalid_request', 'Unsupported prompt mode', known)
  }
  const uiLocales = params.get('ui_locales')
  if (uiLocales !== undefined && uiLocales.length > 100)
    fail(ctx, params, origin, 'invalid_request', 'Invalid ui_locales', known)

  const state = params.get('state')
  return {
    client,
    redirectUri,
    responseMode,
    scopes,
    prompt,
    params,
    ...(state === undefined ? {} : { state }),
    ...(nonce === undefined ? {} : { nonce }),
    ...(challenge === undefined || challenge.length === 0 ? {} : { codeChallenge: challenge }),
    ...(method === undefined ? {} : { codeChallengeMethod: method }),
  }
}

/** RFC 6749 §4.1.2 / OAuth 2.0 Form Post Response Mode / RFC 9207: deliver fields to the client. */
export function deliver(ctx: ConnectContext, v: ValidAuthorizeRequest, fields: [string, string][]): Response {
  const out: [string, string][] = fields.map(([k, val]) =>
    k === 'state' && ctx.deviations.has('authorize.alter-state') ? [k, `${val}~altered`] : [k, val],
  )
  if (v.responseMode === 'form_post') {
    return htmlResponse(formPostPage(v.redirectUri, out), 200, {
      'content-security-policy': FORM_POST_CSP,
      'referrer-policy': 'no-referrer',
    })
  }
  const encoded = new URLSearchParams(out).toString()
  const location =
    v.responseMode === 'fragment'
      ? `${v.redirectUri}#${encoded}`
      : `${v.redirectUri}${v.redirectUri.includes('?') ? '&' : '?'}${encoded}`
  return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })
}

/** A safe error sent to the client (REFERENCE B7 list), with state and iss. */
export function deliverError(
  ctx: ConnectContext,
  v: ValidAuthorizeRequest,
  issuer: string,
  error: string,
): never {
  const fields: [string, string][] = [['error', error]]
  if (v.state !== undefined) fields.push(['state', v.state])
  fields.push(['iss', issuer])
  throw new AuthorizeDelivery(error, deliver(ctx, v, fields))
}

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

/** REFERENCE B8: `Base64Url(SHA256(client_id + origin + sessionId + salt)) + "." + salt`. */
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

export async function authorizeEndpoint(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request, url } = req
  const origin = url.origin
  const params = await readAuthorizeParams(request, url)
  const v = validateAuthorize(ctx, params, origin)
  req.note({
    client_id: v.client.clientId,
    response_mode: v.responseMode,
    has_state: v.state !== undefined,
    has_nonce: v.nonce !== undefined,
    pkce: v.codeChallengeMethod ?? 'none',
    scopes: v.scopes.join(' '),
    // For the client grader (scripts/grade): the exact redirect_uri, and state only as a
    // fingerprint and a length, so two authorizations can be compared without revealing it.
    redirect_uri: v.redirectUri,
    ...(v.state === undefined ? {} : { state_fp: fingerprint(v.state), state_length: v.state.length }),
  })

  // An injected fault: the IdP is briefly unavailable (a safe error, delivered to the client, REFERENCE B7).
  if (ctx.faults?.take('authorize', 'temporarily-unavailable'))
    deliverError(ctx, v, origin, 'temporarily_unavailable')

  const decision = request.headers.get('x-mock-consent')?.toLowerCase()
  if (decision === 'deny') deliverError(ctx, v, origin, 'access_denied')

  let session = readSession(ctx, request)
  let setCookie: string | undefined
  const automatic = decision === 'accept' || ctx.options.consent === 'auto'
  if (automatic && (session === undefined || v.prompt.includes('login'))) {
    const user = ctx.options.users[0]
    if (user === undefined) throw new Error('no user to log in automatically')
    session = ctx.store.createSession(user.subject, ctx.clock.now())
    setCookie = sessionCookie(session)
  }

  if (session === undefined || (v.prompt.includes('login') && !automatic)) {
    if (v.prompt.includes('none')) deliverError(ctx, v, origin, 'login_required')
    const location = `${origin}/account/login?returnUrl=${encodeURIComponent(callbackUrl(params))}`
    return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })
  }

  const consented = ctx.store.hasConsent(session.subject, v.client.clientId, v.scopes)
  if (automatic) {
    ctx.store.grantConsent(session.subject, v.client.clientId, v.scopes)
  } else if (v.client.requireConsent && (!consented || v.prompt.includes('consent'))) {
    if (v.prompt.includes('none')) deliverError(ctx, v, origin, 'consent_required')
    const location = `${origin}/consent?returnUrl=${encodeURIComponent(callbackUrl(params))}`
    return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })
  }

  const now = ctx.clock.now()
  const code = ctx.store.issueCode({
    clientId: v.client.clientId,
    subject: session.subject,
    sessionId: session.id,
    authTime: session.authTime,
    scopes: v.scopes,
    redirectUri: v.redirectUri,
    createdAt: now,
    expiresAt: now + v.client.authorizationCodeLifetimeSeconds * 1000,
    ...(v.nonce === undefined ? {} : { nonce: v.nonce }),
    ...(v.codeChallenge === undefined ? {} : { codeChallenge: v.codeChallenge }),
    ...(v.codeChallengeMethod === undefined ? {} : { codeChallengeMethod: v.codeChallengeMethod }),
  })
  // REFERENCE B8 order: code, then state, session_state (openid only), iss.
  const fields: [string, string][] = [['code', code]]
  if (v.state !== undefined) fields.push(['state', v.state])
  if (v.scopes.includes('openid'))
    fields.push(['session_state', sessionState(v.client.clientId, v.redirectUri, session.id)])
  fields.push(['iss', origin])
  req.note({ outcome: 'code' })
  const response = deliver(ctx, v, fields)
  if (setCookie !== undefined) response.headers.append('set-cookie', setCookie)
  return response
}
