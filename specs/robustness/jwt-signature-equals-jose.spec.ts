import fc from 'fast-check'
import { createLocalJWKSet, decodeProtectedHeader, errors, importJWK, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { signRs256, toSigningKey } from '../../mocks/connect/keys.ts'
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../mocks/options.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import { codeFlow, refresh } from '../../scripts/targets/oauth.ts'
import { startTarget } from '../../scripts/targets/targets.ts'

/**
 * Access and id tokens are signed with node:crypto (mocks/connect/keys.ts `signRs256`) instead of
 * jose's `SignJWT`. RS256 (RSASSA-PKCS1-v1_5, RFC 7518 §3.3) is deterministic, so the same header
 * and claims must give the very same compact JWS as `SignJWT` did, whatever the claims hold
 * (unicode, lone surrogates, `undefined` members, a very long nonce), and verify against the JWKS.
 */
const ODD_VALUES: unknown[] = [
  'plain',
  'ærøå ÆØÅ',
  '😀 \u{1F9D1}\u200D\u{1F4BB}',
  '\ud800 lone surrogate',
  '</script>&"\'\\',
  '\u0000\u001f\u2028\u2029',
  'n'.repeat(20_000),
  undefined,
  null,
  0,
  -1.5e300,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  ['a', undefined, 'ø'],
  { nested: { deeper: ['x', 1, null] }, skipped: undefined },
  '',
]

describe('JWT signing: node:crypto signRs256 gives the bytes jose SignJWT gave', () => {
  it('200 random headers and claim sets (unicode, undefined members, a 20 000-character nonce): signRs256 equals SignJWT byte for byte and verifies against the JWKS', async () => {
    const key = toSigningKey(await sharedSigningKey())
    const jwks = createLocalJWKSet(key.jwks as Parameters<typeof createLocalJWKSet>[0])
    const odd = fc.constantFrom(...ODD_VALUES)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('JWT', 'at+JWT'),
        odd,
        odd,
        // Not the time claims: jwtVerify refuses a non-numeric iat, exp or nbf (RFC 7519 §4.1.4–6),
        // which would fail the verification this property makes of the signature (seed -521018066).
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['iat', 'exp', 'nbf'].includes(k)),
          odd,
          { maxKeys: 4 },
        ),
        async (typ, sub, nonce, extra) => {
          const header = { alg: 'RS256', kid: key.kid, x5t: key.x5t, typ }
          const claims: Record<string, unknown> = { ...extra, iss: 'https://connect.visma.com', sub, nonce }
          const ours = await signRs256(header, claims, key.keyObject)
          const jose = await new SignJWT(claims as never).setProtectedHeader(header).sign(key.privateKey)
          expect(ours).toBe(jose)
          const { payload } = await jwtVerify(ours, jwks)
          expect(payload).toEqual(JSON.parse(JSON.stringify(claims)))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('with jwks.stale-kid the access token names a kid the JWKS lacks (verification fails with no matching key) yet its signature is the published key’s', async () => {
    const target = await startTarget('in-process', { deviations: ['jwks.stale-kid'] })
    try {
      const tokens = await codeFlow(target, { scope: 'openid dineropublicapi:read offline_access' })
      const key = toSigningKey(await sharedSigningKey())
      expect(decodeProtectedHeader(tokens.access_token).kid).toBe(`${key.kid}-STALE`)
      const jwks = createLocalJWKSet(
        (await target.call('connect', '/.well-known/openid-configuration/jwks')).json() as never,
      )
      await expect(jwtVerify(tokens.access_token, jwks)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey)
      await expect(
        jwtVerify(tokens.access_token, await importJWK({ ...key.publicJwk, alg: 'RS256' })),
      ).resolves.toBeDefined()
      // The id token keeps the published kid.
      await expect(jwtVerify(tokens.id_token!, jwks, { audience: DEFAULT_CLIENT_ID })).resolves.toBeDefined()
      const rotated = await refresh(target, tokens.refresh_token!, {
        kind: 'post',
        clientId: DEFAULT_CLIENT_ID,
        secret: DEFAULT_CLIENT_SECRET,
      })
      expect(rotated.status).toBe(200)
      expect(decodeProtectedHeader(String(rotated.json().access_token)).kid).toBe(`${key.kid}-STALE`)
    } finally {
      await target.close()
    }
  })
})
