import type { Method, Route, RouteRequest } from '../routes.ts'
import { authenticate, type Caller, countRequest, requireScope, resolveOrganisation } from './auth.ts'
import type { DineroContext } from './context.ts'
import { DineroError } from './errors.ts'
import type { Organisation } from './store.ts'

/**
 * Route builders for the Dinero API: every operation passes the gate in auth.ts before its
 * handler runs (token, scope, then for organisation paths: organisation, Pro, rate limit), and
 * the Dinero errors it throws get their wire casing here (deviation dinero.errors-pascal-case).
 */
export interface UserCall {
  req: RouteRequest
  caller: Caller
}

export interface OrgCall extends UserCall {
  org: Organisation
}

type Handler<C> = (call: C) => Response | Promise<Response>

function wrap(ctx: DineroContext, handle: (req: RouteRequest) => Promise<Response>) {
  return async (req: RouteRequest): Promise<Response> => {
    try {
      return await handle(req)
    } catch (e) {
      if (e instanceof DineroError && ctx.deviations.has('dinero.errors-pascal-case')) e.pascalCase = true
      throw e
    }
  }
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
