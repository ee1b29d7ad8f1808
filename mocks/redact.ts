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
  // An id token sent back as a hint (end session, authorize): a signed statement of who signed in.
  'id_token_hint',
  'client_assertion',
])

/** `name=` of a secret parameter at the start of a query or after a separator, in any casing. */
const NESTED_SECRET = new RegExp(`(?:^|[?&#;])(?:${[...SECRET_NAMES].join('|')})=`, 'i')
/** How deep a URL inside a parameter inside a URL is opened before its whole value is fingerprinted. */
const NESTED_DEPTH = 3

/**
 * `text` with its percent-escapes decoded once, or as it is when an escape is malformed (`%E0%A4`,
 * a `%` at the end): `decodeURIComponent` throws on those. Used for a URL encoded twice here, and
 * for path segments in the route index (mocks/http/route-index.ts).
 */
export function decodeOnce(text: string): string {
  if (!text.includes('%')) return text
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * A parameter's value with secrets replaced. A value may itself be a URL or a query holding
 * secret parameters: the mock's authorize sends the browser to its login page with the whole
 * authorize request in `returnUrl` (duende-authorize-result), client_secret or code_verifier
 * included when a careless client put them there. Such a value is opened and its secret
 * parameters fingerprinted, depth by depth; a value with no secret name in it is kept as sent.
 */
function redactValue(name: string, value: string, depth = 0): string {
  if (SECRET_NAMES.has(name.toLowerCase())) return fingerprint(value)
  // Opened as it is, or decoded as often as it takes to show a secret name (encoded again and again).
  let text = value
  for (let i = 0; i < NESTED_DEPTH && !NESTED_SECRET.test(text); i++) {
    const next = decodeOnce(text)
    if (next === text) break
    text = next
  }
  if (!NESTED_SECRET.test(text)) return value
  if (depth >= NESTED_DEPTH) return fingerprint(value)
  const at = text.search(/[?#]/)
  const base = at < 0 ? '' : text.slice(0, at + 1)
  // A secret before the query (`code=…?x=1`, a path's `;code=…`) is out of the split's reach:
  // the whole value goes.
  if (NESTED_SECRET.test(base)) return fingerprint(value)
  const q = new URLSearchParams()
  // `;` separates parameters too (the secret-name test counts it), so it splits here as `&` does.
  for (const [k, v] of new URLSearchParams((at < 0 ? text : text.slice(at + 1)).replace(/;/g, '&')))
    q.append(k, redactValue(k, v, depth + 1))
  return `${base}${q.toString()}`
}

/** A stable, non-reversible stand-in for a secret value: `[redacted:1a2b3c4d]`. */
export function fingerprint(value: string): string {
  return `[redacted:${createHash('sha256').update(value).digest('hex').slice(0, 8)}]`
}

/** Copies a parameter list, replacing the values of secret names with fingerprints. */
export function redactParams(params: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  for (const [name, value] of params) out[name] = redactValue(name, value)
  return out
}

/**
 * A journal entry's details with the secrets inside their values replaced, as in a parameter
 * that holds a URL. By name nothing goes: a detail is a note about a parameter (`code:
 * 'expired'`), never its value. The token endpoint
 * notes the `redirect_uri` it was sent, and a client that posts back the callback URL it landed
 * on (`…/callback?code=…&state=…`, a common bug, or `#access_token=…`) put the code or the token
 * in the journal in the clear (found by an adversarial pass).
 */
export function redactDetails<V>(details: Record<string, V | string>): Record<string, V | string> {
  for (const [name, value] of Object.entries(details))
    if (typeof value === 'string') details[name] = redactValue('', value)
  return details
}

/**
 * A query of plain `name=value` pairs (no escapes, no `+`, no empty pairs) serialises back
 * unchanged, so when none of its names is secret it is kept as sent; re-encoding a 16 KB query
 * was a sixth of the served mock's time under long URLs.
 */
const PLAIN_QUERY = /^[\w.*-]+=[\w.*-]*(?:&[\w.*-]+=[\w.*-]*)*$/

/**
 * A path with any segment that carries a secret parameter (`…/userinfo&access_token=…`,
 * `;code=…`, `refresh_token=…`) fingerprinted whole: a misspelt or mangled path reaches the
 * journal too (the served adapter's 404s), and the secret was in it in the clear (adversarial pass).
 */
function redactPath(path: string): string {
  if (!pathHasSecret(path)) return path
  return path
    .split('/')
    .map((segment) => (pathHasSecret(segment) ? fingerprint(segment) : segment))
    .join('/')
}

/**
 * Whether a path (or one segment) holds a secret parameter, decoded as often as `redactValue`
 * decodes (`%2526access_token%253D`) and with a decoded `/` (`%2F`) a separator like any other
 * (both slipped past a single decode: adversarial pass).
 */
function pathHasSecret(path: string): boolean {
  let text = path
  for (let i = 0; ; i++) {
    if (NESTED_SECRET.test(`&${text.replace(/\//g, '&')}`)) return true
    const next = decodeOnce(text)
    if (next === text || i >= NESTED_DEPTH) return false
    text = next
  }
}

/** A URL's path plus its query with secret values replaced. */
export function redactUrl(url: URL): string {
  const pathname = redactPath(url.pathname)
  if (!url.search) return pathname
  const raw = url.search.slice(1)
  if (
    PLAIN_QUERY.test(raw) &&
    !raw.split('&').some((pair) => SECRET_NAMES.has(pair.slice(0, pair.indexOf('=')).toLowerCase()))
  )
    return `${pathname}?${raw}`
  const q = new URLSearchParams()
  for (const [k, v] of url.searchParams) q.append(k, redactValue(k, v))
  return `${pathname}?${q.toString()}`
}
