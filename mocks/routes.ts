import { http, type RequestHandler } from 'msw'
import type { Clock } from './clock.ts'
import { MockHttpError } from './errors.ts'
import { normalisePath } from './http/control-guard.ts'
import { compilePath, createRouteIndex, type Match } from './http/route-index.ts'
import type { Journal } from './journal.ts'
import { redactDetails, redactUrl } from './redact.ts'

export type Service = 'connect' | 'dinero' | 'control'
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'ALL'

/** What a route handler receives: the request, its parsed URL and path params, and a journal pen. */
export interface RouteRequest {
  request: Request
  url: URL
  params: Readonly<Record<string, string>>
  /** Adds facts to this request's journal entry (never secret values). */
  note(details: Record<string, string | number | boolean>): void
}

/**
 * A fixed answer (status, headers, text) that is not a Fetch `Response` yet. A `Response` made
 * from text builds a `Headers` and a body `ReadableStream` (undici, Node 20), 15–25 µs a request
 * here, more than everything else a small JSON list costs (docs/BENCH.md); the served adapter
 * writes an `Answer` to the socket as it is, and `dispatch` (msw in-process, the served
 * adapter's `dispatch: 'msw'`) turns it into the `Response` the route answered with before.
 * Header names are lower-case, as `Headers` gives them.
 */
export class Answer {
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly text: string,
  ) {}

  toResponse(): Response {
    return new Response(this.text, { status: this.status, headers: this.headers })
  }
}

/** What a route answers: a Fetch `Response`, or an `Answer` for the served adapter to write as it is. */
export type Reply = Response | Answer

export interface Route {
  method: Method
  /** An msw path pattern without origin, e.g. `/v1/:organizationId/contacts`. */
  path: string
  service: Service
  handle(req: RouteRequest): Reply | Promise<Reply>
}

export interface RouteRuntime {
  clock: Clock
  journal: Journal
  /** Whether this mock answers for the request's origin as the given service. */
  accepts(url: URL, service: Service): boolean
  /** The service's own shape for an unexpected failure. */
  serverError(service: Service): Response
  /** Runs before the handler; a response returned here (an injected fault) wins. */
  before?(route: Route, req: RouteRequest): Response | undefined | Promise<Response | undefined>
}

const methods = {
  GET: http.get,
  POST: http.post,
  PUT: http.put,
  DELETE: http.delete,
  PATCH: http.patch,
  ALL: http.all,
} as const

/**
 * Turns the route table into msw handlers: the single definition of both services, used
 * in-process by `setupServer` and on a port by the served adapter. One handler takes every
 * route: it finds the request's candidates by method and path once, through the route index
 * the served adapter uses (http/route-index.ts), and answers with the first whose service this
 * mock serves at the request's origin — in-process connect.visma.com / api.dinero.dk, served its
 * own loopback origin. A request no route takes falls through to the next handler, as before.
 * One handler per route made msw parse the URL and the cookies and await a predicate for each
 * of ~60 handlers on every request (docs/BENCH.md); `toRouteHandlers` keeps that shape for the
 * served adapter's `dispatch: 'msw'` comparison.
 */
export function toHandlers(routes: readonly Route[], runtime: RouteRuntime): RequestHandler[] {
  const index = createRouteIndex(routes)
  /** The predicate's decision, read by the resolver msw calls next with the same request. */
  const chosen = new WeakMap<Request, { match: Match<Route>; url: URL }>()
  return [
    http.all(
      ({ request }) => {
        const url = new URL(request.url)
        // The path is normalised as the served adapter normalises it (http/control-guard.ts).
        url.pathname = normalisePath(url.pathname)
        for (const match of index.match(request.method, url.pathname)) {
          if (!runtime.accepts(url, match.route.service)) continue
          chosen.set(request, { match, url })
          return true
        }
        return false
      },
      ({ request }) => {
        const hit = chosen.get(request)
        if (hit === undefined) return undefined
        chosen.delete(request)
        return dispatch(hit.match.route, runtime, request, hit.url, hit.match.params)
      },
    ),
  ]
}

/**
 * One msw handler per route, in table order (each declines unless its service is served at the
 * request's origin): what the served adapter's `dispatch: 'msw'` runs through msw's
 * `getResponse`, which `specs/robustness/served-dispatch-equals-msw.spec.ts` holds equal to the
 * direct path.
 */
export function toRouteHandlers(routes: readonly Route[], runtime: RouteRuntime): RequestHandler[] {
  // Normalised once per request rather than once per handler msw tries.
  let lastHref = ''
  let lastUrl = new URL('http://unset.invalid/')
  const normalised = (href: string): URL => {
    if (href !== lastHref) {
      const url = new URL(href)
      url.pathname = normalisePath(url.pathname)
      lastHref = href
      lastUrl = url
    }
    return lastUrl
  }
  return routes.map((route) => {
    const pattern = compileRoutePath(route.path)
    return methods[route.method](
      ({ request }) => pattern.local.test(normalised(request.url).pathname),
      async ({ request }) => {
        const url = new URL(normalised(request.url))
        if (!runtime.accepts(url, route.service)) return undefined
        return dispatch(route, runtime, request, url, pattern.params(url.pathname))
      },
    )
  })
}

/**
 * A route path as the msw handlers match it: a RegExp over the normalised path, tested by a
 * custom predicate, so msw decodes nothing (its `decodeURIComponent` throws on a malformed escape
 * such as `%E0%A4` and turns the request into an exception); the params are read here, decoded
 * safely. Matching is case-insensitive with an optional trailing slash, as msw's path-to-regexp
 * string patterns are.
 */
export function compileRoutePath(path: string): {
  local: RegExp
  params(pathname: string): Record<string, string>
} {
  const { regex: local, names } = compilePath(path)
  return {
    local,
    params(pathname) {
      const m = local.exec(pathname)
      const out: Record<string, string> = {}
      names.forEach((name, i) => {
        const raw = m?.[i + 1] ?? ''
        try {
          out[name] = decodeURIComponent(raw)
        } catch {
          out[name] = raw
        }
      })
      return out
    },
  }
}

/** Runs a route inside the runtime (faults, journal, the 500 of its service) and answers a Fetch `Response`. */
export async function dispatch(
  route: Route,
  runtime: RouteRuntime,
  request: Request,
  url: URL,
  params: Record<string, string>,
): Promise<Response> {
  const reply = await dispatchReply(route, runtime, request, url, params)
  return reply instanceof Answer ? reply.toResponse() : reply
}

/** `dispatch` for the served adapter: an `Answer` is left as it is, for it to write directly. */
export async function dispatchReply(
  route: Route,
  runtime: RouteRuntime,
  request: Request,
  url: URL,
  params: Record<string, string>,
): Promise<Reply> {
  const details: Record<string, string | number | boolean> = {}
  const req: RouteRequest = {
    request,
    url,
    params,
    note: (d) => Object.assign(details, d),
  }
  let response: Reply
  let error: string | undefined
  try {
    response = (await runtime.before?.(route, req)) ?? (await route.handle(req))
  } catch (e) {
    if (e instanceof MockHttpError) {
      error = e.code
      response = e.toResponse()
    } else {
      error = 'server_error'
      details.exception = e instanceof Error ? e.name : typeof e
      response = runtime.serverError(route.service)
    }
  }
  runtime.journal.record({
    at: runtime.clock.now(),
    service: route.service,
    method: request.method,
    url: redactUrl(url),
    contentType: request.headers.get('content-type'),
    status: response.status,
    ...(error === undefined ? {} : { error }),
    details: redactDetails(details),
  })
  return response
}
