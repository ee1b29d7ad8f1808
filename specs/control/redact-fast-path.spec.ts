import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fingerprint, redactUrl, SECRET_NAMES } from '../../mocks/redact.ts'

/**
 * The journal keeps a plain query as sent instead of re-encoding it (a sixth of the served
 * mock's time under 16 KB URLs). It must give exactly what re-encoding gives, and never keep a
 * secret value: held against the full re-encoding over arbitrary queries.
 */
function reference(url: URL): string {
  if (!url.search) return url.pathname
  const q = new URLSearchParams()
  for (const [k, v] of url.searchParams) q.append(k, SECRET_NAMES.has(k.toLowerCase()) ? fingerprint(v) : v)
  return `${url.pathname}?${q.toString()}`
}

/** A value that names a secret parameter inside it (a URL or query in a parameter): redacted deeper, below. */
function nestsSecret(url: URL): boolean {
  const inner = new RegExp(`(?:^|[?&#;])(?:${[...SECRET_NAMES].join('|')})=`, 'i')
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v)
    } catch {
      return v
    }
  }
  return [...url.searchParams].some(
    ([k, v]) => !SECRET_NAMES.has(k.toLowerCase()) && (inner.test(v) || inner.test(decode(v))),
  )
}

const names = fc.oneof(
  fc.constantFrom(...SECRET_NAMES, 'CODE', 'Refresh_Token', 'state', 'scope', 'n', 'pad'),
  fc.stringMatching(/^[\w.*%+ -]{0,8}$/),
)
const values = fc.stringMatching(/^[\w.*%+=& -]{0,24}$/)
const query = fc
  .array(fc.tuple(names, values, fc.boolean()), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v, eq]) => (eq ? `${k}=${v}` : k)).join('&'))

describe('journal URL redaction', () => {
  it('keeps a plain query as sent only when re-encoding would give the same, secrets always fingerprinted', () => {
    fc.assert(
      fc.property(query, (q) => {
        const url = new URL(`http://mock.test/connect/token?${q}`)
        fc.pre(!nestsSecret(url))
        expect(redactUrl(url)).toBe(reference(url))
      }),
      { numRuns: 2_000 },
    )
  })

  it('a plain query with a secret-named parameter still has its value fingerprinted', () => {
    const url = new URL('http://mock.test/connect/authorize?state=s1&code=ABCDEF0123&n=1')
    expect(redactUrl(url)).toBe(
      `/connect/authorize?state=s1&code=${encodeURIComponent(fingerprint('ABCDEF0123'))}&n=1`,
    )
    expect(redactUrl(url)).not.toContain('ABCDEF0123')
  })

  it("a secret inside a URL inside a parameter is fingerprinted (the login page's returnUrl carries the whole authorize request), also when encoded twice; a value naming no secret is kept as sent", () => {
    const authorize =
      '/connect/authorize/callback?client_id=c1&client_secret=SEKRET-123456&code_verifier=VERIFIER-123456&id_token_hint=eyJhbGciOiJSUzI1NiJ9.e30.c2ln&state=s1'
    const once = new URL(`http://mock.test/account/login?returnUrl=${encodeURIComponent(authorize)}`)
    const twice = new URL(
      `http://mock.test/account/login?returnUrl=${encodeURIComponent(encodeURIComponent(authorize))}`,
    )
    for (const url of [once, twice]) {
      const redacted = redactUrl(url)
      for (const secret of ['SEKRET-123456', 'VERIFIER-123456', 'eyJhbGciOiJSUzI1NiJ9']) {
        expect(redacted).not.toContain(secret)
        expect(decodeURIComponent(decodeURIComponent(redacted))).not.toContain(secret)
      }
      expect(decodeURIComponent(redacted)).toContain('state=s1')
    }
    expect(decodeURIComponent(decodeURIComponent(redactUrl(once)))).toContain(
      `client_secret=${fingerprint('SEKRET-123456')}`,
    )
    const plain = new URL(
      `http://mock.test/account/login?returnUrl=${encodeURIComponent('/connect/authorize/callback?client_id=c1&state=s1')}`,
    )
    expect(redactUrl(plain)).toBe(`${plain.pathname}${plain.search}`)
  })

  it.each([
    ['before the query', 'code=SECRET-BEFORE-Q?x=1'],
    ['after a semicolon', '/cb;code=SECRET-SEMICOLON'],
    ['encoded three times', encodeURIComponent(encodeURIComponent('/cb?client_secret=SECRET-THRICE'))],
    ['in the fragment', '/cb?x=1#code=SECRET-FRAGMENT'],
  ])('a secret nested in a parameter %s is fingerprinted', (_where, nested) => {
    const secret = /SECRET-[A-Z-]+/.exec(nested)![0]
    let redacted = redactUrl(
      new URL(`http://mock.test/account/login?returnUrl=${encodeURIComponent(nested)}`),
    )
    for (let i = 0; i < 4; i++) redacted = decodeURIComponent(redacted)
    expect(redacted).not.toContain(secret)
  })

  it('id_token_hint is a secret name: an id token sent back at end session is fingerprinted', () => {
    const url = new URL(
      'http://mock.test/connect/endsession?id_token_hint=eyJhbGciOiJSUzI1NiJ9.e30.c2ln&state=s',
    )
    expect(redactUrl(url)).toBe(
      `/connect/endsession?id_token_hint=${encodeURIComponent(fingerprint('eyJhbGciOiJSUzI1NiJ9.e30.c2ln'))}&state=s`,
    )
  })
})
