import type { Clock } from './clock.ts'
import type { RefreshPolicy } from './connect/model.ts'
import type { ConnectStore } from './connect/store.ts'
import { DEVIATIONS, type DeviationId, type Deviations, isDeviationId } from './deviations.ts'
import { DELIVERY_HEADER, type WebhookDelivery } from './dinero/webhook-delivery.ts'
import { json, MockHttpError } from './errors.ts'
import { type FaultSpec, FaultSpecError, type Faults, validateFault } from './faults.ts'
import { JOURNAL_PAGE, type Journal } from './journal.ts'
import { refreshPolicyProblem } from './options.ts'
import type { Route, RouteRequest } from './routes.ts'

/**
 * The control surface under `/__mock/*`: reset, clock, deviations, settings, faults, lifecycle
 * events and the redacted journal, for users outside the process (Newman, curl, their own app).
 * Every operation is also a method on the mock. The served adapter answers it for loopback
 * peers and loopback `Host`s only (http/control-guard.ts); here, on every path, in-process too:
 * - a request whose `Origin` is not the mock's own, or whose `Sec-Fetch-Site` says another site,
 *   is refused with 403 (a web page in the user's browser is not a control client);
 * - a state-changing request must be `Content-Type: application/json`, since a page can send a
 *   CORS-safelisted type (text/plain, multipart/form-data, form encoding) anywhere without a
 *   preflight (Fetch standard, "CORS-safelisted request-header"); 415 otherwise. curl's `-d`
 *   (form encoding) and a bare `curl -X POST` are accepted from clients that carry no browser
 *   headers, so the commands in the README work as written.
 * Webhooks (dinero/webhook-delivery.ts): `GET /__mock/webhooks/deliveries` lists the deliveries
 * and their attempts; `POST /__mock/webhooks/flush` runs every waiting retry now and answers
 * once none is pending; `POST /__mock/webhooks/sink` is a subscriber the mock offers itself
 * (answers 200, or the `?status=` asked for) and `GET /__mock/webhooks/sink` lists what it
 * received (`?eventId=`, `?entityGuid=` filter), so a client outside the process can watch a
 * delivery arrive. The sink is the only control route a delivery (a request carrying
 * `x-mock-webhook-delivery`) reaches; every other answers it 403 `webhook_delivery`: an API client
 * may subscribe any Uri, including `http://127.0.0.1:<port>/__mock/reset`, and the mock's own
 * POST carries a loopback Host and no Origin, so the rules above would let it through.
 */
export interface Settings {
  /** Applied to one client (`clientId`) or all. */
  refresh?: Partial<RefreshPolicy>
  clientId?: string
  dinero?: { rateLimitPerMinute?: number; retryAfter?: boolean }
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
  /**
   * Every access token issued so far (to `clientId`, or to every client) answers as expired from
   * now on; the clock stays. A clock moved past the 3600 s also expires them, but an app keeps its
   * own clock, and the id_tokens issued after such a move are not yet valid on it (`nbf`, `iat`):
   * openid-client refused the refresh answer that carried one, after the refresh token had rotated.
   */
  expireAccessTokens(clientId?: string): void
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
  webhooks: WebhookDelivery
}

/** What the sink received, newest last (at most SINK_KEEP). */
interface Received {
  at: string
  status: number
  attempt: string | null
  body: unknown
}
const SINK_KEEP = 1_000
/**
 * The largest body the sink keeps: the mock's own deliveries are a few hundred bytes (Dinero's
 * webhook payload names an event and an entity), and 1,000 bodies of 1 MiB took the served mock
 * to 1.8 GB. With SINK_KEEP, at most 64 MiB are held.
 */
const SINK_BODY_MAX = 64 * 1024
/**
 * The deepest JSON the sink keeps (arrays and objects inside each other). A webhook body is two
 * levels deep. The bound is explicit because the stack is not one: JSON nested 5,000 deep
 * overflowed `JSON.stringify` on a main thread's stack but not in a worker thread's, so whether a
 * body was kept, and whether the listing could be written, depended on where the mock ran.
 */
const SINK_DEPTH_MAX = 64

