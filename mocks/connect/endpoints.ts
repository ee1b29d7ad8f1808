import type { RouteRequest } from '../routes.ts'
import { authenticateClient, parseBasic, secretsEqual } from './client-auth.ts'
import type { ConnectContext } from './context.ts'
import {
  BearerError,
  expiredToken,
  invalidClient,
  invalidRequest,
  NO_STORE_HEADERS,
  OAuthError,
  StatusError,
} from './errors.ts'
import { isFormContentType, type Params, readForm } from './form.ts'
import { bearerToken, verifyAccessToken } from './verify.ts'

/**
 * Userinfo (duende-userinfo-endpoint), revocation (visma-connect-token-revocation,
 * duende-revocation-endpoint; RFC 7009) and introspection (RFC 7662, duende-introspection-endpoint).
 */
export async function userinfo(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request } = req
  if (request.method !== 'GET' && request.method !== 'POST') throw new StatusError(405, 'method_not_allowed')
  // duende-userinfo-endpoint: the token follows the exact scheme `Bearer ` (an ordinal
  // StartsWith); `bearer …` finds no token there, though the Dinero API takes it.
  let token = bearerToken(request, { exactScheme: true })
  if (
    token === undefined &&
    request.method === 'POST' &&
    isFormContentType(request.headers.get('content-type'))
  ) {
    token = (await readForm(request)).get('access_token')
  }
  if (token === undefined) {
    // Deviation userinfo.no-challenge: a bare 401, no WWW-Authenticate (RFC 6750 §3 requires it).
    if (ctx.deviations.has('userinfo.no-challenge')) throw new StatusError(401, 'unauthorized')
    throw new BearerError('invalid_token')
  }
  const result = await verifyAccessToken(ctx, token)
  if (!result.ok && result.reason === 'expired') throw expiredToken()
  if (!result.ok || result.claims.sub === undefined) throw new BearerError('invalid_token')
  // Duende: userinfo needs the openid scope in the token → 403 insufficient_scope.
  if (!result.claims.scope.includes('openid')) throw new BearerError('insufficient_scope')
  const user = ctx.store.users.get(result.claims.sub)
  // oidc-core §5.3.2: sub is always returned (deviation userinfo.no-sub leaves it out).
  const body: Record<string, unknown> = ctx.deviations.has('userinfo.no-sub')
    ? {}
    : { sub: result.claims.sub }
  if (user && result.claims.scope.includes('profile')) body.name = user.name
  if (user && result.claims.scope.includes('email')) {
    body.email = user.email
    body.email_verified = true
  }
  // Who the user is stays out of shared caches (IdentityServer sets no-store on userinfo).
  return new Response(JSON.stringify(body), {
    headers: { 'content-type': 'application/json; charset=UTF-8', ...NO_STORE_HEADERS },
  })
}

export async function revocation(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request } = req
  if (request.method !== 'POST') throw new StatusError(405, 'method_not_allowed')
  if (!isFormContentType(request.headers.get('content-type')))
    throw new StatusError(415, 'unsupported_media_type')
  const params = await readForm(request)
  // duende-revocation-endpoint: any failed client validation, no credentials included, is
  // 400 invalid_client (the token endpoint's invalid_request for no client id does not apply here).
  const { client } = ctx.deviations.has('revocation.missing-client-invalid-request')
    ? authenticateClient(ctx, request, params)
    : authenticateOr(() => invalidClient(), ctx, request, params)
  const token = params.get('token')
  if (token === undefined || token.length === 0) throw invalidRequest()
  const hint = params.get('token_type_hint')
  if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') {
    // RFC 7009 §2.2.1: an unsupported hint is answered with unsupported_token_type.
    return new Response(JSON.stringify({ error: 'unsupported_token_type' }), {
      status: 400,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    })
  }
  const record = ctx.store.findRefresh(token)
  // Deviation revocation.unknown-token-error: an unknown token is an error (RFC 7009 §2.2 says 200).
  if (record === undefined && ctx.deviations.has('revocation.unknown-token-error')) throw invalidRequest()
  // RFC 7009 §2.2: 200 whether or not the token was known; only the owner's tokens are removed
  // (deviation revocation.no-op removes nothing).
  if (
    record !== undefined &&
    record.clientId === client.clientId &&
    !ctx.deviations.has('revocation.no-op')
  ) {
    ctx.store.removeRefresh(token)
    req.note({ revoked: 'refresh_token' })
  }
  // assumption: a self-contained JWT access token cannot be revoked (duende-revocation-endpoint
  // revokes reference tokens only).
  return new Response(null, { status: 200 })
}

