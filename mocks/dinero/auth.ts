import { decodeJwt } from 'jose'
import type { AccessTokenClaims } from '../connect/tokens.ts'
import { bearerToken, isRevokedToken, verifyAccessToken } from '../connect/verify.ts'
import { DEFAULT_USER, DINERO_SCOPES } from '../options.ts'
import type { RouteRequest } from '../routes.ts'
import type { DineroContext } from './context.ts'
import { CODES, DineroError } from './errors.ts'
import type { Organisation } from './store.ts'

/**
 * The gate in front of every Dinero operation, in this order:
 * 1. Bearer access token (dinero-api-docs) verified like a resource server (connect/verify.ts):
 *    missing, malformed, badly signed, expired or revoked → 401 code 41.
 * 2. Scope (dinero-openapi: `dineropublicapi:read` "Access read operations", `:write` "Access write
 *    operations"): GET needs read, POST/PUT/DELETE need write → 403 code 41.
 * 3. Organisation in the path: not a number or not existing → 404 code 40; existing but not one
 *    of the user's → 403 code 41 (dinero-api-errors: "403 no access").
 * 4. Pro (dinero-api-docs, dinero-api-errors): an organisation without Pro → 403 code 90 on everything except
 *    the
 *    organisation lists.
 * 5. Rate limit (dinero-api-errors): `rateLimitPerMinute` (100) requests per organisation in any 60 s
 *    on the mock clock → 429 code 43, no Retry-After unless `retryAfter` is set; only requests
 *    that passed 1–4 count.
 * Deviations: dinero.anonymous-access, dinero.no-token-expiry, dinero.ignore-scopes,
 * dinero.skip-pro-check, dinero.no-rate-limit switch off one step each.
 */

export interface Caller {
  claims: AccessTokenClaims
  /** The user the token stands for (`sub`). */
  subject: string
}

// assumption: open-dinero-401-body (neither the real 401 body nor its WWW-Authenticate is published).
// The header follows RFC 6750 §3.1 as ASP.NET's JwtBearer writes it (no error code when no
// token was sent; `invalid_token` otherwise); the body is a Dinero error with code 41.
function unauthorized(message: string, error: boolean): DineroError {
  return new DineroError(401, CODES.Unauthorized, message, {
    headers: { 'www-authenticate': error ? 'Bearer error="invalid_token"' : 'Bearer' },
  })
}

export async function authenticate(ctx: DineroContext, req: RouteRequest): Promise<Caller> {
  const token = bearerToken(req.request)
  if (token === undefined) {
    if (ctx.deviations.has('dinero.anonymous-access')) {
      const subject = ctx.connect.options.users[0]?.subject ?? DEFAULT_USER.subject
      const now = ctx.clock.nowSeconds()
      const claims: AccessTokenClaims = {
        iss: ctx.connect.options.connectOrigin,
        nbf: now,
        iat: now,
        exp: now + 3600,
        aud: 'https://api.dinero.dk',
        scope: [...DINERO_SCOPES],
        client_id: 'anonymous',
        sub: subject,
        jti: 'anonymous',
      }
      return { claims, subject }
    }
    throw unauthorized('Authorization has been denied for this request.', false)
  }
  const result = await verifyAccessToken(ctx.connect, token)
  let claims: AccessTokenClaims
  // 'expired' is answered only for a token whose signature verified (jose checks it before the
  // claims), so the deviation reads the claims as they are — but a revoked grant stays revoked.
  const expired =
    !result.ok && result.reason === 'expired' && ctx.deviations.has('dinero.no-token-expiry')
      ? (decodeJwt(token) as unknown as AccessTokenClaims)
      : undefined
  if (result.ok) claims = result.claims
  else if (expired !== undefined && !isRevokedToken(ctx.connect, expired)) claims = expired
  else {
    req.note({ tokenRejected: result.reason })
    throw unauthorized(
      result.reason === 'expired' ? 'The access token has expired' : 'The access token is invalid',
      true,
    )
  }
  if (claims.sub === undefined) {
    // A client-credentials token names no user, so it reaches no organisation.
    throw new DineroError(403, CODES.Unauthorized, 'The access token does not represent a user')
  }
  return { claims, subject: claims.sub }
}

export function requireScope(ctx: DineroContext, caller: Caller, method: string): void {
  if (ctx.deviations.has('dinero.ignore-scopes')) return
  const needed = method === 'GET' || method === 'HEAD' ? 'dineropublicapi:read' : 'dineropublicapi:write'
  if (caller.claims.scope.includes(needed)) return
  throw new DineroError(403, CODES.Unauthorized, `The access token lacks the scope ${needed}`, {
    headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${needed}"` },
  })
}

export function resolveOrganisation(
  ctx: DineroContext,
  caller: Caller,
  raw: string | undefined,
): Organisation {
  const id = raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined
  const org = id === undefined ? undefined : ctx.store.organisation(id)
  if (org === undefined) throw new DineroError(404, CODES.NotFound, 'Organization was not found')
  // dinero-api-errors allows 403 or 404 here; 403 code 41 ("no access") is what the status table describes.
  if (!ctx.store.canAccess(caller.subject, org.Id))
    throw new DineroError(403, CODES.Unauthorized, 'You do not have access to this organization')
  if (!org.IsPro && !ctx.deviations.has('dinero.skip-pro-check')) {
    throw new DineroError(
      403,
      CODES.NoPro,
      'The organization does not have an active Dinero Pro subscription, which is required to use the API',
    )
  }
  return org
}

/**
 * dinero-api-errors: 429 with code 43 and the documented sentence, which says to "wait a minute and
 * continue". assumption: open-dinero-429-headers — no Retry-After or X-RateLimit-* header was seen
 * on the real 429, so none is sent unless asked for (`retryAfter`, a rehearsal aid): a mock that
 * always sent one would let an app that only ever waits for the header pass here and spin live.
 */
export function rateLimitMessage(limit: number): string {
  return `You have exceeded the maximum amount of ${limit} requests a minute pr. organization, wait a minute and continue`
}

export function countRequest(ctx: DineroContext, org: Organisation): void {
  if (ctx.deviations.has('dinero.no-rate-limit')) return
  const verdict = ctx.store.hit(org.Id, ctx.options.rateLimitPerMinute)
  if (verdict.ok) return
  const header = ctx.options.retryAfter || ctx.deviations.has('dinero.rate-limit-retry-after')
  throw new DineroError(429, CODES.LimitExceeded, rateLimitMessage(ctx.options.rateLimitPerMinute), {
    // RFC 9110 §10.2.3: the seconds until the sliding window has room again.
    ...(header ? { headers: { 'retry-after': String(verdict.retryAfterSeconds) } } : {}),
  })
}