/** Whether `value` nests arrays and objects more than `max` deep; iterative, so no stack is at risk. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [v, depth] = next
    if (v === null || typeof v !== 'object') continue
    if (depth + 1 > max) return true
    for (const child of Object.values(v)) pending.push([child, depth + 1])
  }
  return false
}

/** A request the control surface will not take from this sender (403) or in this form (415). */
class ControlRefused extends MockHttpError {
  readonly code: 'forbidden' | 'unsupported_media_type'
  constructor(
    private readonly status: 403 | 415,
    private readonly reason: string,
    private readonly detail: string,
  ) {
    super(detail)
    this.code = status === 415 ? 'unsupported_media_type' : 'forbidden'
  }
  toResponse(): Response {
    return json(
      { error: this.code, reason: this.reason, error_description: this.detail },
      { status: this.status },
    )
  }
}

/**
 * Headers every current browser adds to its requests (Fetch standard; Fetch Metadata); curl adds
 * none. `Sec-Fetch-Mode` alone does not count: Node's own fetch (undici) sends `cors` on every
 * request, and the README's bare `POST /__mock/reset` got 415 from it (adversarial pass); a browser
 * sends it only together with Sec-Fetch-Site and Sec-Fetch-Dest.
 */
const fromBrowser = (h: Headers) => h.has('origin') || h.has('sec-fetch-site') || h.has('sec-fetch-dest')

const mediaType = (h: Headers) => (h.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()

/** Refuses what a web page could send; returns the body text of a state-changing request. */
async function admit(r: RouteRequest, takesDeliveries: boolean): Promise<string> {
  const h = r.request.headers
  if (!takesDeliveries && h.has(DELIVERY_HEADER))
    throw new ControlRefused(
      403,
      'webhook_delivery',
      'a webhook delivery reaches only POST /__mock/webhooks/sink on the control surface',
    )
  const origin = h.get('origin')
  if (origin !== null && origin !== r.url.origin)
    throw new ControlRefused(
      403,
      'cross_origin',
      `Origin ${origin} is not this mock (${r.url.origin}); the control surface refuses requests from web pages of other origins`,
    )
  const site = h.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin' && site !== 'none')
    throw new ControlRefused(
      403,
      'cross_site',
      `Sec-Fetch-Site: ${site}; the control surface refuses requests a page of another site made`,
    )
  const method = r.request.method
  if (method === 'GET' || method === 'HEAD') return ''
  const text = await r.request.text()
  const type = mediaType(h)
  if (type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)) return text
  const curlLike =
    !fromBrowser(h) && ((type === '' && text === '') || type === 'application/x-www-form-urlencoded')
  if (curlLike) return text
  throw new ControlRefused(
    415,
    'content_type',
    `a control request that changes state must be Content-Type: application/json (got ${type || 'none'}); a web page can send ${type || 'that'} to any origin without asking`,
  )
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
      // Time first: the reseeded stores date what they create by the clock.
      deps.clock.reset()
      deps.connectStore().reset()
      deps.faults.clear()
      for (const f of deps.onReset) f()
    },
    injectFault: (spec) => deps.faults.add(spec),
    clearFaults: () => deps.faults.clear(),
    lifecycle(event) {
      const subject = ('subject' in event ? event.subject : undefined) ?? deps.defaultSubject
      if (event.event === 'revoke-consent') {
        // The user withdraws consent: consent, refresh tokens and earlier access tokens go. A
        // client or user the mock does not know is named, as the other events and settings do:
        // `{"ok":true}` for a misspelt client let a check believe it had revoked something.
        const store = deps.connectStore()
        if (!store.clients.has(event.clientId))
          throw new ControlError(`unknown client ${JSON.stringify(event.clientId)}`)
        if (!store.users.has(subject)) throw new ControlError(`unknown user ${JSON.stringify(subject)}`)
        store.revokeConsent(subject, event.clientId)
        return
      }
      const handled = deps.onLifecycle.some((f) => f(event, subject))
      // Nothing handled it: name what is unknown, the user or the organisation.
      if (!handled)
        throw new ControlError(
          deps.connectStore().users.has(subject)
            ? `unknown organisation ${event.organizationId}`
            : `unknown user ${JSON.stringify(subject)}`,
        )
    },
    expireAccessTokens(clientId) {
      if (clientId !== undefined && !deps.connectStore().clients.has(clientId))
        throw new ControlError(`unknown client ${JSON.stringify(clientId)}`)
      deps.connectStore().expireAccessTokens(clientId)
    },
    advanceClock(seconds) {
      try {
        deps.clock.advance(seconds * 1000)
      } catch (e) {
        if (e instanceof RangeError) throw new ControlError(`advanceSeconds ${seconds}: ${e.message}`)
        throw e
      }
      return deps.clock.now()
    },
    settings(patch) {
      // All of it checked before any of it applies: a refused patch changes nothing.
      const problem =
        (patch.refresh === undefined ? undefined : refreshPolicyProblem(patch.refresh)) ??
        (patch.dinero === undefined ? undefined : dineroSettingsProblem(patch.dinero))
      if (problem !== undefined) throw new ControlError(problem)
      if (patch.clientId !== undefined && !deps.connectStore().clients.has(patch.clientId))
        throw new ControlError(`unknown client ${JSON.stringify(patch.clientId)}`)
      if (patch.refresh) deps.connectStore().configureRefresh(patch.clientId, patch.refresh)
      for (const f of deps.onSettings) f(patch)
    },
  }
}

