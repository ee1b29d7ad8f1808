/**
 * The shape of one answer: what a check or a client relies on, never a value that could name
 * the person or hold a secret.
 * - status;
 * - the headers checks and clients read: content type, Cache-Control and Pragma (RFC 6749 §5.1),
 *   WWW-Authenticate (scheme, parameter names, the `error` code: RFC 6750 §3), Retry-After
 *   (which form: RFC 9110 §10.2.3), X-RateLimit-* (names and value types), Location (origin and
 *   path only, the run's own origins and ids replaced by placeholders);
 * - the JSON structure: key names with their casing, value types, string lengths and array
 *   lengths in buckets; the values of error codes (`error`, `code`: RFC 6749 §5.2 and the
 *   Dinero error body) when they look like codes, nothing else.
 */

/** Array lengths as clients care about them: none, one, a page, more than a page. */
export type ArrayBucket = '0' | '1' | '2–10' | '>10'
/** String lengths, coarse enough that a token's length says nothing about it. */
export type StringBucket = '0' | '1–16' | '17–64' | '65–512' | '>512'

export type ValueShape =
  | { type: 'string'; length: StringBucket }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'null' }
  | { type: 'array'; length: ArrayBucket; items?: ValueShape }
  | { type: 'object'; keys: Record<string, ValueShape> }

export type BodyShape =
  | { kind: 'empty' }
  | { kind: 'json'; value: ValueShape }
  | { kind: 'html' }
  | { kind: 'text'; length: StringBucket }

export interface Shape {
  status: number
  /** Lower-cased header name → its scrubbed form. */
  headers: Record<string, string>
  body: BodyShape
  /** JSON path (`$.error`, `$.validationErrors[].code`) → the error code found there. */
  codes: Record<string, string | number>
}

/** What an answer looked like on the wire (a Newman exchange or an engine reply). */
export interface Answer {
  status: number
  headers: Record<string, string> | Headers
  text: string
}

/** The run's own addresses: each appears in a Location header as a placeholder, never as itself. */
export interface Placeholders {
  connectUrl?: string
  apiUrl?: string
  redirectUri?: string
}

export function arrayBucket(n: number): ArrayBucket {
  return n === 0 ? '0' : n === 1 ? '1' : n <= 10 ? '2–10' : '>10'
}

export function stringBucket(n: number): StringBucket {
  return n === 0 ? '0' : n <= 16 ? '1–16' : n <= 64 ? '17–64' : n <= 512 ? '65–512' : '>512'
}

/** An error code, not a value: short, starts with a letter, no room for a token or a name. */
const CODE_LIKE = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/
const CODE_KEY = /^(error|code|errorcode)$/i

function codeValue(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 100_000) return value
  if (typeof value === 'string' && CODE_LIKE.test(value)) return value
  return undefined
}

/** A path segment that names something (an id, a number, a GUID, a handle) rather than a route. */
const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[^/]{25,})$/i

/** A key name that is an id: digits, a GUID, hex, or a long handle with digits (a property name has words). */
const ID_KEY =
  /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[^_]*\d)[A-Za-z0-9+/=.-]{25,})$/i

function merge(a: ValueShape, b: ValueShape): ValueShape {
  if (a.type === 'object' && b.type === 'object') {
    const keys = { ...a.keys }
    for (const [k, v] of Object.entries(b.keys)) keys[k] = keys[k] === undefined ? v : merge(keys[k], v)
    return { type: 'object', keys }
  }
  if (a.type === 'array' && b.type === 'array' && a.items && b.items)
    return { ...a, items: merge(a.items, b.items) }
  return a
}

export function valueShape(
  value: unknown,
  path = '$',
  codes: Record<string, string | number> = {},
): ValueShape {
  if (value === null) return { type: 'null' }
  if (typeof value === 'string') return { type: 'string', length: stringBucket(value.length) }
  if (typeof value === 'number') return { type: 'number' }
  if (typeof value === 'boolean') return { type: 'boolean' }
  if (Array.isArray(value)) {
    let items: ValueShape | undefined
    for (const v of value) {
      const s = valueShape(v, `${path}[]`, codes)
      items = items === undefined ? s : merge(items, s)
    }
    return { type: 'array', length: arrayBucket(value.length), ...(items ? { items } : {}) }
  }
  const keys: Record<string, ValueShape> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // An object keyed by ids (or handles) has the id as a key name: it is kept as `{id}`.
    const name = ID_KEY.test(k) ? '{id}' : k
    const shape = valueShape(v, `${path}.${name}`, codes)
    keys[name] = keys[name] === undefined ? shape : merge(keys[name], shape)
    const code = CODE_KEY.test(k) ? codeValue(v) : undefined
    if (code !== undefined) codes[`${path}.${name}`] = code
  }
  return { type: 'object', keys }
}

