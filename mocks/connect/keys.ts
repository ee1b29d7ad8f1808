import { createHash, KeyObject, sign } from 'node:crypto'
import { exportJWK, generateKeyPair } from 'jose'
import type { SigningKeyInput } from '../options.ts'

/**
 * The RS256 key the mock signs access and id tokens with, published at the JWKS endpoint.
 * open-visma-jwks: the real JWKS contents are unknown, so the mock publishes its own RSA key
 * with a `kid` in Visma's style (thumbprint hex + "RS256", as in the observed token header, A1).
 */
export interface SigningKey extends SigningKeyInput {
  /**
   * observed-visma-token-response: Visma's token header carries `x5t`, and its `kid` is the same
   * SHA-1 thumbprint in hex followed by "RS256"; here x5t is the kid's thumbprint in base64url.
   * assumption: open-visma-jwks — no certificate is published with the key, so x5t names a
   * thumbprint an app should match, not verify.
   */
  x5t: string
  jwks: { keys: JsonWebKey[] }
  /** `privateKey` as node:crypto holds it, for `signRs256`. */
  keyObject: KeyObject
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
  const hex = /^[0-9A-F]{40}/i.exec(input.kid)?.[0]
  const x5t = (
    hex === undefined
      ? createHash('sha1')
          .update(input.publicJwk.n ?? '')
          .digest()
      : Buffer.from(hex, 'hex')
  ).toString('base64url')
  return {
    ...input,
    keyObject: KeyObject.from(input.privateKey),
    x5t,
    jwks: { keys: [{ ...input.publicJwk, kid: input.kid, x5t, use: 'sig', alg: 'RS256' } as JsonWebKey] },
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

/**
 * A compact JWS, RS256 (RFC 7515 §7.1, RFC 7518 §3.3): base64url of the header's and the
 * payload's JSON, then of the RSASSA-PKCS1-v1_5 SHA-256 signature over them, the bytes jose's
 * `SignJWT` makes for the same header and claims. node:crypto's `sign` with a callback runs on
 * libuv's threadpool like WebCrypto's, without WebCrypto's and jose's per-call work on the main
 * thread (key checks, algorithm normalisation, the job hand-off): 67–71 µs of main-thread time a
 * signature instead of 88–110, and 5–10 % less CPU in all (docs/BENCH.md).
 */
export function signRs256(header: object, payload: object, key: KeyObject): Promise<string> {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), key, (error, signature) => {
      if (error === null) resolve(`${input}.${signature.toString('base64url')}`)
      else reject(error)
    })
  })
}

const base64url = (text: string) => Buffer.from(text).toString('base64url')
