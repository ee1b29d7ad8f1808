import { createHash } from 'node:crypto'

/**
 * Names of parameters and headers whose values are secrets: client secrets, codes, tokens,
 * PKCE verifiers, passwords, Basic/Bearer credentials, cookies. Their values never reach the
 * journal or a report; a short fingerprint takes their place so two values can still be
 * compared (was the same refresh token presented twice?) without revealing either.
 */
export const SECRET_NAMES: ReadonlySet<string> = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'password',
  'authorization',
  'cookie',
  'set-cookie',
  'session_state',
])

/** A stable, non-reversible stand-in for a secret value: `[redacted:1a2b3c4d]`. */
export function fingerprint(value: string): string {
  return `[redacted:${createHash('sha256').update(value).digest('hex').slice(0, 8)}]`
}

/** Copies a parameter list, replacing the values of secret names with fingerprints. */
export function redactParams(params: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  for (const [name, value] of params) {
    out[name] = SECRET_NAMES.has(name.toLowerCase()) ? fingerprint(value) : value
  }
  return out
}

/**
 * A query of plain `name=value` pairs (no escapes, no `+`, no empty pairs) serialises back
 * unchanged, so when none of its names is secret it is kept as sent; re-encoding a 16 KB query
 * was a sixth of the served mock's time under long URLs.
 */
const PLAIN_QUERY = /^[\w.*-]+=[\w.*-]*(?:&[\w.*-]+=[\w.*-]*)*$/

/** A URL's path plus its query with secret values replaced. */
export function redactUrl(url: URL): string {
  if (!url.search) return url.pathname
  const raw = url.search.slice(1)
  if (
    PLAIN_QUERY.test(raw) &&
    !raw.split('&').some((pair) => SECRET_NAMES.has(pair.slice(0, pair.indexOf('=')).toLowerCase()))
  )
    return `${url.pathname}?${raw}`
  const q = new URLSearchParams()
  for (const [k, v] of url.searchParams) q.append(k, SECRET_NAMES.has(k.toLowerCase()) ? fingerprint(v) : v)
  return `${url.pathname}?${q.toString()}`
}
