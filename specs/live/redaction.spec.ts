import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { HarnessError } from '../../scripts/errors.ts'
import { assertNoLeaks, REDACTED, redactFile, SecretSet, scanForLeaks } from '../../scripts/live/secrets.ts'
import { tempDir } from './support/process.ts'

/** The leak canary: a planted secret in any report file fails the run, naming the file, never the secret. */
const tmp = tempDir('redaction')
afterAll(() => tmp.cleanup())

const CANARY = 'canary-7F3A9C2E-refresh-token'

function secrets(): SecretSet {
  const s = new SecretSet()
  s.add('client secret with spaces/&+')
  s.addBasic('isv_client', 'client secret with spaces/&+')
  return s
}

describe('secret redaction and the leak scan', () => {
  it('a planted canary in a nested report file is caught: HARNESS_SECRET_LEAK names the file, not the secret', () => {
    const reports = join(tmp.dir, 'reports')
    mkdirSync(join(reports, 'allure'), { recursive: true })
    writeFileSync(join(reports, 'summary.md'), '| check | pass |\n')
    writeFileSync(join(reports, 'allure', 'result.json'), JSON.stringify({ body: `refresh_token=${CANARY}` }))
    const s = secrets()
    expect(scanForLeaks([reports], s)).toEqual([])
    // Tokens join the set as they appear during a run.
    s.add(CANARY)
    expect(scanForLeaks([reports], s)).toEqual([join(reports, 'allure', 'result.json')])
    let error: HarnessError | undefined
    try {
      assertNoLeaks([reports], s, tmp.dir)
    } catch (e) {
      error = e as HarnessError
    }
    expect(error?.code).toBe('HARNESS_SECRET_LEAK')
    expect(error?.message).toContain(join('reports', 'allure', 'result.json'))
    expect(error?.message).not.toContain(CANARY)
  })

  it('the wire forms of a secret (URL-encoded, form-encoded, JSON-escaped, inside a Basic header) are caught and redacted', () => {
    const s = secrets()
    const leaks = [
      'client_secret=client+secret+with+spaces%2F%26%2B',
      'client_secret=client%20secret%20with%20spaces%2F%26%2B',
      `{"secret":${JSON.stringify('client secret with spaces/&+')}}`,
      `Authorization: Basic ${Buffer.from('isv_client:client+secret+with+spaces%2F%26%2B').toString('base64')}`,
    ]
    leaks.forEach((text, i) => {
      const file = join(tmp.dir, `leak-${i}.txt`)
      writeFileSync(file, text)
      expect(scanForLeaks([file], s), text).toEqual([file])
      redactFile(file, s)
      expect(scanForLeaks([file], s)).toEqual([])
    })
    expect(s.redact('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig')).toBe(
      `Authorization: Bearer ${REDACTED}`,
    )
    expect(s.redact('Cookie: idsrv=abc; other=1')).toBe(`Cookie: ${REDACTED}`)
  })
})

/** An RS256 access token shaped like Visma's: header, ~400-character payload, 342-character signature. */
function accessToken(): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const header = b64({ alg: 'RS256', kid: '3F2A9C1B7E5D4A60', typ: 'at+JWT' })
  const payload = b64({
    iss: 'https://connect.visma.com',
    aud: 'https://api.dinero.dk',
    sub: 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff',
    client_id: 'isv_example',
    scope: ['dineropublicapi:read', 'dineropublicapi:write', 'offline_access'],
    exp: 1_767_225_600,
    iat: 1_767_222_000,
    jti: '9F3E1D2C4B5A69788796A5B4C3D2E1F0',
  })
  const signature = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 73 + 41) % 256)).toString(
    'base64url',
  )
  return `${header}.${payload}.${signature}`
}

/** Longest run of `secret`'s characters that appears in `text` (brute force: the spec's own yardstick). */
function longestFragment(text: string, secret: string): number {
  let best = 0
  for (let i = 0; i < secret.length; i++)
    for (let j = i + best + 1; j <= secret.length && text.includes(secret.slice(i, j)); j++) best = j - i
  return best
}

