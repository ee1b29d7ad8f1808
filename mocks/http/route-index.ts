import type { RequestHandler } from 'msw'
import type { Route } from '../routes.ts'

/**
 * Picks the candidate handler(s) for a request by method and path once, instead of letting
 * msw try every handler in turn (docs/BENCH.md: matching every handler is most of the served
 * mock's cost). Matching follows msw's path-to-regexp 6 rules for our patterns: case-insensitive,
 * an optional trailing slash, `:name` is one non-empty segment, params decoded with
 * `decodeURIComponent`. Routes are tried in table order, so the first match wins as in msw.
 */
export interface Candidate {
  route: Route
  /** The route's own msw handler, when the index was built with them (`toRouteHandlers`). */
  handler: RequestHandler | undefined
}

export interface Match extends Candidate {
  /** Path params as msw's resolver receives them (decoded). */
  params: Record<string, string>
}

interface Compiled extends Candidate {
  regex: RegExp
  names: string[]
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']

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
function decode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

export function createRouteIndex(routes: readonly Route[], handlers: readonly RequestHandler[] = []) {
  const compiled: Compiled[] = routes.map((route, i) => ({
    route,
    handler: handlers[i],
    ...compile(route.path),
  }))
  const all = compiled.filter((c) => c.route.method === 'ALL')
  const byMethod = new Map<string, Compiled[]>()
  for (const m of METHODS) {
    byMethod.set(
      m,
      compiled.filter((c) => c.route.method === m || c.route.method === 'ALL'),
    )
  }
  return {
    /** Handlers whose method and path fit, in table order. */
    candidates(method: string, pathname: string): Candidate[] {
      return this.match(method, pathname)
    },
    /** Handlers whose method and path fit, in table order, with their path params. */
    match(method: string, pathname: string): Match[] {
      // msw compares methods case-insensitively; fetch leaves e.g. `patch` as written.
      const list = byMethod.get(method) ?? byMethod.get(method.toUpperCase()) ?? all
      const out: Match[] = []
      for (const c of list) {
        const m = c.regex.exec(pathname)
        if (m === null) continue
        const params: Record<string, string> = {}
        for (let i = 0; i < c.names.length; i++) params[c.names[i]!] = decode(m[i + 1]!)
        out.push({ route: c.route, handler: c.handler, params })
      }
      return out
    },
    /** Whether any route exists for the path under another method (405 rather than 404). */
    pathKnown(pathname: string): boolean {
      return compiled.some((c) => c.regex.test(pathname))
    },
  }
}
