import { randomBytes } from 'node:crypto'
import { MockHttpError } from '../../errors.ts'
import type { ConnectContext } from '../context.ts'
import { StatusError } from '../errors.ts'
import { isFormContentType, type Params, readForm, toParams } from '../form.ts'
import type { ClientConfig, ResponseMode } from '../model.ts'
import { deliverUnvalidatedError } from './delivery.ts'

/**
 * What `/connect/authorize` accepts (duende-authorize-request-validator, visma-connect-web-apps; RFC 6749
 * §3.1, §4.1.1, §4.1.2.1; RFC 7636 §4.3):
 * - GET (query) or POST (form; other content type → 415); other methods → 405;
 * - validation in IdentityServer's order: client_id, client (known, allowed the code grant),
 *   redirect_uri (absolute, no fragment, registered — compared case-insensitively,
 *   is4-redirect-uri-validator), repeated
 *   parameters, response_type (unknown → unsupported_response_type), response_mode (unknown →
 *   unsupported_response_type; not allowed for the response type, e.g. `token` with `query` →
 *   invalid_request), the client's grant (a known type other than `code` → unauthorized_client), PKCE (challenge length 43–128, `plain` only if the client allows it), scope
 *   (allowed, offline_access only with offline access, identity scopes need openid),
 *   nonce/prompt/ui_locales, max_age (a whole number, 0 or more), login_hint (≤ 100 characters),
 *   acr_values (≤ 300 characters);
 * - every validation error goes to the mock's own error page `/home/error?errorId=…`, never to
 *   the client (RFC 6749 §4.1.2.1 for bad client/redirect_uri; IdentityServer does the same for
 *   all of them).
 */
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
/**
 * duende-authorize-request-validator: the code flow may answer in any mode; implicit and hybrid
 * responses carry tokens, so never in the query.
 */
function modesFor(responseType: string): ReadonlySet<ResponseMode> {
  return responseType === 'code' ? RESPONSE_MODES : new Set<ResponseMode>(['fragment', 'form_post'])
}

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
  /** Seconds since sign-in after which the user must sign in again (oidc-core §3.1.2.1). */
  maxAge?: number
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
  if (ctx.deviations.has('authorize.errors-to-client') && target !== undefined && isAbsoluteUri(target))
    deliverUnvalidatedError(target, params.get('state'), error, description)
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

  // oidc-core §6 and §3.1.2.6: the mock validates no request objects, and its discovery says
  // request_parameter_supported false, so one sent anyway is refused, not ignored. Ignored, an
  // app whose request object Visma Connect would reject (or read differently) passed here on the
  // outer parameters alone. assumption: stricter than Visma, which validates request objects
  // (open-connect-request-objects).
  if (params.get('request') !== undefined)
    fail(ctx, params, origin, 'request_not_supported', 'Request objects are not supported', known)
  if (params.get('request_uri') !== undefined)
    fail(ctx, params, origin, 'request_uri_not_supported', 'request_uri is not supported', known)

  const responseType = params.get('response_type')
  if (responseType === undefined || responseType.length === 0) {
    fail(ctx, params, origin, 'invalid_request', 'Missing response_type', known)
  }
  if (!RESPONSE_TYPES_KNOWN.has(responseType)) {
    fail(ctx, params, origin, 'unsupported_response_type', 'Response type not supported', known)
  }
  const grantNotAllowed = () =>
    fail(ctx, params, origin, 'unauthorized_client', 'Invalid grant type for client', known)
  // Deviation authorize.grant-before-response-mode: the old order, the grant checked first.
  if (responseType !== 'code' && ctx.deviations.has('authorize.grant-before-response-mode')) grantNotAllowed()

  // duende-authorize-request-validator: the response_mode is checked against the response type
  // before the client's grant types, so `token` with `query` is invalid_request, not unauthorized_client.
  let modeParam = params.get('response_mode')
  // Deviation authorize.unknown-response-mode-as-query: an unknown mode falls back to query.
  if (
    modeParam !== undefined &&
    !RESPONSE_MODES.has(modeParam as ResponseMode) &&
    ctx.deviations.has('authorize.unknown-response-mode-as-query')
  )
    modeParam = 'query'
  let responseMode: ResponseMode = 'query'
  if (modeParam !== undefined && modeParam.length > 0) {
    if (!RESPONSE_MODES.has(modeParam as ResponseMode)) {
      fail(ctx, params, origin, 'unsupported_response_type', 'Invalid response_mode', known)
    }
    if (!modesFor(responseType).has(modeParam as ResponseMode)) {
      fail(ctx, params, origin, 'invalid_request', 'Invalid response_mode for response_type', known)
    }
    responseMode = modeParam as ResponseMode
    if (responseMode === 'form_post' && ctx.deviations.has('authorize.form-post-as-query'))
      responseMode = 'query'
  }
  if (responseType !== 'code') grantNotAllowed()

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

  // duende-input-length-restrictions (deviation authorize.no-length-limits ignores them all).
  const limits = !ctx.deviations.has('authorize.no-length-limits')
  const scopeParam = params.get('scope')
  if (scopeParam === undefined || scopeParam.trim().length === 0 || (limits && scopeParam.length > 300)) {
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
  if (nonce !== undefined && limits && nonce.length > 300)
    fail(ctx, params, origin, 'invalid_request', 'Invalid nonce', known)
  const prompt = (params.get('prompt') ?? '').split(' ').filter(Boolean)
  if (prompt.includes('none') && prompt.length > 1)
    fail(ctx, params, origin, 'invalid_request', 'Invalid prompt', known)
  if (prompt.some((p) => !['none', 'login', 'consent', 'select_account'].includes(p))) {
    fail(ctx, params, origin, 'invalid_request', 'Unsupported prompt mode', known)
  }
  const uiLocales = params.get('ui_locales')
  if (uiLocales !== undefined && limits && uiLocales.length > 100)
    fail(ctx, params, origin, 'invalid_request', 'Invalid ui_locales', known)
  // duende-authorize-request-validator: max_age a whole number of seconds, 0 or more (oidc-core
  // §3.1.2.1); acr_values at most 300 characters (duende-input-length-restrictions).
  const maxAgeParam = params.get('max_age')
  let maxAge: number | undefined
  if (
    maxAgeParam !== undefined &&
    maxAgeParam.length > 0 &&
    !ctx.deviations.has('authorize.ignore-max-age')
  ) {
    if (!/^\d{1,9}$/.test(maxAgeParam)) fail(ctx, params, origin, 'invalid_request', 'Invalid max_age', known)
    maxAge = Number(maxAgeParam)
  }
  const loginHint = params.get('login_hint')
  if (loginHint !== undefined && limits && loginHint.length > 100)
    fail(ctx, params, origin, 'invalid_request', 'Invalid login_hint', known)
  const acrValues = params.get('acr_values')
  if (acrValues !== undefined && limits && acrValues.length > 300)
    fail(ctx, params, origin, 'invalid_request', 'Invalid acr_values', known)

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
    ...(maxAge === undefined ? {} : { maxAge }),
  }
}
