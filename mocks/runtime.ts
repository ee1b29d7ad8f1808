import type { Clock } from './clock.ts'
import type { Faults } from './faults.ts'
import type { Journal } from './journal.ts'
import type { Origins } from './origins.ts'
import type { RouteRuntime, Service } from './routes.ts'

/**
 * What every route runs inside (routes.ts `dispatch`): injected faults get the first word, the
 * journal records each request by the mock's clock, and an exception no handler meant to throw
 * becomes a 500 in the service's own error shape — Dinero's `{code, message}` or an OAuth
 * `server_error` (RFC 6749 §5.2) — never a stack trace.
 */
export function createRuntime(deps: {
  clock: Clock
  journal: Journal
  faults: Faults
  origins: Origins
}): RouteRuntime {
  return {
    clock: deps.clock,
    journal: deps.journal,
    before: (route, req) => deps.faults.apply(route, req),
    accepts: (url, service) => deps.origins.accepts(url, service),
    serverError,
  }
}

function serverError(service: Service): Response {
  return service === 'dinero'
    ? new Response(JSON.stringify({ code: 50, message: 'Error' }), {
        status: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      })
    : new Response(JSON.stringify({ error: 'server_error' }), {
        status: 500,
        headers: { 'content-type': 'application/json; charset=UTF-8' },
      })
}