function scrubPath(path: string): string {
  return path
    .split('/')
    .map((s) => (ID_SEGMENT.test(s) ? '{id}' : s))
    .join('/')
}

function originPath(url: string): string | undefined {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return undefined
  }
}

/** Location: origin and path only (RFC 9110 §10.2.2), the run's own addresses as placeholders. */
export function scrubLocation(location: string, places: Placeholders): string {
  if (location.startsWith('/')) return `{relative}${scrubPath(new URL(location, 'http://x').pathname)}`
  const target = originPath(location)
  if (target === undefined) return '{unparsable}'
  const redirect = places.redirectUri === undefined ? undefined : originPath(places.redirectUri)
  if (redirect !== undefined && target === redirect) return '{redirectUri}'
  const { origin, pathname } = new URL(target)
  for (const [name, base] of [
    ['connectUrl', places.connectUrl],
    ['apiUrl', places.apiUrl],
  ] as const) {
    if (base !== undefined && originPath(base) !== undefined && new URL(base).origin === origin)
      return `{${name}}${scrubPath(pathname)}`
  }
  return `${origin}${scrubPath(pathname)}`
}

/** Directives, lower-cased and sorted: their order carries no meaning (RFC 9111 §5.2). */
function directives(value: string): string {
  return value
    .split(',')
    .map((d) =>
      d
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '='),
    )
    .filter((d) => d !== '')
    .sort()
    .join(', ')
}

/** The scheme, the parameter names, and the `error` code (RFC 6750 §3); descriptions are left out. */
function challenge(value: string): string {
  const scheme = /^\s*([A-Za-z][\w-]*)/.exec(value)?.[1] ?? ''
  const params: string[] = []
  for (const m of value.matchAll(/([A-Za-z_][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/g)) {
    const name = m[1]!.toLowerCase()
    const raw = m[2]!.replace(/^"|"$/g, '')
    params.push(name === 'error' && CODE_LIKE.test(raw) ? `error="${raw}"` : name)
  }
  return [scheme, params.sort().join(', ')].filter((s) => s !== '').join(' ')
}

function contentType(value: string): string {
  const [type = '', ...params] = value.split(';').map((p) => p.trim().toLowerCase())
  const charset = params.find((p) => p.startsWith('charset='))
  return charset === undefined ? type : `${type}; ${charset.replace(/"/g, '')}`
}

function headerShapes(
  headers: Record<string, string> | Headers,
  places: Placeholders,
): Record<string, string> {
  const entries: [string, string][] =
    headers instanceof Headers
      ? [...headers.entries()]
      : Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])
  const out: Record<string, string> = {}
  for (const [name, value] of entries) {
    if (name === 'content-type') out[name] = contentType(value)
    else if (name === 'cache-control' || name === 'pragma') out[name] = directives(value)
    else if (name === 'www-authenticate') out[name] = challenge(value)
    else if (name === 'retry-after')
      out[name] = /^\d+$/.test(value.trim())
        ? 'delta-seconds'
        : Number.isNaN(Date.parse(value))
          ? 'other'
          : 'http-date'
    else if (name.startsWith('x-ratelimit-'))
      out[name] = /^\s*\d+(\.\d+)?\s*$/.test(value) ? 'number' : 'string'
    else if (name === 'location') out[name] = scrubLocation(value, places)
  }
  return out
}

function bodyShape(
  text: string,
  type: string | undefined,
  codes: Record<string, string | number>,
): BodyShape {
  if (text.length === 0) return { kind: 'empty' }
  try {
    return { kind: 'json', value: valueShape(JSON.parse(text), '$', codes) }
  } catch {}
  if (type?.includes('html') || /^\s*</.test(text)) return { kind: 'html' }
  return { kind: 'text', length: stringBucket(text.length) }
}

export function shapeOf(answer: Answer, places: Placeholders = {}): Shape {
  const headers = headerShapes(answer.headers, places)
  const codes: Record<string, string | number> = {}
  const body = bodyShape(answer.text, headers['content-type'], codes)
  return { status: answer.status, headers, body, codes }
}
