import type { Route, RouteRequest } from './routes.ts'

/**
 * Injected faults (set through the control surface): latency, 5xx, 429 (Retry-After only when asked for), dropped
 * connections and, at authorize, `temporarily_unavailable` — per endpoint, for a number of
 * requests or with a probability. They let integrators rehearse an unreliable provider and let
 * the grader watch how an app backs off. Errors come in each service's own format.
 */
export const FAULT_TARGETS = [
  'all',
  'connect',
  'token',
  'authorize',
  'userinfo',
  'revocation',
  'introspection',
  'discovery',
  'dinero',
] as const
export type FaultTarget = (typeof FAULT_TARGETS)[number]
export const FAULT_KINDS = ['latency', 'status', 'rate-limit', 'reset', 'temporarily-unavailable'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export interface FaultSpec {
  target: FaultTarget
  kind: FaultKind
  /** latency: fixed delay in ms (max 30 000), plus up to `jitterMs` at random. */
  ms?: number
  jitterMs?: number
  /** status: the 5xx to answer (default 500). */
  status?: number
  /**
   * rate-limit: seconds in Retry-After; absent, no header (the real Dinero 429 was not seen with one,
   * open-dinero-429-headers).
   */
  retryAfterSeconds?: number
  /** How many matching requests it affects; unlimited when absent. */
  count?: number
  /** Chance (0–1) that a matching request is affected; 1 when absent. */
  probability?: number
}

export interface Faults {
  add(spec: FaultSpec): void
  list(): FaultSpec[]
  clear(): void
  /** Runs before a handler: a response (or a network error) replaces the handler's. */
  apply(route: Route, req: RouteRequest): Promise<Response | undefined>
  /** Consumes a matching fault of this kind for this target, if one is active. */
  take(target: FaultTarget, kind: FaultKind): boolean
}

export class FaultSpecError extends Error {}

export function validateFault(raw: unknown): FaultSpec {
  if (raw === null || typeof raw !== 'object') throw new FaultSpecError('a fault is a JSON object')
  const f = raw as Record<string, unknown>
  if (!FAULT_TARGETS.includes(f.target as FaultTarget))
    throw new FaultSpecError(`target must be one of ${FAULT_TARGETS.join(', ')}`)
  if (!FAULT_KINDS.includes(f.kind as FaultKind))
    throw new FaultSpecError(`kind must be one of ${FAULT_KINDS.join(', ')}`)
  const num = (name: string, min: number, max: number, integer = true) => {
    const v = f[name]
    if (v === undefined) return undefined
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    ) {
      throw new FaultSpecError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`)
    }
    return v
  }
  const spec: FaultSpec = { target: f.target as FaultTarget, kind: f.kind as FaultKind }
  const fields = {
    ms: num('ms', 0, 30_000),
    jitterMs: num('jitterMs', 0, 30_000),
    status: num('status', 500, 599),
    // RFC 9110 §10.2.3: Retry-After is a whole number of seconds; a status and a count are whole too.
    retryAfterSeconds: num('retryAfterSeconds', 1, 3600),
    count: num('count', 1, 1_000_000),
    probability: num('probability', 0, 1, false),
  }
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined) (spec as unknown as Record<string, number>)[k] = v
  return spec
}

/** Which fault target a route belongs to. */
export function targetOf(route: Route): FaultTarget | undefined {
  if (route.service === 'control') return undefined
  if (route.service === 'dinero') return 'dinero'
  if (route.path.startsWith('/connect/token')) return 'token'
  if (route.path.startsWith('/connect/authorize')) return 'authorize'
  if (route.path.startsWith('/connect/userinfo')) return 'userinfo'
  if (route.path.startsWith('/connect/revocation')) return 'revocation'
  if (route.path.startsWith('/connect/introspect')) return 'introspection'
  if (route.path.startsWith('/.well-known')) return 'discovery'
  return 'connect'
}

function matches(spec: FaultSpec, target: FaultTarget): boolean {
  if (spec.target === 'all' || spec.target === target) return true
  return spec.target === 'connect' && target !== 'dinero'
}

function errorBody(target: FaultTarget, status: number, retryAfter?: number): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
  if (target === 'dinero') {
    // dinero-api-errors: code 43 and the documented sentence for the 100-a-minute limit.
    const body =
      status === 429
        ? {
            code: 43,
            message:
              'You have exceeded the maximum amount of 100 requests a minute pr. organization, wait a minute and continue',
          }
        : { code: 50, message: 'Error' }
    return new Response(JSON.stringify(body), { status, headers })
  }
  headers['cache-control'] = 'no-store, no-cache, max-age=0'
  const error = status === 429 || status === 503 ? 'temporarily_unavailable' : 'server_error'
  return new Response(JSON.stringify({ error }), { status, headers })
}

export function createFaults(random: () => number = Math.random): Faults {
  let active: FaultSpec[] = []
  const consume = (spec: FaultSpec): boolean => {
    if (spec.probability !== undefined && random() >= spec.probability) return false
    if (spec.count !== undefined) {
      spec.count -= 1
      if (spec.count <= 0) active = active.filter((f) => f !== spec)
    }
    return true
  }
  return {
    add: (spec) => void active.push({ ...spec }),
    list: () => active.map((f) => ({ ...f })),
    clear: () => {
      active = []
    },
    take(target, kind) {
      const spec = active.find((f) => f.kind === kind && matches(f, target))
      return spec !== undefined && consume(spec)
    },
    async apply(route, req) {
      const target = targetOf(route)
      if (target === undefined || active.length === 0) return undefined
      for (const spec of [...active]) {
        if (spec.kind === 'temporarily-unavailable' || !matches(spec, target) || !consume(spec)) continue
        req.note({ fault: spec.kind })
        switch (spec.kind) {
          case 'latency': {
            const delay = (spec.ms ?? 0) + Math.floor(random() * (spec.jitterMs ?? 0))
            await new Promise((resolve) => setTimeout(resolve, delay))
            break
          }
          case 'status':
            return errorBody(target, spec.status ?? 500)
          case 'rate-limit':
            return errorBody(target, 429, spec.retryAfterSeconds)
          case 'reset':
            return Response.error()
        }
      }
      return undefined
    },
  }
}
