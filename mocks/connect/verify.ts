import { importJWK, jwtVerify } from 'jose'
import { DINERO_AUDIENCE } from '../options.ts'
import type { ConnectContext } from './context.ts'
import { type AccessTokenClaims, tokenSeqOf } from './tokens.ts'

/**
 * Verifies an access token the way a resource server does (RFC 9068 §4): RS256 signature by
 * this mock's key, `typ: at+JWT`, `aud` = the Dinero API, `exp`/`nbf` on the mock clock — plus
 * the grant still standing (not revoked by replay detection or a withdrawn consent).
 */
export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: string }

const publicKeys = new WeakMap<object, Promise<CryptoKey | Uint8Array>>()

export async function verifyAccessToken(ctx: ConnectContext, token: string): Promise<VerifyResult> {
  const key = await ctx.signingKey()
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
    if (!Array.isArray(claims.scope) || typeof claims.client_id !== 'string')
      return { ok: false, reason: 'malformed' }
    if (
      claims.sub !== undefined &&
      ctx.store.isRevoked(claims.client_id, claims.sub, tokenSeqOf(String(claims.jti)))
    ) {
      return { ok: false, reason: 'revoked' }
    }
    return { ok: true, claims }
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'invalid'
    return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'expired' : code }
  }
}

/** The bearer token of an `Authorization: Bearer …` header (RFC 6750 §2.1), or undefined. */
export function bearerToken(request: Request): string | undefined {
  const h = request.headers.get('authorization')
  if (h === null) return undefined
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(h)
  return m?.[1]
}
