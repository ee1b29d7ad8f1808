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
})
