import type { RequestHandler } from 'msw'
import { decodeOnce } from '../redact.ts'

/**
 * Picks the candidate handler(s) for a request by method and path once, instead of letting
 * msw try every handler in turn (docs/BENCH.md: matching every handler is most of the served
 * mock's cost). Matching follows msw's path-to-regexp 6 rules for our patterns: case-insensitive,
 * an optional trailing slash, `:name` is one non-empty segment, params decoded with
 * `decodeURIComponent`. Routes are tried in table order, so the first match wins as in msw.
 */
/** What the index reads of a route (routes.ts `Route`), so it needs no import from there. */
export interface IndexedRoute {
  /** An HTTP method, or `ALL`. */
  method: string
  /** An msw path pattern without origin, e.g. `/v1/:organizationId/contacts`. */
  path: string
}

export interface Candidate<R extends IndexedRoute = IndexedRoute> {
  route: R
  /** The route's own msw handler, when the index was built with them (`toRouteHandlers`). */
  handler: RequestHandler | undefined
}

export interface Match<R extends IndexedRoute = IndexedRoute> extends Candidate<R> {
  /** Path params as msw's resolver receives them (decoded). */
  params: Record<string, string>
}

interface Compiled<R extends IndexedRoute> extends Candidate<R> {
  regex: RegExp
  names: readonly string[]
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']
/** At most this many paths of at most this length are remembered (well under 1 MB). */
const MEMO_LIMIT = 1_000
const MEMO_PATH_LIMIT = 256

/** Route paths come from the route tables, so every mock compiles the same ~130 patterns. */
const COMPILED_MAX = 1_000
const compiledPaths = new Map<string, { regex: RegExp; names: readonly string[] }>()

/**
 * An msw path pattern as a regular expression and its param names, compiled once per process
 * (each mock compiled every pattern again: a fifth of `createMock()`). The expression has no `g`
 * or `y` flag, so it keeps no state between uses and one object serves every mock.
 */
export function compilePath(path: string): { regex: RegExp; names: readonly string[] } {
  let known = compiledPaths.get(path)
  if (known === undefined) {
    known = compile(path)
    if (compiledPaths.size < COMPILED_MAX) compiledPaths.set(path, known)
  }
  return known
}

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = []
  const source = path
    .split('/')
    .map((seg) => {
      if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(seg.slice(1))
      return '([^/#?]+?)'
    })
    .join('/')
  return { regex: new RegExp(`^${source}/?$`, 'i'), names }
}

/**
 * msw decodes with `decodeURIComponent`, which throws on malformed escapes (`%E0%A4`) and turns
 * the whole request into an exception. Here the raw segment is kept, so the route's own
 * validation answers it (Dinero: 404 code 40) instead of a 500.
 */
const decode = decodeOnce

export function createRouteIndex<R extends IndexedRoute>(
  routes: readonly R[],
  handlers: readonly RequestHandler[] = [],
) {
  const compiled: Compiled<R>[] = routes.map((route, i) => ({
    route,
    handler: handlers[i],
    ...compilePath(route.path),
  }))
  const all = compiled.filter((c) => c.route.method === 'ALL')
  const byMethod = new Map<string, Compiled<R>[]>()
  for (const m of METHODS) {
    byMethod.set(
      m,
      compiled.filter((c) => c.route.method === m || c.route.method === 'ALL'),
    )
  }
  const scan = (method: string, pathname: string): Match<R>[] => {
    // msw compares methods case-insensitively; fetch leaves e.g. `patch` as written.
    const list = byMethod.get(method) ?? byMethod.get(method.toUpperCase()) ?? all
    const out: Match<R>[] = []
    for (const c of list) {
      const m = c.regex.exec(pathname)
      if (m === null) continue
      const params: Record<string, string> = {}
      for (let i = 0; i < c.names.length; i++) params[c.names[i]!] = decode(m[i + 1]!)
      out.push({ route: c.route, handler: c.handler, params })
    }
    return out
  }
  /**
   * The scan's result per method and path: a client calls the same few paths again and again, and
   * trying ~100 patterns in turn was 5 % of a served `GET /v1/organizations` (docs/BENCH.md).
   * Bounded, and cleared when full, so a client sending endless or long distinct paths cannot grow it.
   */
  const memo = new Map<string, Match<R>[]>()
  return {
    /** Handlers whose method and path fit, in table order. */
    candidates(method: string, pathname: string): Candidate<R>[] {
      return this.match(method, pathname)
    },
    /** Handlers whose method and path fit, in table order, with their path params. */
    match(method: string, pathname: string): Match<R>[] {
      if (pathname.length > MEMO_PATH_LIMIT) return scan(method, pathname)
      const key = `${method} ${pathname}`
      let found = memo.get(key)
      if (found === undefined) {
        found = scan(method, pathname)
        if (memo.size >= MEMO_LIMIT) memo.clear()
        memo.set(key, found)
      }
      // Fresh params each time: a route gets an object of its own, as when they were made per request.
      return found.map((m) => ({ route: m.route, handler: m.handler, params: { ...m.params } }))
    },
    /** Whether any route exists for the path under another method (405 rather than 404). */
    pathKnown(pathname: string): boolean {
      return compiled.some((c) => c.regex.test(pathname))
    },
    /** The methods some route takes at this path, for a 405's `Allow` (RFC 9110 §15.5.6). */
    methodsAt(pathname: string): string[] {
      const methods = new Set<string>()
      for (const c of compiled)
        if (c.regex.test(pathname) && c.route.method !== 'ALL') methods.add(c.route.method)
      return [...methods].sort()
    },
  }
}
