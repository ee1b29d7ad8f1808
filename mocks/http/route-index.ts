import type { RequestHandler } from 'msw'
import type { Route } from '../routes.ts'

/**
 * Picks the candidate handler(s) for a request by method and path once, instead of letting
 * msw try every handler in turn (DESIGN.md §5: matching every handler is most of the served
 * mock's cost). Matching is case-insensitive like msw's path-to-regexp (and IdentityServer's
 * router, REFERENCE B1). Routes are tried in table order, so the first match wins as in msw.
 */
export interface Candidate {
  route: Route
  handler: RequestHandler
}

interface Compiled extends Candidate {
  regex: RegExp
}

function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}/?$`, 'i')
}

export function createRouteIndex(routes: readonly Route[], handlers: readonly RequestHandler[]) {
  const compiled: Compiled[] = routes.map((route, i) => ({
    route,
    handler: handlers[i]!,
    regex: compile(route.path),
  }))
  const byMethod = new Map<string, Compiled[]>()
  for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']) {
    byMethod.set(
      m,
      compiled.filter((c) => c.route.method === m || c.route.method === 'ALL'),
    )
  }
  const all = compiled.filter((c) => c.route.method === 'ALL')
  return {
    /** Handlers whose method and path fit, in table order. */
    candidates(method: string, pathname: string): Candidate[] {
      const list = byMethod.get(method) ?? all
      const out: Candidate[] = []
      for (const c of list) if (c.regex.test(pathname)) out.push(c)
      return out
    },
    /** Whether any route exists for the path under another method (405 rather than 404). */
    pathKnown(pathname: string): boolean {
      return compiled.some((c) => c.regex.test(pathname))
    },
  }
}
