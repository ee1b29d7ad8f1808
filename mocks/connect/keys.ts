import { createHash } from 'node:crypto'
import { exportJWK, generateKeyPair } from 'jose'
import type { SigningKeyInput } from '../options.ts'

/**
 * The RS256 key the mock signs access and id tokens with, published at the JWKS endpoint.
 * open-visma-jwks: the real JWKS contents are unknown, so the mock publishes its own RSA key
 * with a `kid` in Visma's style (thumbprint hex + "RS256", as in the observed token header, A1).
 */
export interface SigningKey extends SigningKeyInput {
  jwks: { keys: JsonWebKey[] }
}

export async function generateSigningKey(): Promise<SigningKeyInput> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  const kid = `${createHash('sha1')
    .update(publicJwk.n ?? '')
    .digest('hex')
    .toUpperCase()}RS256`
  return { privateKey: privateKey as CryptoKey, publicJwk, kid }
}

export function toSigningKey(input: SigningKeyInput): SigningKey {
  return {
    ...input,
    jwks: { keys: [{ ...input.publicJwk, kid: input.kid, use: 'sig', alg: 'RS256' } as JsonWebKey] },
  }
}

/** The configured key, or one generated on first use and kept for the life of the mock. */
export function lazySigningKey(configured: SigningKeyInput | undefined): () => Promise<SigningKey> {
  let key: Promise<SigningKey> | undefined
  return () => {
    key ??= (configured ? Promise.resolve(configured) : generateSigningKey()).then(toSigningKey)
    return key
  }
}
