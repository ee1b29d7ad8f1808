import { fingerprint } from '../redact.ts'
import type { RouteRequest } from '../routes.ts'
import { deliver, deliverError } from './authorize/delivery.ts'
import { establishSession, sessionState } from './authorize/session.ts'
import { readAuthorizeParams, validateAuthorize } from './authorize/validation.ts'
import type { ConnectContext } from './context.ts'

/**
 * `/connect/authorize` and `/connect/authorize/callback` (duende-authorize-endpoint,
 * duende-authorize-request-validator, duende-authorize-result; RFC 6749 §4.1.1–4.1.2.1):
 * - the request is validated first (authorize/validation.ts): every validation error goes to the
 *   mock's own error page, never to the client;
 * - then login and consent (authorize/session.ts): a page, or a session to issue the code under;
 * - a code bound to client, redirect_uri, scopes, nonce and PKCE challenge, single use, with the
 *   client's lifetime; success delivers `code`, `state` (echoed byte for byte), `session_state`
 *   (openid only), `iss` (RFC 9207) by form_post, query or fragment (authorize/delivery.ts);
 * - only safe errors (access_denied, login_required, consent_required, temporarily_unavailable)
 *   are delivered to the redirect_uri.
 */
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

  // An injected fault: the IdP is briefly unavailable (a safe error, delivered to the client,
  // duende-authorize-result).
  if (ctx.faults?.take('authorize', 'temporarily-unavailable'))
    deliverError(ctx, v, origin, 'temporarily_unavailable')

  const outcome = establishSession(ctx, request, v, origin)
  if (outcome.kind === 'interact') return outcome.response
  const { session, setCookie } = outcome

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
  // duende-authorize-response-order: code, then state, session_state (openid only), iss.
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
