import type { RouteRequest } from '../routes.ts'
import { authenticateClient } from './client-auth.ts'
import type { ConnectContext } from './context.ts'
import { BearerError, invalidRequest, StatusError } from './errors.ts'
import { isFormContentType, readForm } from './form.ts'
import { bearerToken, verifyAccessToken } from './verify.ts'

/**
 * Userinfo (duende-userinfo-endpoint), revocation (visma-connect-token-revocation,
 * duende-revocation-endpoint; RFC 7009) and introspection (RFC 7662).
 */
export async function userinfo(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request } = req
  if (request.method !== 'GET' && request.method !== 'POST') throw new StatusError(405, 'method_not_allowed')
  let token = bearerToken(request)
  if (
    token === undefined &&
    request.method === 'POST' &&
    isFormContentType(request.headers.get('content-type'))
  ) {
    token = (await readForm(request)).get('access_token')
  }
  if (token === undefined) throw new BearerError('invalid_token')
  const result = await verifyAccessToken(ctx, token)
  if (!result.ok || result.claims.sub === undefined) throw new BearerError('invalid_token')
  // Duende: userinfo needs the openid scope in the token → 403 insufficient_scope.
  if (!result.claims.scope.includes('openid')) throw new BearerError('insufficient_scope')
  const user = ctx.store.users.get(result.claims.sub)
  const body: Record<string, unknown> = { sub: result.claims.sub }
  if (user && result.claims.scope.includes('profile')) body.name = user.name
  if (user && result.claims.scope.includes('email')) {
    body.email = user.email
    body.email_verified = true
  }
  return new Response(JSON.stringify(body), {
    headers: { 'content-type': 'application/json; charset=UTF-8' },
  })
}

export async function revocation(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request } = req
  if (request.method !== 'POST') throw new StatusError(405, 'method_not_allowed')
  if (!isFormContentType(request.headers.get('content-type')))
    throw new StatusError(415, 'unsupported_media_type')
  const params = await readForm(request)
  const { client } = authenticateClient(ctx, request, params)
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
  // RFC 7009 §2.2: 200 whether or not the token was known; only the owner's tokens are removed.
  if (record !== undefined && record.clientId === client.clientId) {
    ctx.store.removeRefresh(token)
    req.note({ revoked: 'refresh_token' })
  }
  // assumption: a self-contained JWT access token cannot be revoked (duende-revocation-endpoint
  // revokes reference tokens only).
  return new Response(null, { status: 200 })
}

export async function introspection(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const { request } = req
  if (request.method !== 'POST') throw new StatusError(405, 'method_not_allowed')
  if (!isFormContentType(request.headers.get('content-type')))
    throw new StatusError(415, 'unsupported_media_type')
  const params = await readForm(request)
  // assumption: open-visma-endpoint-details (who may introspect is not published); any registered client may
  // ask.
  authenticateClient(ctx, request, params)
  const token = params.get('token') ?? ''
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=UTF-8' } })
  const refresh = ctx.store.findRefresh(token)
  if (refresh !== undefined) {
    const active = refresh.consumedAt === undefined && refresh.expiresAt > ctx.clock.now()
    if (!active) return json({ active: false })
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
  return json({
    active: true,
    ...result.claims,
    scope: result.claims.scope.join(' '),
    token_type: 'access_token',
  })
}
