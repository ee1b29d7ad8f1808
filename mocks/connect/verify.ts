import { importJWK, jwtVerify } from 'jose'
import { DINERO_AUDIENCE } from '../options.ts'
import type { ConnectContext } from './context.ts'
import { type AccessTokenClaims, tokenSeqOf } from './tokens.ts'

/**
 * Verifies an access token the way a resource server does (RFC 9068 §4): RS256 signature by
 * this mock's key, `typ: at+JWT`, `aud` = the Dinero API, `exp`/`nbf` on the mock clock — plus
 * the grant still standing (not revoked by replay detection, a withdrawn consent or a reset).
 */
export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: string }

const publicKeys = new WeakMap<object, Promise<CryptoKey | Uint8Array>>()
/**
 * Tokens whose signature, typ and audience already verified, per mock key. The RS256 check is
 * most of the cost of a Dinero request (measured: ~37 %); expiry and revocation are still
 * checked on every use, against the mock clock and the store.
 */
const verified = new WeakMap<object, Map<string, AccessTokenClaims>>()
const VERIFIED_LIMIT = 10_000

/** Whether the grant behind verified claims was revoked (replay detection, a withdrawn consent) or the mock reset since. */
export function isRevokedToken(ctx: ConnectContext, claims: AccessTokenClaims): boolean {
  return ctx.store.isRevoked(claims.client_id, claims.sub, tokenSeqOf(String(claims.jti)))
}

function standing(ctx: ConnectContext, claims: AccessTokenClaims): VerifyResult {
  const now = ctx.clock.nowSeconds()
  // jose's rules with no tolerance: expired once now >= exp; not yet valid while now < nbf.
  if (now >= claims.exp || ctx.store.isExpired(claims.client_id, tokenSeqOf(String(claims.jti)), claims.exp))
    return { ok: false, reason: 'expired' }
  if (now < claims.nbf) return { ok: false, reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }
  if (isRevokedToken(ctx, claims)) return { ok: false, reason: 'revoked' }
  return { ok: true, claims }
}

export async function verifyAccessToken(ctx: ConnectContext, token: string): Promise<VerifyResult> {
  const key = await ctx.signingKey()
  let cache = verified.get(key)
  if (cache === undefined) {
    cache = new Map()
    verified.set(key, cache)
  }
  const known = cache.get(token)
  if (known !== undefined) return standing(ctx, known)
  let pub = publicKeys.get(key)
  if (pub === undefined) {
    pub = importJWK({ ...key.publicJwk, alg: 'RS256' }, 'RS256')
    publicKeys.set(key, pub)
  }
  try {
    const { payload } = await jwtVerify(token, await pub, {
      algorithms: ['RS256'],
      typ: 'at+jwt',
      audience: DINERO_AUDIENCE,
      currentDate: new Date(ctx.clock.now()),
      clockTolerance: 0,
    })
    const claims = payload as unknown as AccessTokenClaims
    // token.scope-claim-string makes only the issued claim wrong: the mock's own APIs still read it.
    const scope: unknown = claims.scope
    if (typeof scope === 'string' && ctx.deviations.has('token.scope-claim-string'))
      claims.scope = scope.split(' ')
    if (!Array.isArray(claims.scope) || typeof claims.client_id !== 'string')
      return { ok: false, reason: 'malformed' }
    if (cache.size >= VERIFIED_LIMIT) cache.clear()
    cache.set(token, claims)
    return standing(ctx, claims)
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'invalid'
    return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'expired' : code }
  }
}

/**
 * The bearer token of an `Authorization: Bearer …` header (RFC 6750 §2.1), or undefined. The
 * scheme is case-insensitive (RFC 9110 §11.1, as ASP.NET's JwtBearer reads it) unless
 * `exactScheme`: IdentityServer's own endpoints look for `Bearer ` exactly.
 */
export function bearerToken(request: Request, options: { exactScheme?: boolean } = {}): string | undefined {
  const h = request.headers.get('authorization')
  if (h === null) return undefined
  const m = (options.exactScheme ? EXACT_BEARER : BEARER).exec(h)
  return m?.[1]
}
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i
const EXACT_BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/
