import type { RequestHandler } from 'msw'
import { type Clock, createClock } from './clock.ts'
import type { ConnectContext } from './connect/context.ts'
import { generateSigningKey, type SigningKey, toSigningKey } from './connect/keys.ts'
import { connectRoutes } from './connect/routes.ts'
import { type ConnectStore, createConnectStore } from './connect/store.ts'
import { type Control, type ControlDeps, controlRoutes, createControl } from './control.ts'
import { createDeviations, type DeviationId, type Deviations } from './deviations.ts'
import type { DineroContext } from './dinero/context.ts'
import { dineroRoutes } from './dinero/routes.ts'
import { seedDinero } from './dinero/seed.ts'
import { createDineroStore, type DineroStore } from './dinero/store.ts'
import { createFaults } from './faults.ts'
import { createJournal, type Journal } from './journal.ts'
import { type MockOptions, type ResolvedMockOptions, resolveOptions } from './options.ts'
import { type Route, type RouteRuntime, type Service, toHandlers } from './routes.ts'

/**
 * One mock of Visma Connect (and, through the same store, Dinero): everything it knows lives
 * in the object this returns. Two mocks in one process share nothing.
 */
export interface Mock {
  /** msw handlers: pass to `setupServer(...mock.handlers)` or serve them (`serveMock`). */
  handlers: RequestHandler[]
  /** The route table behind the handlers (the served adapter dispatches on it). */
  routes: Route[]
  runtime: RouteRuntime
  store: { connect: ConnectStore; dinero: DineroStore }
  clock: Clock
  journal: Journal
  deviations: Deviations
  /** Reset, clock, settings: what `/__mock/*` offers, for in-process use. */
  control: Control
  options: ResolvedMockOptions
  signingKey(): Promise<SigningKey>
  /** Answer for this origin as well (the served adapter adds its loopback origin). */
  addOrigin(origin: string, services?: readonly Service[]): void
}

export function createMock(options: MockOptions & { deviations?: readonly DeviationId[] } = {}): Mock {
  const resolved = resolveOptions(options)
  const clock = createClock(resolved.clock)
  const journal = createJournal(clock, { limit: resolved.journalLimit })
  const deviations = createDeviations(options.deviations)
  const connectStore = createConnectStore({ clients: resolved.clients, users: resolved.users }, clock)
  const subjects = resolved.users.map((u) => u.subject)
  const dineroStore = createDineroStore(clock, { seed: (store) => seedDinero(store, subjects) })

  let keyPromise: Promise<SigningKey> | undefined
  const signingKey = () => {
    keyPromise ??= (resolved.signingKey ? Promise.resolve(resolved.signingKey) : generateSigningKey()).then(
      toSigningKey,
    )
    return keyPromise
  }

  const origins = new Map<string, Set<Service>>([
    [resolved.connectOrigin, new Set<Service>(['connect', 'control'])],
    [resolved.apiOrigin, new Set<Service>(['dinero'])],
  ])
  const faults = createFaults()
  const runtime: RouteRuntime = {
    clock,
    journal,
    before: (route, req) => faults.apply(route, req),
    accepts: (url, service) => origins.get(url.origin)?.has(service) === true,
    serverError: (service) =>
      service === 'dinero'
        ? new Response(JSON.stringify({ code: 50, message: 'Error' }), {
            status: 500,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          })
        : new Response(JSON.stringify({ error: 'server_error' }), {
            status: 500,
            headers: { 'content-type': 'application/json; charset=UTF-8' },
          }),
  }

  const connect: ConnectContext = {
    options: resolved,
    clock,
    store: connectStore,
    signingKey,
    deviations,
    faults,
    organisationsOf: (subject) => dineroStore.organisationsOf(subject).map((o) => o.Name),
  }
  const dinero: DineroContext = {
    clock,
    connect,
    deviations,
    options: { ...resolved.dinero },
    store: dineroStore,
  }
  const controlDeps: ControlDeps = {
    clock,
    journal,
    deviations,
    connectStore: () => connectStore,
    faults,
    defaultSubject: resolved.users[0]?.subject ?? '',
    onLifecycle: [
      (event, subject) => {
        if (event.event === 'remove-organisation-access')
          return dineroStore.revokeAccess(subject, event.organizationId)
        if (event.event === 'lose-pro') return dineroStore.setPro(event.organizationId, false)
        if (event.event === 'regain-pro') return dineroStore.setPro(event.organizationId, true)
        return false
      },
    ],
    onReset: [
      () => dineroStore.reset(),
      () => {
        dinero.options.rateLimitPerMinute = resolved.dinero.rateLimitPerMinute
      },
    ],
    onSettings: [
      (patch) => {
        const limit = patch.dinero?.rateLimitPerMinute
        if (typeof limit === 'number' && Number.isFinite(limit) && limit >= 0)
          dinero.options.rateLimitPerMinute = limit
      },
    ],
  }
  const control = createControl(controlDeps)
  const routes = [...connectRoutes(connect), ...controlRoutes(control, controlDeps), ...dineroRoutes(dinero)]

  return {
    handlers: toHandlers(routes, runtime),
    routes,
    runtime,
    store: { connect: connectStore, dinero: dineroStore },
    clock,
    journal,
    deviations,
    control,
    options: resolved,
    signingKey,
    addOrigin(origin, services = ['connect', 'dinero', 'control']) {
      const set = origins.get(origin) ?? new Set<Service>()
      for (const s of services) set.add(s)
      origins.set(origin, set)
    },
  }
}
