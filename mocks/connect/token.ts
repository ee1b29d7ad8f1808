import { Answer, type RouteRequest } from '../routes.ts'
import { authenticateClient } from './client-auth.ts'
import type { ConnectContext } from './context.ts'
import { invalidRequest, NO_STORE_HEADERS, unauthorizedClient, unsupportedGrantType } from './errors.ts'
import {
  isFormContentType,
  isJsonContentType,
  type Params,
  readForm,
  readJsonAsParams,
  readMultipartAsParams,
  rejectDuplicates,
  toParams,
} from './form.ts'
import { authorizationCodeGrant } from './grants/authorization-code.ts'
import { clientCredentialsGrant } from './grants/client-credentials.ts'
import type { GrantHandler } from './grants/grant.ts'
import { refreshTokenGrant } from './grants/refresh-token.ts'
import type { GrantType } from './model.ts'
import type { TokenResponse } from './tokens.ts'

/**
 * `/connect/token` (duende-token-endpoint, is4-basic-secret-parser, duende-client-secret-validator,
 * duende-token-request-validator, duende-refresh-token-service, RFC 6749 §3.2, §4.1.3, §5):
 * - POST with `application/x-www-form-urlencoded` only; any other method or content type
 *   (JSON, multipart, none) → 400 `{"error":"invalid_request"}` with no-store headers;
 * - client authentication before the grant (client-auth.ts);
 * - grant dispatch through a Map, so `grant_type=constructor` reaches nothing →
 *   `unsupported_grant_type`; a grant the client may not use → `unauthorized_client`.
 */
// Keyed by the grant_type as sent, undefined (missing) included: a missing, empty, over-long or
// unknown grant_type is simply no key, so one lookup answers them all alike.
const grants = new Map<string | undefined, { type: GrantType; handle: GrantHandler }>([
  ['authorization_code', { type: 'authorization_code', handle: authorizationCodeGrant }],
  ['refresh_token', { type: 'refresh_token', handle: refreshTokenGrant }],
  ['client_credentials', { type: 'client_credentials', handle: clientCredentialsGrant }],
])

const PROTOCOL_PARAMS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'client_id',
  'client_secret',
  'scope',
]

export async function tokenEndpoint(ctx: ConnectContext, req: RouteRequest): Promise<Answer> {
  const { request } = req
  const contentType = request.headers.get('content-type')
  let params: Params
  const d = ctx.deviations
  // is4-form-content-type: the media type is compared case-insensitively, parameters allowed.
  const isForm =
    isFormContentType(contentType) &&
    !(
      d.has('token.form-media-type-case-sensitive') &&
      !/^application\/x-www-form-urlencoded\s*(;|$)/.test(contentType ?? '')
    )
  if ((request.method === 'POST' || d.has('token.accept-any-method')) && isForm) {
    params = await readForm(request)
    req.note({ body: 'form' })
  } else if (
    request.method === 'POST' &&
    isJsonContentType(contentType) &&
    ctx.deviations.has('token.accept-json-body')
  ) {
    params = await readJsonAsParams(request)
    req.note({ body: 'json' })
  } else if (
    request.method === 'POST' &&
    describeBody(contentType) === 'multipart/form-data' &&
    ctx.deviations.has('token.accept-multipart')
  ) {
    params = await readMultipartAsParams(request)
    req.note({ body: 'multipart' })
  } else if (
    request.method === 'POST' &&
    describeBody(contentType) === 'text/plain' &&
    d.has('token.accept-text-plain')
  ) {
    params = await readForm(request)
    req.note({ body: 'text-as-form' })
  } else if (request.method === 'GET' && ctx.deviations.has('token.accept-get')) {
    params = toParams(req.url.searchParams)
    req.note({ body: 'query' })
  } else {
    req.note({ body: request.method === 'POST' ? describeBody(contentType) : 'none' })
    throw invalidRequest()
  }
  rejectDuplicates(params, PROTOCOL_PARAMS)
  const grantType = params.get('grant_type')
  if (grantType !== undefined) req.note({ grant_type: grantType.slice(0, 40) })

  const { client, method } = authenticateClient(ctx, request, params)
  req.note({ client_id: client.clientId, client_auth: method })

  // duende-token-request-validator: a missing or over-long (over 100 characters) grant_type, or one
  // the server does not know, is unsupported_grant_type; none of them is a key of `grants`.
  const grant = grants.get(grantType)
  if (grant === undefined)
    throw d.has('token.unknown-grant-invalid-request') ? invalidRequest() : unsupportedGrantType()
  if (!client.allowedGrantTypes.includes(grant.type))
    throw d.has('token.grant-not-allowed-unsupported') ? unsupportedGrantType() : unauthorizedClient()

  const result = await grant.handle(ctx, { req, params, client, issuer: req.url.origin })
  return tokenSuccess(ctx, result)
}

function describeBody(contentType: string | null): string {
  if (contentType === null) return 'none'
  return contentType.split(';', 1)[0]?.trim().toLowerCase() || 'none'
}

/** duende-token-result, is4-response-headers: the success writer's field order and no-cache headers. */
export function tokenSuccess(ctx: ConnectContext, t: TokenResponse): Answer {
  // In the writer's order; JSON.stringify leaves out an id_token or refresh_token the grant did not issue.
  const body: Record<string, string | number | string[] | undefined> = {}
  body.id_token = t.id_token
  body.access_token = t.access_token
  body.expires_in = t.expires_in
  body.token_type = t.token_type
  body.refresh_token = t.refresh_token
  body.scope = ctx.deviations.has('token.scope-response-array') ? t.scope.split(' ') : t.scope
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' }
  if (!ctx.deviations.has('token.cacheable-response')) Object.assign(headers, NO_STORE_HEADERS)
  // An Answer: the served adapter writes it without a Fetch Response (routes.ts).
  return new Answer(200, headers, JSON.stringify(body))
}
