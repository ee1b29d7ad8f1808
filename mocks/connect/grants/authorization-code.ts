import { createHash } from 'node:crypto'
import type { ConnectContext } from '../context.ts'
import { invalidGrant, invalidRequest, unauthorizedClient } from '../errors.ts'
import { issueTokenResponse, type TokenResponse } from '../tokens.ts'
import type { GrantInput } from './grant.ts'

/**
 * `grant_type=authorization_code` in IdentityServer's order (duende-token-request-validator):
 * 1. code missing or over 100 characters → invalid_grant;
 * 2. unknown (never issued, already used, expired and purged) → invalid_grant;
 * 3. issued to another client → invalid_grant (the code survives: it is not that client's);
 * 4. the code is removed HERE, before every later check, so a failed redemption burns it;
 * 5. expired (300 s) → invalid_grant;
 * 6. redirect_uri missing → unauthorized_client; not byte-equal to the authorize value → invalid_grant;
 * 7. PKCE (RFC 7636 §4.6): verifier required when a challenge was sent or the client requires PKCE;
 *    missing, length outside 43–128 or mismatch → invalid_grant; a verifier with no challenge → invalid_grant.
 * A second use does not revoke tokens issued by the first (B4, "no revocation logic").
 */
export async function authorizationCodeGrant(ctx: ConnectContext, input: GrantInput): Promise<TokenResponse> {
  const { params, client, req } = input
  const code = params.get('code')
  if (code === undefined || code.length === 0) throw invalidGrant()
  if (code.length > 100)
    throw ctx.deviations.has('token.over-long-handle-invalid-request') ? invalidRequest() : invalidGrant()
  const record = ctx.store.findCode(code)
  if (record === undefined) {
    req.note({ code: 'unknown' })
    throw invalidGrant()
  }
  const foreign = record.clientId !== client.clientId
  if (foreign && ctx.deviations.has('code.other-client-burns')) ctx.store.takeCode(code)
  if (foreign && !ctx.deviations.has('code.any-client')) throw invalidGrant()
  if (!ctx.deviations.has('code.allow-reuse')) ctx.store.takeCode(code)

  if (record.expiresAt <= ctx.clock.now() && !ctx.deviations.has('code.no-expiry')) {
    req.note({ code: 'expired' })
    throw invalidGrant()
  }

  const redirectUri = params.get('redirect_uri')
  const ignoreRedirect = ctx.deviations.has('token.ignore-redirect-mismatch')
  if ((redirectUri === undefined || redirectUri.length === 0) && !ignoreRedirect) throw unauthorizedClient()
  req.note({ redirect_uri_matches: redirectUri === record.redirectUri })
  if (redirectUri !== undefined) req.note({ redirect_uri: redirectUri })
  if (redirectUri !== record.redirectUri && !ignoreRedirect) throw invalidGrant()

  const verifier = params.get('code_verifier')
  if (verifier !== undefined)
    req.note({
      code_verifier_length: verifier.length,
      // RFC 7636 §4.1: unreserved characters only.
      code_verifier_unreserved: /^[A-Za-z0-9\-._~]*$/.test(verifier),
    })
  if (!ctx.deviations.has('pkce.not-enforced')) {
    if (record.codeChallenge !== undefined || client.requirePkce) {
      const lengthOk =
        verifier !== undefined &&
        ((verifier.length >= 43 && verifier.length <= 128) ||
          ctx.deviations.has('pkce.verifier-length-unchecked'))
      if (verifier === undefined || !lengthOk) throw invalidGrant()
      const method = ctx.deviations.has('pkce.s256-treated-as-plain')
        ? 'plain'
        : ctx.deviations.has('pkce.plain-hashed') && record.codeChallengeMethod === 'plain'
          ? 'S256'
          : record.codeChallengeMethod
      if (record.codeChallenge === undefined || !pkceMatches(verifier, record.codeChallenge, method))
        throw invalidGrant()
    } else if (verifier !== undefined && !ctx.deviations.has('pkce.unexpected-verifier-ignored')) {
      // IdentityServer: "Unexpected code_verifier" when no challenge was part of the authorize request.
      throw invalidGrant()
    }
  }

  const user = { subject: record.subject, sessionId: record.sessionId, authTime: record.authTime }
  let refreshToken: string | undefined
  if (record.scopes.includes('offline_access') && client.allowOfflineAccess) {
    const now = ctx.clock.now()
    refreshToken = ctx.store.issueRefresh({
      clientId: client.clientId,
      subject: record.subject,
      sessionId: record.sessionId,
      authTime: record.authTime,
      scopes: record.scopes,
      creationTime: now,
      expiresAt: now + initialRefreshLifetimeMs(client.refresh),
      policy: { ...client.refresh },
    })
  }
  return issueTokenResponse(ctx, {
    client,
    issuer: input.issuer,
    scopes: record.scopes,
    user,
    ...(record.nonce === undefined || ctx.deviations.has('token.id-token-without-nonce')
      ? {}
      : { nonce: record.nonce }),
    ...(refreshToken === undefined ? {} : { refreshToken }),
  })
}

export function pkceMatches(
  verifier: string,
  challenge: string,
  method: 'plain' | 'S256' | undefined,
): boolean {
  if (!/^[A-Za-z0-9\-._~]+$/.test(verifier)) return false
  const computed =
    method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier
  return computed === challenge
}

export function initialRefreshLifetimeMs(
  policy: ConnectContext['options']['clients'][number]['refresh'],
): number {
  const seconds =
    policy.expiration === 'sliding'
      ? Math.min(policy.slidingLifetimeSeconds, policy.absoluteLifetimeSeconds || Number.POSITIVE_INFINITY)
      : policy.absoluteLifetimeSeconds
  return seconds * 1000
}
