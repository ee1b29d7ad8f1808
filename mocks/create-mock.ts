import { getResponse, type RequestHandler } from 'msw'
import { type Clock, createClock } from './clock.ts'
import type { ConnectContext } from './connect/context.ts'
import { lazySigningKey, type SigningKey } from './connect/keys.ts'
import { connectRoutes } from './connect/routes.ts'
import { type ConnectStore, createConnectStore } from './connect/store.ts'
import { type Control, type ControlDeps, controlRoutes, createControl } from './control.ts'
import { createDeviations, type DeviationId, type Deviations } from './deviations.ts'
import type { DineroContext } from './dinero/context.ts'
import { dineroControlHooks } from './dinero/control-hooks.ts'
import { dineroRoutes } from './dinero/routes.ts'
import { seedDinero } from './dinero/seed.ts'
import { createDineroStore, type DineroStore } from './dinero/store.ts'
import { unknownDineroRouteHandler } from './dinero/unknown-route.ts'
import { createWebhookDelivery, type WebhookDelivery } from './dinero/webhook-delivery.ts'
import { createWebhookEmitter } from './dinero/webhook-events.ts'
import { createFaults } from './faults.ts'
import { createJournal, type Journal } from './journal.ts'
import { type MockOptions, type ResolvedMockOptions, resolveOptions } from './options.ts'
import { createOrigins } from './origins.ts'
import { type Route, type RouteRuntime, type Service, toHandlers } from './routes.ts'
import { createRuntime } from './runtime.ts'

/**
 * One mock of Visma Connect (and, through the same store, Dinero): everything it knows lives
 * in the object this returns. Two mocks in one process share nothing. This file only wires:
 * each part is built by its own module (stores, clock, journal, deviations, faults, origins,
 * the route runtime, control and its Dinero hooks, the route tables).
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
  /** Webhook deliveries: list them, flush the waiting retries. */
  webhooks: WebhookDelivery
  /** Cancels what the mock still has under way (webhook retries); call when done with it. */
  close(): void
}

export function createMock(options: MockOptions & { deviations?: readonly DeviationId[] } = {}): Mock {
  const resolved = resolveOptions(options)
  const clock = createClock(resolved.clock)
  const journal = createJournal(clock, { limit: resolved.journalLimit })
  const deviations = createDeviations(options.deviations)
  const faults = createFaults()
  const origins = createOrigins(resolved.connectOrigin, resolved.apiOrigin)
  const runtime = createRuntime({ clock, journal, faults, origins })
  const signingKey = lazySigningKey(resolved.signingKey)

  const connectStore = createConnectStore({ clients: resolved.clients, users: resolved.users }, clock, {
    slidingSession: () => deviations.has('session.sliding'),
    keepsExpired: (kind) => deviations.has(kind === 'code' ? 'code.no-expiry' : 'refresh.no-expiry'),
  })
  const subjects = resolved.users.map((u) => u.subject)
  const dineroStore = createDineroStore(clock, { seed: (store) => seedDinero(store, subjects) })

  const connect: ConnectContext = {
    options: resolved,
    clock,
    store: connectStore,
    signingKey,
    deviations,
    faults,
    organisationsOf: (subject) => dineroStore.organisationsOf(subject).map((o) => o.Name),
  }
  let handlers: RequestHandler[] = []
  const webhooks = createWebhookDelivery({
    clock,
    journal,
    ...resolved.webhooks,
    // A Uri at one of the mock's own origins (in-process: connect.visma.com) reaches the mock itself.
    ownsOrigin: (url) => (['connect', 'dinero', 'control'] as const).some((s) => origins.accepts(url, s)),
    self: (request) => getResponse(handlers, request),
  })
  const dinero: DineroContext = {
    clock,
    connect,
    deviations,
    // A copy, quota included: changing the resolved options afterwards changes nothing live.
    options: { ...resolved.dinero, fileQuota: { ...resolved.dinero.fileQuota } },
    store: dineroStore,
    webhooks: createWebhookEmitter({ store: dineroStore, clock, deviations, delivery: webhooks }),
  }
  const controlDeps: ControlDeps = {
    clock,
    journal,
    deviations,
    connectStore: () => connectStore,
    faults,
    defaultSubject: resolved.users[0]?.subject ?? '',
    ...dineroControlHooks(dinero, resolved.dinero),
    webhooks,
  }
  controlDeps.onReset.push(() => webhooks.reset())
  const control = createControl(controlDeps)
  // A live-like mock has no control surface over HTTP: /__mock/* answers as an unknown path.
  const controlSurface = resolved.liveLike ? [] : controlRoutes(control, controlDeps)
  const routes = [...connectRoutes(connect), ...controlSurface, ...dineroRoutes(dinero)]

  handlers = [...toHandlers(routes, runtime), unknownDineroRouteHandler(routes, runtime, deviations)]
  return {
    handlers,
    routes,
    runtime,
    store: { connect: connectStore, dinero: dineroStore },
    clock,
    journal,
    deviations,
    control,
    options: resolved,
    signingKey,
    addOrigin: origins.add,
    webhooks,
    close: () => webhooks.close(),
  }
}
