import type { Method, Reply, Route, RouteRequest } from '../routes.ts'
import { authenticate, type Caller, countRequest, requireScope, resolveOrganisation } from './auth.ts'
import type { DineroContext } from './context.ts'
import { CODES, DineroError } from './errors.ts'
import type { Organisation } from './store.ts'
import { unknownDineroRoute } from './unknown-route.ts'

/**
 * Route builders for the Dinero API: every operation passes the gate in auth.ts before its
 * handler runs (token, scope, then for organisation paths: organisation, Pro, rate limit), and
 * the Dinero errors it throws get their wire casing here (deviation dinero.errors-pascal-case).
 * The deviations that make every operation wrong in one way at once live here too:
 * dinero.changes-since-ignored (the handler never sees changesSince), dinero.missing-entity-html
 * (404 code 40 becomes the unknown-route page) and dinero.validation-errors-dropped (code 42
 * without validationErrors).
 */
export interface UserCall {
  req: RouteRequest
  caller: Caller
}

export interface OrgCall extends UserCall {
  org: Organisation
}

type Handler<C> = (call: C) => Reply | Promise<Reply>

function wrap(ctx: DineroContext, handle: (req: RouteRequest) => Promise<Reply>) {
  return async (req: RouteRequest): Promise<Reply> => {
    try {
      return await handle(withoutChangesSince(ctx, req))
    } catch (e) {
      if (!(e instanceof DineroError)) throw e
      if (
        e.status === 404 &&
        e.dineroCode === CODES.NotFound &&
        ctx.deviations.has('dinero.missing-entity-html')
      )
        return unknownDineroRoute(ctx.deviations)
      const error =
        e.validationErrors !== undefined &&
        e.dineroCode === CODES.ValidationError &&
        ctx.deviations.has('dinero.validation-errors-dropped')
          ? new DineroError(e.status, e.dineroCode, e.message, { headers: e.headers })
          : e
      if (ctx.deviations.has('dinero.errors-pascal-case')) error.pascalCase = true
      throw error
    }
  }
}

/** The request as the handler sees it; under dinero.changes-since-ignored, without changesSince (the journal keeps the URL as sent). */
function withoutChangesSince(ctx: DineroContext, req: RouteRequest): RouteRequest {
  if (!ctx.deviations.has('dinero.changes-since-ignored') || !req.url.searchParams.has('changesSince'))
    return req
  const url = new URL(req.url)
  url.searchParams.delete('changesSince')
  return { ...req, url }
}

/** An operation outside any organisation (the organisation lists): token and scope only. */
export function userRoute(
  ctx: DineroContext,
  method: Method,
  path: string,
  handle: Handler<UserCall>,
): Route {
  return {
    method,
    path,
    service: 'dinero',
    handle: wrap(ctx, async (req) => {
      const caller = await authenticate(ctx, req)
      requireScope(ctx, caller, req.request.method)
      return handle({ req, caller })
    }),
  }
}

/** An operation under `/:organizationId/`: the whole gate. */
export function orgRoute(ctx: DineroContext, method: Method, path: string, handle: Handler<OrgCall>): Route {
  return {
    method,
    path,
    service: 'dinero',
    handle: wrap(ctx, async (req) => {
      const caller = await authenticate(ctx, req)
      requireScope(ctx, caller, req.request.method)
      const org = resolveOrganisation(ctx, caller, req.params.organizationId)
      req.note({ organizationId: org.Id })
      countRequest(ctx, org)
      return handle({ req, caller, org })
    }),
  }
}