/**
 * Introspection (RFC 7662; duende-introspection-endpoint): callers authenticate with Basic or the
 * form, like clients.
 * - the Dinero API resource (name `https://api.dinero.dk`, its own secret) learns about access
 *   tokens whose `aud` names it; a refresh token is inactive to it;
 * - a client learns about its own refresh tokens only ("refresh tokens can only be introspected by
 *   the client that requested them"); any access token, or another client's refresh token, is
 *   inactive to it;
 * - anyone else (no credentials, wrong secret, a client without a secret) gets 401 with no body.
 * assumption: open-visma-endpoint-details (Visma does not publish who may introspect); Duende's rule is
 * the stricter reading, and a client reading another client's tokens would leak them.
 */
export async function introspection(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request } = req
  if (request.method !== 'POST') throw new StatusError(405, 'method_not_allowed')
  if (!isFormContentType(request.headers.get('content-type')))
    throw new StatusError(415, 'unsupported_media_type')
  const params = await readForm(request)
  const caller = introspectionCaller(ctx, request, params)
  if (caller === undefined) throw new StatusError(401, 'unauthorized')
  const anyone = ctx.deviations.has('introspection.any-client')
  const token = params.get('token') ?? ''
  // RFC 7662 §2.1: token is REQUIRED (duende-introspection-endpoint: 400 missing_token); an
  // inactive answer hid a caller's lost parameter as a logged-out user.
  if (token === '') throw new OAuthError('missing_token')
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json; charset=UTF-8', ...NO_STORE_HEADERS },
    })
  const refresh = ctx.store.findRefresh(token)
  if (refresh !== undefined) {
    const mine = caller.kind === 'client' && caller.clientId === refresh.clientId
    const active = refresh.consumedAt === undefined && refresh.expiresAt > ctx.clock.now()
    if (!active || !(mine || anyone)) return json({ active: false })
    return json({
      active: true,
      client_id: refresh.clientId,
      sub: refresh.subject,
      scope: refresh.scopes.join(' '),
      exp: Math.floor(refresh.expiresAt / 1000),
      token_type: 'refresh_token',
    })
  }
  const result = token ? await verifyAccessToken(ctx, token) : undefined
  if (!result?.ok) return json({ active: false })
  const audiences = ([] as string[]).concat(result.claims.aud)
  const forThisApi = caller.kind === 'api' && audiences.includes(caller.name)
  if (!(forThisApi || anyone)) return json({ active: false })
  return json({
    active: true,
    ...result.claims,
    scope: result.claims.scope.join(' '),
    token_type: 'access_token',
  })
}

type IntrospectionCaller = { kind: 'api'; name: string } | { kind: 'client'; clientId: string }

function introspectionCaller(
  ctx: ConnectContext,
  request: Request,
  params: Params,
): IntrospectionCaller | undefined {
  const basic = parseBasic(request.headers.get('authorization'))
  const bodyId = params.get('client_id')
  const found =
    basic ?? (bodyId === undefined ? undefined : { clientId: bodyId, secret: params.get('client_secret') })
  if (found === undefined) return undefined
  const api = ctx.options.apiResource
  if (found.clientId === api.name)
    return found.secret !== undefined && secretsEqual(found.secret, api.secret)
      ? { kind: 'api', name: api.name }
      : undefined
  try {
    const { client, method } = authenticateClient(ctx, request, params)
    return method === 'none' ? undefined : { kind: 'client', clientId: client.clientId }
  } catch {
    return undefined
  }
}

function authenticateOr(
  error: () => OAuthError,
  ...args: Parameters<typeof authenticateClient>
): ReturnType<typeof authenticateClient> {
  try {
    return authenticateClient(...args)
  } catch (e) {
    if (e instanceof OAuthError) throw error()
    throw e
  }
}