/** What is wrong with a `dinero` settings patch, or undefined; an unknown key is refused. */
function dineroSettingsProblem(d: unknown): string | undefined {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'dinero settings must be an object'
  for (const [key, v] of Object.entries(d)) {
    if (key === 'rateLimitPerMinute') {
      if (!Number.isInteger(v) || (v as number) < 0)
        return 'rateLimitPerMinute must be a whole number of requests, 0 for no limit'
    } else if (key === 'retryAfter') {
      if (typeof v !== 'boolean') return 'retryAfter must be true or false'
    } else return `unknown dinero setting ${JSON.stringify(key)}`
  }
  return undefined
}

function body(text: string): Record<string, unknown> {
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
  if (b.subject !== undefined && typeof b.subject !== 'string')
    throw new ControlError('subject must be a string')
  const subject = typeof b.subject === 'string' ? { subject: b.subject } : {}
  switch (b.event) {
    case 'revoke-consent':
      if (typeof b.clientId !== 'string') throw new ControlError('revoke-consent needs clientId')
      return { event: 'revoke-consent', clientId: b.clientId, ...subject }
    case 'remove-organisation-access':
    case 'lose-pro':
    case 'regain-pro': {
      // A JSON number, or its decimal digits as a string: `[118244]` and `"0x1CDE4"` went
      // through Number() as the organisation before.
      const raw = b.organizationId
      const id =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^\d{1,9}$/.test(raw)
            ? Number(raw)
            : Number.NaN
      if (!Number.isInteger(id) || id < 0) throw new ControlError(`${b.event} needs a numeric organizationId`)
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

function pageParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name)
  if (raw === null) return fallback
  // Digits only: Number() also reads `0x10`, `1e1` and ` 3 `, which the docs do not promise.
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ControlError(`${name} must be an integer from ${min} to ${max}`)
  return n
}

export function controlRoutes(control: Control, deps: ControlDeps): Route[] {
  const route = (
    method: Route['method'],
    path: string,
    handle: (r: RouteRequest, text: string) => Response | Promise<Response>,
  ): Route => ({
    method,
    path,
    service: 'control',
    handle: async (r) => handle(r, await admit(r, method === 'POST' && path === '/__mock/webhooks/sink')),
  })
  const deviationState = () => json({ enabled: deps.deviations.list(), available: DEVIATIONS })
  let received: Received[] = []
  deps.onReset.push(() => {
    received = []
  })
  const field = (body: unknown, name: string) =>
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined
  return [
    route('GET', '/__mock/webhooks/deliveries', () => json({ deliveries: deps.webhooks.list() })),
    route('POST', '/__mock/webhooks/flush', async () => json({ deliveries: await deps.webhooks.flush() })),
    route('POST', '/__mock/webhooks/sink', (r, text) => {
      const status = pageParam(r.url, 'status', 200, 200, 599)
      if (Buffer.byteLength(text) > SINK_BODY_MAX)
        throw new ControlError(`the sink keeps bodies of at most ${SINK_BODY_MAX} bytes`)
      const kept = text.trim() === '' ? null : body(text)
      // Kept only if it can be listed again: JSON nested thousands deep parses, but
      // JSON.stringify then overflowed the stack, and every later GET of the sink answered 500.
      if (nestedDeeperThan(kept, SINK_DEPTH_MAX))
        throw new ControlError(`the sink keeps JSON nested at most ${SINK_DEPTH_MAX} deep`)
      received.push({
        at: new Date(deps.clock.now()).toISOString(),
        status,
        attempt: r.request.headers.get('x-mock-webhook-attempt'),
        body: kept,
      })
      if (received.length > SINK_KEEP) received = received.slice(-SINK_KEEP)
      // A null-body status cannot carry the count.
      if (status === 204 || status === 205 || status === 304) return new Response(null, { status })
      return json({ received: received.length }, { status })
    }),
    route('GET', '/__mock/webhooks/sink', (r) => {
      const eventId = r.url.searchParams.get('eventId')
      const entityGuid = r.url.searchParams.get('entityGuid')?.toLowerCase()
      return json({
        received: received.filter(
          (x) =>
            (eventId === null || field(x.body, 'EventId') === eventId) &&
            (entityGuid === undefined || String(field(x.body, 'EntityGuid')).toLowerCase() === entityGuid),
        ),
      })
    }),
    route('POST', '/__mock/reset', () => {
      control.reset()
      return new Response(null, { status: 204 })
    }),
    route('POST', '/__mock/clock', (_r, text) => {
      const b = body(text)
      const seconds = b.advanceSeconds
      if (typeof seconds !== 'number' || !Number.isFinite(seconds))
        throw new ControlError('advanceSeconds must be a number')
      return json({ now: new Date(control.advanceClock(seconds)).toISOString() })
    }),
    route('GET', '/__mock/clock', () => json({ now: new Date(deps.clock.now()).toISOString() })),
    route('GET', '/__mock/deviations', deviationState),
    route('POST', '/__mock/deviations', (_r, text) => {
      const b = body(text)
      const unknown = Object.keys(b).find((k) => k !== 'set' && k !== 'enable' && k !== 'disable')
      if (unknown !== undefined) throw new ControlError(`unknown field ${JSON.stringify(unknown)}`)
      // Every list is read before any is applied: a refused request changes nothing (a 400 that
      // had already switched on the `set` list was found by an adversarial pass).
      const set = b.set === undefined ? undefined : ids(b.set, 'set')
      const enable = ids(b.enable, 'enable')
      const disable = ids(b.disable, 'disable')
      if (set !== undefined) deps.deviations.set(set)
      for (const id of enable) deps.deviations.enable(id)
      for (const id of disable) deps.deviations.disable(id)
      return deviationState()
    }),
    route('POST', '/__mock/settings', (_r, text) => {
      const b = body(text)
      const unknown = Object.keys(b).find((k) => k !== 'refresh' && k !== 'clientId' && k !== 'dinero')
      if (unknown !== undefined) throw new ControlError(`unknown setting ${JSON.stringify(unknown)}`)
      const patch: Settings = {}
      if (b.refresh !== undefined) patch.refresh = b.refresh as Partial<RefreshPolicy>
      if (b.clientId !== undefined) {
        if (typeof b.clientId !== 'string') throw new ControlError('clientId must be a string')
        patch.clientId = b.clientId
      }
      if (b.dinero !== undefined) patch.dinero = b.dinero as NonNullable<Settings['dinero']>
      control.settings(patch)
      return json({ ok: true })
    }),
    route('GET', '/__mock/journal', (r) =>
      json(
        deps.journal.page({
          since: pageParam(r.url, 'since', 0, 0, Number.MAX_SAFE_INTEGER),
          limit: pageParam(r.url, 'limit', JOURNAL_PAGE.default, 1, JOURNAL_PAGE.max),
        }),
      ),
    ),
    route('GET', '/__mock/faults', () => json({ faults: deps.faults.list() })),
    route('POST', '/__mock/faults', (_r, text) => {
      try {
        control.injectFault(validateFault(body(text)))
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
    route('POST', '/__mock/lifecycle', (_r, text) => {
      control.lifecycle(lifecycleEvent(body(text)))
      return json({ ok: true })
    }),
  ]
}
