import { createHash } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, importJWK, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mocks/create-mock.ts'
import type { SigningKeyInput } from '../../mocks/options.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import { authorize, authorizeParams, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target, targetFor } from '../../scripts/targets/targets.ts'

/**
 * The mock's RS256 signing key as a client sees it over HTTP: the JWKS entry and the token
 * header. observed-visma-token-response: Visma's `kid` is a SHA-1 thumbprint in upper-case hex
 * followed by "RS256", and the header carries `x5t`; the mock's x5t is that thumbprint in
 * base64url (RFC 7515 §4.1.7), or, when a configured kid is not of that shape, the SHA-1 of the
 * key's `n` (open-visma-jwks: no certificate is published to take a thumbprint of).
 */
interface PublishedKey {
  kty: string
  n: string
  e: string
  kid: string
  x5t: string
  use: string
  alg: string
}

async function jwks(t: Target): Promise<{ keys: PublishedKey[] }> {
  const reply = await t.call('connect', '/.well-known/openid-configuration/jwks')
  expect(reply.status).toBe(200)
  return reply.json<{ keys: PublishedKey[] }>()
}

/** An id token from the code flow (auto consent). */
async function idToken(t: Target): Promise<string> {
  const result = await authorize(t, authorizeParams({ scope: 'openid dineropublicapi:read' }))
  const reply = await token(t, {
    grant_type: 'authorization_code',
    code: result.fields.code!,
    redirect_uri: REDIRECT_URI,
  })
  expect(reply.status).toBe(200)
  return reply.json<{ id_token: string }>().id_token
}

const sha1 = (text: string) => createHash('sha1').update(text).digest()

/** A target whose mock signs with the shared test key under another kid. */
async function withKid(kid: string): Promise<Target> {
  return startTarget('in-process', { signingKey: { ...(await sharedSigningKey()), kid } })
}

/** What the JWKS and an id token's header say of the key, with the target closed after. */
async function published(t: Target): Promise<{ key: PublishedKey; header: Record<string, unknown> }> {
  try {
    const { keys } = await jwks(t)
    expect(keys).toHaveLength(1)
    return { key: keys[0]!, header: decodeProtectedHeader(await idToken(t)) }
  } finally {
    await t.close()
  }
}

describe('signing key: generated when none is configured', () => {
  it('kid = upper-case hex SHA-1 of the JWK n member, then RS256; x5t = base64url of those 20 bytes; the token header says the same', async () => {
    const { key, header } = await published(await targetFor('in-process', createMock()))
    const thumbprint = sha1(key.n)
    expect(key.kid).toBe(`${thumbprint.toString('hex').toUpperCase()}RS256`)
    expect(key.kid).toMatch(/^[0-9A-F]{40}RS256$/)
    expect(key.x5t).toBe(thumbprint.toString('base64url'))
    expect(Buffer.from(key.x5t, 'base64url')).toHaveLength(20)
    expect(key).toMatchObject({ kty: 'RSA', e: 'AQAB', use: 'sig', alg: 'RS256' })
    expect(header).toEqual({ alg: 'RS256', kid: key.kid, x5t: key.x5t, typ: 'JWT' })
  })

  it('tokens verify against the JWKS the mock publishes', async () => {
    const t = await targetFor('in-process', createMock())
    try {
      const set = createLocalJWKSet((await jwks(t)) as unknown as Parameters<typeof createLocalJWKSet>[0])
      const { protectedHeader } = await jwtVerify(await idToken(t), set, { algorithms: ['RS256'] })
      expect(protectedHeader.alg).toBe('RS256')
    } finally {
      await t.close()
    }
  })

  it('the generated private key is extractable: exported into a second mock, that mock signs tokens the first JWKS verifies', async () => {
    const first = createMock()
    const t = await targetFor('in-process', first)
    let published: { keys: PublishedKey[] }
    let input: SigningKeyInput
    try {
      published = await jwks(t)
      const generated = await first.signingKey()
      expect(generated.privateKey.extractable).toBe(true)
      const exported = await exportJWK(generated.privateKey)
      expect(exported.d).toEqual(expect.any(String))
      const privateKey = (await importJWK(exported, 'RS256')) as CryptoKey
      input = { privateKey, publicJwk: generated.publicJwk, kid: generated.kid }
    } finally {
      await t.close()
    }
    const second = await startTarget('in-process', { signingKey: input })
    try {
      const set = createLocalJWKSet(published as unknown as Parameters<typeof createLocalJWKSet>[0])
      const { protectedHeader } = await jwtVerify(await idToken(second), set, { algorithms: ['RS256'] })
      expect(protectedHeader.kid).toBe(published.keys[0]!.kid)
    } finally {
      await second.close()
    }
  })
})

describe('signing key: a configured one', () => {
  it('a kid that does not start with 40 hex digits is published as given; x5t = base64url SHA-1 of n', async () => {
    const { key, header } = await published(await withKid('conformance-key-1'))
    expect(key.kid).toBe('conformance-key-1')
    expect(key.x5t).toBe(sha1(key.n).toString('base64url'))
    expect(header).toMatchObject({ kid: 'conformance-key-1', x5t: key.x5t })
  })

  it('40 hex digits after a prefix are no thumbprint: x5t = base64url SHA-1 of n', async () => {
    const hex = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01'
    const { key, header } = await published(await withKid(`key-${hex}`))
    expect(key.x5t).toBe(sha1(key.n).toString('base64url'))
    expect(key.x5t).not.toBe(Buffer.from(hex, 'hex').toString('base64url'))
    expect(header.x5t).toBe(key.x5t)
  })

  it('a kid that starts with 40 hex digits (either case) names the thumbprint: x5t = base64url of those 20 bytes, not SHA-1 of n', async () => {
    const hex = '00112233445566778899aabbccddeeff00112233'
    const { key, header } = await published(await withKid(`${hex}RS256`))
    const expected = Buffer.from(hex, 'hex').toString('base64url')
    expect(expected).toBe('ABEiM0RVZneImaq7zN3u_wARIjM')
    expect(key.kid).toBe(`${hex}RS256`)
    expect(key.x5t).toBe(expected)
    expect(key.x5t).not.toBe(sha1(key.n).toString('base64url'))
    expect(header).toMatchObject({ kid: `${hex}RS256`, x5t: expected })
  })
})
