import { http, type RequestHandler } from 'msw'
import type { Deviations } from '../deviations.ts'
import { normalisePath } from '../http/control-guard.ts'
import { compileRoutePath, type Route, type RouteRuntime } from '../routes.ts'
import { DineroError } from './errors.ts'

/**
 * A path under the Dinero API that no operation has (apaq-dinero-error-handler: "Dinero just throws
 * HTML back at 404's"): 404 with an HTML page, so an app can tell "no such endpoint" from "no such
 * entity" (404 JSON code 40, dinero-api-errors). A known path with a method it does not take is
 * 405 code 45, as the served adapter answers it.
 * assumption: open-dinero-unlisted-responses — the page itself was not captured; the client that
 * saw it treats every 404 as non-JSON, and the stricter reading for an unknown route is the page
 * (an app that parses every 404 as JSON breaks on it). Deviation `dinero.unknown-route-json`
 * answers it as a missing entity instead.
 */
export const isDineroPath = (path: string) => /^\/v\d/i.test(path)

export const UNKNOWN_ROUTE_HTML =
  '<!DOCTYPE html>\n<html><head><title>404 - Not Found</title></head><body><h1>404 - Not Found</h1><p>The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.</p></body></html>\n'

export function unknownDineroRoute(deviations: Deviations): Response {
  if (deviations.has('dinero.unknown-route-json')) return new DineroError(404, 40, 'Not found').toResponse()
  return new Response(UNKNOWN_ROUTE_HTML, {
    status: 404,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  })
}

/**
 * The in-process fallback (last of the msw handlers): what the served adapter answers for a
 * Dinero path no route takes, instead of msw's unhandled-request error.
 */
export function unknownDineroRouteHandler(
  routes: readonly Route[],
  runtime: RouteRuntime,
  deviations: Deviations,
): RequestHandler {
  const patterns = routes.filter((r) => r.service === 'dinero').map((r) => compileRoutePath(r.path).local)
  return http.all('*', ({ request }) => {
    const url = new URL(request.url)
    const path = normalisePath(url.pathname)
    if (!isDineroPath(path) || !runtime.accepts(url, 'dinero')) return undefined
    if (patterns.some((p) => p.test(path)))
      return new DineroError(
        405,
        45,
        `The requested resource does not support http method '${request.method}'.`,
      ).toResponse()
    return unknownDineroRoute(deviations)
  })
}
