import type { Clock } from './clock.ts'
import type { RefreshPolicy } from './connect/model.ts'
import type { ConnectStore } from './connect/store.ts'
import { DEVIATIONS, type DeviationId, type Deviations, isDeviationId } from './deviations.ts'
import { json, MockHttpError } from './errors.ts'
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

export interface Control {
  reset(): void
  advanceClock(seconds: number): number
  settings(patch: Settings): void
}

export interface ControlDeps {
  clock: Clock
  journal: Journal
  deviations: Deviations
  connectStore: () => ConnectStore
  /** Extra reset and settings work from the Dinero side. */
  onReset: (() => void)[]
  onSettings: ((patch: Settings) => void)[]
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
      for (const f of deps.onReset) f()
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
  ]
}
