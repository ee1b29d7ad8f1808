import type { Clock } from './clock.ts'
import type { RefreshPolicy } from './connect/model.ts'
import type { ConnectStore } from './connect/store.ts'
import { DEVIATIONS, type DeviationId, type Deviations, isDeviationId } from './deviations.ts'
import { json, MockHttpError } from './errors.ts'
import { type FaultSpec, FaultSpecError, type Faults, validateFault } from './faults.ts'
import type { Journal } from './journal.ts'
import type { Route } from './routes.ts'

/**
 * The control surface under `/__mock/*` (DESIGN.md §1): reset, clock, deviations, settings and
 * the redacted journal, for users outside the process (Newman, curl, their own app). The
 * served adapter answers it on loopback only. Every operation is also a method on the mock.
 */
export interface Settings {
  /** Applied to one client (`clientId`) or all. */
  refresh?: Partial<RefreshPolicy>
  clientId?: string
  dinero?: { rateLimitPerMinute?: number }
}

/** Things that happen to a grant or an organisation outside the app (issue: client grading). */
export type LifecycleEvent =
  | { event: 'revoke-consent'; clientId: string; subject?: string }
  | { event: 'remove-organisation-access'; organizationId: number; subject?: string }
  | { event: 'lose-pro'; organizationId: number }
  | { event: 'regain-pro'; organizationId: number }

export interface Control {
  reset(): void
  advanceClock(seconds: number): number
  settings(patch: Settings): void
  injectFault(spec: FaultSpec): void
  clearFaults(): void
  lifecycle(event: LifecycleEvent): void
}

export interface ControlDeps {
  clock: Clock
  journal: Journal
  deviations: Deviations
  connectStore: () => ConnectStore
  /** Extra reset and settings work from the Dinero side. */
  onReset: (() => void)[]
  onSettings: ((patch: Settings) => void)[]
  faults: Faults
  /** The seeded user's subject, for lifecycle events that name none. */
  defaultSubject: string
  /** Dinero-side lifecycle effects: lose access, lose or regain Pro. */
  onLifecycle: ((event: LifecycleEvent, subject: string) => boolean)[]
}

class ControlError extends MockHttpError {
  readonly code = 'invalid_control_request'
  constructor(private readonly detail: string) {
    super(detail)
  }
  toResponse(): Response {
    return json({ error: this.code, error_description: this.detail }, { status: 400 })
  }
}

export function createControl(deps: ControlDeps): Control {
  return {
    reset() {
      deps.connectStore().reset()
      deps.faults.clear()
      for (const f of deps.onReset) f()
    },
    injectFault: (spec) => deps.faults.add(spec),
    clearFaults: () => deps.faults.clear(),
    lifecycle(event) {
      const subject = ('subject' in event ? event.subject : undefined) ?? deps.defaultSubject
      if (event.event === 'revoke-consent') {
        // The user withdraws consent: consent, refresh tokens and earlier access tokens go.
        deps.connectStore().revokeConsent(subject, event.clientId)
        return
      }
      const handled = deps.onLifecycle.some((f) => f(event, subject))
      if (!handled) throw new ControlError(`unknown organisation ${event.organizationId}`)
    },
    advanceClock(seconds) {
      deps.clock.advance(seconds * 1000)
      return deps.clock.now()
    },
    settings(patch) {
      if (patch.refresh) {
        const g = patch.refresh.graceSeconds
        if (g !== undefined && (!Number.isFinite(g) || g < 0 || g > 60))
          throw new ControlError('graceSeconds must be 0–60')
        deps.connectStore().configureRefresh(patch.clientId, patch.refresh)
      }
      for (const f of deps.onSettings) f(patch)
    },
  }
}

async function body(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text()
  if (text.trim() === '') return {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {}
  throw new ControlError('body must be a JSON object')
}

function ids(value: unknown, field: string): DeviationId[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new ControlError(`${field} must be a list`)
  const unknown = value.filter((v) => !isDeviationId(v))
  if (unknown.length > 0) throw new ControlError(`unknown deviation(s): ${unknown.join(', ')}`)
  return value as DeviationId[]
}

function lifecycleEvent(b: Record<string, unknown>): LifecycleEvent {
  const subject = typeof b.subject === 'string' ? { subject: b.subject } : {}
  switch (b.event) {
    case 'revoke-consent':
      if (typeof b.clientId !== 'string') throw new ControlError('revoke-consent needs clientId')
      return { event: 'revoke-consent', clientId: b.clientId, ...subject }
    case 'remove-organisation-access':
    case 'lose-pro':
    case 'regain-pro': {
      const id = Number(b.organizationId)
      if (!Number.isInteger(id)) throw new ControlError(`${b.event} needs a numeric organizationId`)
      return b.event === 'remove-organisation-access'
        ? { event: b.event, organizationId: id, ...subject }
        : { event: b.event, organizationId: id }
    }
    default:
      throw new ControlError(
        'event must be revoke-consent, remove-organisation-access, lose-pro or regain-pro',
      )
  }
}

export function controlRoutes(control: Control, deps: ControlDeps): Route[] {
  const route = (method: Route['method'], path: string, handle: Route['handle']): Route => ({
    method,
    path,
    service: 'control',
    handle,
  })
  const deviationState = () => json({ enabled: deps.deviations.list(), available: DEVIATIONS })
  return [
    route('POST', '/__mock/reset', () => {
      control.reset()
      return new Response(null, { status: 204 })
    }),
    route('POST', '/__mock/clock', async (r) => {
      const b = await body(r.request)
      const seconds = b.advanceSeconds
      if (typeof seconds !== 'number' || !Number.isFinite(seconds))
        throw new ControlError('advanceSeconds must be a number')
      return json({ now: new Date(control.advanceClock(seconds)).toISOString() })
    }),
    route('GET', '/__mock/clock', () => json({ now: new Date(deps.clock.now()).toISOString() })),
    route('GET', '/__mock/deviations', deviationState),
    route('POST', '/__mock/deviations', async (r) => {
      const b = await body(r.request)
      if (b.set !== undefined) deps.deviations.set(ids(b.set, 'set'))
      for (const id of ids(b.enable, 'enable')) deps.deviations.enable(id)
      for (const id of ids(b.disable, 'disable')) deps.deviations.disable(id)
      return deviationState()
    }),
    route('POST', '/__mock/settings', async (r) => {
      const b = await body(r.request)
      const patch: Settings = {}
      if (b.refresh !== undefined) patch.refresh = b.refresh as Partial<RefreshPolicy>
      if (typeof b.clientId === 'string') patch.clientId = b.clientId
      if (b.dinero !== undefined) patch.dinero = b.dinero as NonNullable<Settings['dinero']>
      control.settings(patch)
      return json({ ok: true })
    }),
    route('GET', '/__mock/journal', () => json({ entries: deps.journal.entries() })),
    route('GET', '/__mock/faults', () => json({ faults: deps.faults.list() })),
    route('POST', '/__mock/faults', async (r) => {
      try {
        control.injectFault(validateFault(await body(r.request)))
      } catch (e) {
        if (e instanceof FaultSpecError) throw new ControlError(e.message)
        throw e
      }
      return json({ faults: deps.faults.list() })
    }),
    route('DELETE', '/__mock/faults', () => {
      control.clearFaults()
      return new Response(null, { status: 204 })
    }),
    route('POST', '/__mock/lifecycle', async (r) => {
      control.lifecycle(lifecycleEvent(await body(r.request)))
      return json({ ok: true })
    }),
  ]
}