describe('redaction of secrets and their fragments, not of words', () => {
  it('a summary failure line with the first 200 characters of an access token is flagged by the leak scan and redacted to no fragment of 16+', () => {
    const jwt = accessToken()
    const s = new SecretSet()
    s.addTokenResponse({ access_token: jwt, refresh_token: 'f'.repeat(8) + 'R'.repeat(56) })
    const line = `- connect.token.success-response · 2. exchange the code: expected 401, got 200 {"access_token":"${jwt.slice(0, 200)}`
    const file = join(tmp.dir, 'summary.md')
    writeFileSync(file, `# Summary\n\n${line}\n`)
    expect(scanForLeaks([file], s)).toEqual([file])
    redactFile(file, s)
    const after = readFileSync(file, 'utf8')
    expect(after).toContain(`got 200 {"access_token":"${REDACTED}`)
    expect(longestFragment(after, jwt)).toBeLessThan(16)
    expect(scanForLeaks([file], s)).toEqual([])
  })

  it('each JWT segment on its own (header, payload, signature) is redacted', () => {
    const jwt = accessToken()
    const s = new SecretSet()
    s.add(jwt)
    for (const segment of jwt.split('.')) {
      expect(s.leaks(`x ${segment} y`)).toBe(true)
      expect(s.redact(`x ${segment} y`)).toBe(`x ${REDACTED} y`)
    }
  })

  it('any 16-character piece of a refresh token, code or client secret is redacted; a 15-character one is not a match', () => {
    const s = new SecretSet()
    const refresh = '8d1f0c3b7a9e4f62b5d8c1a0e7f3b9d24c6a8e0f1b3d5c7e9a2f4b6d8c0e1a3f'
    s.add(refresh)
    expect(s.redact(`tail ${refresh.slice(40, 56)} end`)).toBe(`tail ${REDACTED} end`)
    expect(s.redact(`tail ${refresh.slice(40, 55)} end`)).toBe(`tail ${refresh.slice(40, 55)} end`)
  })

  it('a set that grows from a few secrets to 3,000 (its bucket filter grows twice, 2^16 to 2^20 bits) still redacts the first and the last added, whole and as a 16-character piece', () => {
    const s = new SecretSet()
    const secret = (i: number) => `grown-${i.toString(16).padStart(6, '0')}-${'9a7c'.repeat(6)}-${i * 7919}`
    s.add(secret(0))
    expect(s.redact(`a ${secret(0)} b`)).toBe(`a ${REDACTED} b`)
    for (let i = 1; i < 3_000; i++) s.add(secret(i))
    for (const i of [0, 2_999]) {
      expect(s.redact(`a ${secret(i)} b`)).toBe(`a ${REDACTED} b`)
      expect(s.redact(`a ${secret(i).slice(2, 18)} b`)).toBe(`a ${REDACTED} b`)
    }
    expect(s.redact('a grown-ordinary words b')).toBe('a grown-ordinary words b')
  })

  it('a secret that starts inside another and runs on past its end is redacted to its last character (its last 1–4 characters were left: found by an adversarial pass)', () => {
    const s = new SecretSet()
    const first = 'abcdefghijklmnopqrst'
    s.add(first)
    for (const tail of ['V', 'VW', 'VWX', 'VWXY']) {
      const second = `${first.slice(8)}${tail}`
      s.add(second)
      expect(s.redact(`token=${first}${tail} end`)).toBe(`token=${REDACTED} end`)
    }
  })

  it('property: a fragment of 16+ characters of a secret, anywhere in any text, leaves no run of 16+ after redaction', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const secretArb = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 16, maxLength: 120 })
    fc.assert(
      fc.property(secretArb, fc.nat(), fc.nat(), fc.string(), fc.string(), (secret, a, b, before, after) => {
        const start = a % (secret.length - 15)
        const end = start + 16 + (b % (secret.length - start - 15))
        const s = new SecretSet()
        s.add(secret)
        const text = `${before}${secret.slice(start, end)}${after}`
        expect(s.leaks(text)).toBe(true)
        expect(longestFragment(s.redact(text), secret)).toBeLessThan(16)
      }),
      { numRuns: 300 },
    )
  })

  it('base64 and base64url encodings of a secret are caught, also inside a longer encoded blob at any byte offset', () => {
    const secret = 'client secret with spaces/&+'
    const s = new SecretSet()
    s.add(secret)
    for (const prefix of ['', 'x', 'xy', '{"client_secret":"'])
      for (const encoding of ['base64', 'base64url'] as const) {
        const blob = Buffer.from(`${prefix}${secret}", "more": 1}`).toString(encoding)
        expect(s.leaks(blob), `${encoding} after ${JSON.stringify(prefix)}`).toBe(true)
      }
  })

  it('ordinary prose stays as it is: "refresh with Basic credentials", "Bearer authentication", a cookie mentioned in a sentence', () => {
    const s = secrets()
    s.add('8d1f0c3b7a9e4f62b5d8c1a0e7f3b9d2')
    for (const text of [
      'connect.client-auth.basic · 1. refresh with Basic credentials',
      'RFC 6750 Bearer authentication is refused without a token',
      'Basic auth with an empty password',
      'the session cookie: none was set',
      'client credentials in the body (client_secret_post)',
    ])
      expect(s.redact(text)).toBe(text)
    // Credentials of a value it was never told about still go, by shape.
    const basic = Buffer.from('isv_other:another-secret').toString('base64')
    expect(s.redact(`Authorization: Basic ${basic}`)).toBe(`Authorization: Basic ${REDACTED}`)
  })
})
