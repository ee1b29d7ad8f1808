import { fingerprint } from '../../redact.ts'
import type { ConnectContext } from '../context.ts'
import { invalidGrant, invalidRequest, invalidScope } from '../errors.ts'
import type { RefreshHandle, RefreshPolicy, RefreshRecord } from '../model.ts'
import { issueTokenResponse, type TokenResponse } from '../tokens.ts'
import type { GrantInput } from './grant.ts'

/**
 * `grant_type=refresh_token` (duende-refresh-token-service, visma-connect-tokens; RFC 6749 §6, RFC 9700
 * §4.14.2):
 * - missing refresh_token → invalid_request; over 100 characters, unknown, another client's,
 *   expired, or the client lost offline access → invalid_grant;
 * - one-time usage rotates: the presented handle is marked consumed and a new one issued with
 *   the original CreationTime (absolute lifetime counts from the first grant);
 * - usage, grace and replay are the client's settings as they were when the grant was issued
 *   (dinero-grace-period: new settings apply only after the user authorises again);
 * - a consumed handle is accepted again only inside the grace window (Visma: 5–60 s); outside
 *   it, replay is refused with invalid_grant and, under `revoke-all`, every token of that
 *   client/user is revoked ("all access for the client/user combination is revoked", A6);
 * - reuse usage returns the same handle; sliding expiry extends, capped by the absolute lifetime;
 * - `scope` may narrow the grant (RFC 6749 §6), never widen it → invalid_scope.
 */
export async function refreshTokenGrant(ctx: ConnectContext, input: GrantInput): Promise<TokenResponse> {
  const { params, client, req } = input
  const presented = params.get('refresh_token')
  if (presented === undefined || presented.length === 0)
    throw ctx.deviations.has('refresh.missing-token-invalid-grant') ? invalidGrant() : invalidRequest()
  // A fingerprint, never the token: the grader follows one token through a run (scripts/grade).
  req.note({ refresh_token_fp: fingerprint(presented) })
  if (presented.length > 100) {
    // No handle the mock issues is this long: for the journal (and the grader) it is unknown.
    req.note({ refresh: 'unknown' })
    throw ctx.deviations.has('token.over-long-handle-invalid-request') ? invalidRequest() : invalidGrant()
  }
  const now = ctx.clock.now()
  const record = ctx.store.findRefresh(presented)
  if (record === undefined) {
    req.note({ refresh: 'unknown' })
    throw ctx.deviations.has('refresh.unknown-token-invalid-request') ? invalidRequest() : invalidGrant()
  }
  if (record.clientId !== client.clientId) throw invalidGrant()
  if (record.expiresAt <= now && !ctx.deviations.has('refresh.no-expiry')) {
    req.note({ refresh: 'expired' })
    throw invalidGrant()
  }
  if (!client.allowOfflineAccess) throw invalidGrant()

  // The policy captured when the grant was issued (dinero-grace-period: new settings apply only to
  // tokens issued after the user authorises again); `refresh.settings-retroactive` reads the client's now.
  const policy = ctx.deviations.has('refresh.settings-retroactive') ? client.refresh : record.policy
  if (record.consumedAt !== undefined && !ctx.deviations.has('refresh.accept-replay')) {
    const inGrace =
      policy.graceSeconds > 0 &&
      now - record.consumedAt <= policy.graceSeconds * 1000 &&
      !ctx.deviations.has('refresh.no-grace')
    if (!inGrace) {
      req.note({ refresh: 'replay' })
      if (policy.replay === 'revoke-all' && !ctx.deviations.has('refresh.replay-not-revoking')) {
        const revoked = ctx.store.revokeAll(record.clientId, record.subject)
        req.note({ revoked })
      }
      throw invalidGrant()
    }
    req.note({ refresh: 'grace' })
  }

  const scopes = narrowScopes(params.get('scope'), record.scopes)
  const handle = nextHandle(ctx, record, policy, now)
  req.note({ rotated: handle !== record.handle })
  return issueTokenResponse(ctx, {
    client,
    issuer: input.issuer,
    scopes,
    user: { subject: record.subject, sessionId: record.sessionId, authTime: record.authTime },
    refreshToken: handle,
    idToken: record.scopes.includes('openid'),
  })
}

function narrowScopes(requested: string | undefined, granted: string[]): string[] {
  if (requested === undefined || requested.trim() === '') return granted
  const list = requested.split(' ').filter(Boolean)
  if (!list.every((s) => granted.includes(s))) throw invalidScope()
  return list
}

function expiryAfterUse(record: RefreshRecord, policy: RefreshPolicy, now: number): number {
  const absoluteEnd =
    policy.absoluteLifetimeSeconds > 0
      ? record.creationTime + policy.absoluteLifetimeSeconds * 1000
      : Infinity
  if (policy.expiration === 'absolute') return absoluteEnd
  return Math.min(now + policy.slidingLifetimeSeconds * 1000, absoluteEnd)
}

function nextHandle(
  ctx: ConnectContext,
  record: RefreshRecord,
  policy: RefreshPolicy,
  now: number,
): RefreshHandle {
  const expiresAt = ctx.deviations.has('refresh.sliding-not-extended')
    ? record.expiresAt
    : expiryAfterUse(record, policy, now)
  const reuse = policy.usage === 'reuse' && !ctx.deviations.has('refresh.reuse-rotates')
  if (reuse || ctx.deviations.has('refresh.no-rotation')) {
    ctx.store.updateRefreshExpiry(record.handle, expiresAt)
    return record.handle
  }
  const successor = ctx.store.issueRefresh({
    clientId: record.clientId,
    subject: record.subject,
    sessionId: record.sessionId,
    authTime: record.authTime,
    scopes: record.scopes,
    ...(ctx.deviations.has('refresh.lifetime-restarts-on-rotation')
      ? { creationTime: now, expiresAt: expiryAfterUse({ ...record, creationTime: now }, policy, now) }
      : { creationTime: record.creationTime, expiresAt }),
    policy: record.policy,
  })
  ctx.store.markConsumed(record.handle, now, successor)
  return successor
}
