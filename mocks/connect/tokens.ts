import { createHash, randomUUID } from 'node:crypto'
import { DINERO_AUDIENCE } from '../options.ts'
import type { ConnectContext } from './context.ts'
import { signRs256 } from './keys.ts'
import type { ClientConfig } from './model.ts'

/**
 * Access and identity tokens, shaped like the real Visma Connect ones (observed-visma-token-response,
 * visma-connect-access-token, visma-connect-id-token):
 * RS256 with `kid`, header `typ: at+JWT`, `aud: https://api.dinero.dk`, `scope` as a JSON array,
 * `client_id`, `sub`, `exp = iat + 3600`, and with a user `acr`, `llt`, `created_at`; `x5t` beside
 * `kid` in the header. The id_token (only with `openid`) carries `nonce` and
 * `at_hash` (oidc-core §3.1.3.6).
 */
export interface AccessTokenClaims {
  iss: string
  nbf: number
  iat: number
  exp: number
  aud: string
  scope: string[]
  client_id: string
  sub?: string
  auth_time?: number
  idp?: string
  amr?: string[]
  acr?: string
  llt?: number
  created_at?: number
  sid?: string
  jti: string
}

export interface TokenSubject {
  subject: string
  sessionId: string
  authTime: number
}

export interface IssueInput {
  client: ClientConfig
  issuer: string
  scopes: string[]
  user?: TokenSubject
  nonce?: string
  refreshToken?: string
  /**
   * Whether an id_token goes with the access token; by default when `scopes` has openid. A refresh
   * decides by the grant's scopes instead (duende-refresh-token-service: the refresh token's
   * authorized scopes), so narrowing the scope on refresh does not drop the id_token.
   */
  idToken?: boolean
}

export interface TokenResponse {
  id_token?: string
  access_token: string
  expires_in: number
  token_type: 'Bearer'
  refresh_token?: string
  scope: string
}

export async function issueTokenResponse(ctx: ConnectContext, input: IssueInput): Promise<TokenResponse> {
  // Numbered before the first await, in the same step that accepted the grant: a replay answered
  // while this token is being signed revokes it too (ConnectStore.revokeAll compares numbers).
  const jti = tokenId(ctx.store.nextTokenSeq())
  const key = await ctx.signingKey()
  const iat = ctx.clock.nowSeconds()
  const { client, issuer, scopes, user } = input
  const claims: AccessTokenClaims = {
    iss: issuer,
    nbf: iat,
    iat,
    exp: iat + client.accessTokenLifetimeSeconds,
    aud: DINERO_AUDIENCE,
    scope: scopes,
    client_id: client.clientId,
    jti,
  }
  if (user) {
    claims.sub = user.subject
    claims.auth_time = Math.floor(user.authTime / 1000)
    claims.idp = 'Visma Connect'
    claims.amr = ['pwd']
    Object.assign(claims, vismaUserClaims(ctx, user))
    claims.sid = user.sessionId
  }
  // observed-visma-token-response: `scope` is a JSON array in the token, a string in the response.
  const scopeClaim = ctx.deviations.has('token.scope-claim-string') ? { scope: scopes.join(' ') } : {}
  const accessToken = await signRs256(
    {
      alg: 'RS256',
      kid: ctx.deviations.has('jwks.stale-kid') ? `${key.kid}-STALE` : key.kid,
      x5t: key.x5t,
      typ: 'at+JWT',
    },
    { ...claims, ...scopeClaim },
    key.keyObject,
  )

  const response: TokenResponse = {
    access_token: accessToken,
    expires_in: client.accessTokenLifetimeSeconds,
    token_type: 'Bearer',
    scope: scopes.join(' '),
  }
  if (user && (input.idToken ?? scopes.includes('openid'))) {
    const idClaims: Record<string, unknown> = {
      iss: issuer,
      nbf: iat,
      iat,
      exp: iat + client.identityTokenLifetimeSeconds,
      aud: client.clientId,
      sub: user.subject,
      auth_time: Math.floor(user.authTime / 1000),
      idp: 'Visma Connect',
      amr: ['pwd'],
      ...vismaUserClaims(ctx, user),
      sid: user.sessionId,
      at_hash: leftHalfHash(accessToken),
    }
    if (input.nonce !== undefined) idClaims.nonce = input.nonce
    response.id_token = await signRs256(
      { alg: 'RS256', kid: key.kid, x5t: key.x5t, typ: 'JWT' },
      idClaims,
      key.keyObject,
    )
  }
  if (input.refreshToken !== undefined) response.refresh_token = input.refreshToken
  return response
}

/**
 * The claims Visma adds about the user (observed-visma-token-response; visma-connect-id-token lists
 * acr and llt for the id_token): `acr`, `llt` (the sign-in before this one) and `created_at` (when
 * the account was made). assumption: open-visma-token-claims — Visma defines neither the acr scale
 * nor llt; the observed token says acr "3" and an llt before auth_time, so the mock sends "3" and
 * the user's previous sign-in (this one's time on a first sign-in).
 */
function vismaUserClaims(
  ctx: ConnectContext,
  user: TokenSubject,
): { acr: string; llt: number; created_at?: number } {
  const previous = ctx.store.lastLoginBefore(user.subject, user.authTime) ?? user.authTime
  const createdAt = ctx.store.users.get(user.subject)?.createdAt
  return {
    acr: '3',
    llt: Math.floor(previous / 1000),
    ...(createdAt === undefined ? {} : { created_at: createdAt }),
  }
}

/** `jti`: 12 hex digits of the mock's issue sequence, then 20 random ones (see ConnectStore.nextTokenSeq). */
export function tokenId(seq: number): string {
  return `${seq.toString(16).padStart(12, '0')}${randomUUID().replace(/-/g, '').slice(0, 20)}`.toUpperCase()
}

export function tokenSeqOf(jti: string): number {
  return Number.parseInt(jti.slice(0, 12), 16)
}

/** oidc-core §3.1.3.6: base64url of the left half of SHA-256 of the ASCII token. */
export function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}
