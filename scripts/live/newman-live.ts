import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman'
import { ITEM_SEPARATOR } from '../../collections/build.ts'
import { HarnessError } from '../cli-errors.ts'
import { uncertain } from './refresher.ts'
import type { SecretSet } from './secrets.ts'
import type { TokenAnswer, TokenStore } from './token-store.ts'

/**
 * Runner 2 for the live services: the generated collection through the Newman library, with the
 * token store hooked into Newman's request events. Why not `runNewman`: it exposes only the
 * response event, and the write-ahead record must be on disk BEFORE a refresh token leaves
 * the process. The design, and why it is safe:
 *
 * - `beforeRequest` is emitted synchronously by postman-runtime right before the request is
 *   handed to the HTTP client, with the resolved request object that is then sent
 *   (http-request.command.js: `beforeRequest(null)` … `requester.request(…, item.request, …)`).
 *   If the body presents the store's current refresh token, the handler writes the in-flight
 *   record with synchronous fs calls (temp + fsync + rename + fsync dir) before returning, so
 *   the record is durable before the first byte is sent.
 * - If the body presents a token this store knows to be consumed, or the token of an
 *   unresolved in-flight record, the handler replaces it in that same request object with an
 *   inert value: the server sees an unknown token (invalid_grant, no replay detection), the
 *   check fails, and the grant survives. Newman can therefore never replay a token, even if a
 *   test script failed to capture the rotated one.
 * - `request` is emitted synchronously when the response has arrived, before the item's test
 *   script runs and before the next request is prepared. A 200 with tokens is saved (new
 *   token + cleared in-flight record, one atomic write) inside the handler, so the rotated
 *   token is durable before Newman can use it. invalid_grant marks the grant refused; no
 *   answer or a 5xx leaves the record (the next start decides: grace retry or
 *   HARNESS_REFRESH_UNCERTAIN) and blocks the chain for the rest of the run.
 * - Every token seen in a response joins the redaction set at once, and the JUnit export is
 *   redacted in `beforeDone` (after the reporter built it, before Newman writes it).
 *
 * The grant travels as collection variables (captures are collection variables; an
 * environment value would shadow the rotated token).
 */
export const BLOCKED_TOKEN = 'blocked-by-dinero-conformance'

export interface LiveNewmanInput {
  collection: Record<string, unknown>
  environment: Record<string, string>
  collectionVariables: { refreshToken: string; accessToken: string }
  checks: readonly string[]
  store: TokenStore
  secrets: SecretSet
  graceSeconds: number
  junitPath: string
  timeoutRequestMs?: number
  onItem?: (itemName: string) => void
  /**
   * Checks allowed to present a consumed token on purpose: the confirmed `live-destructive`
   * replay check, whose whole point is to see Visma's replay detection revoke the grant.
   */
  allowReplay?: readonly string[]
}

export interface LiveVerdict {
  passed: boolean
  failures: string[]
}

export interface LiveNewmanResult {
  verdicts: Map<string, LiveVerdict>
  rotations: number
  blocked: string[]
  /** Set when the chain can no longer be used (refused, or an answer was lost). */
  fatal?: HarnessError
}

interface PropertyLike {
  key: string
  value: string
  disabled?: boolean
}
interface ListLike {
  each(fn: (p: PropertyLike) => void): void
}
interface RequestLike {
  body?: { mode?: string; urlencoded?: ListLike; raw?: string }
  url?: { query?: ListLike }
}
interface RequestEvent {
  item: { name: string }
  request?: RequestLike
  response?: { code: number; stream?: Buffer }
}

export function checkIdOf(itemName: string): string {
  const i = itemName.indexOf(ITEM_SEPARATOR)
  return i < 0 ? itemName : itemName.slice(0, i)
}

function presentedRefreshToken(request: RequestLike | undefined): string | undefined {
  let token: string | undefined
  request?.body?.urlencoded?.each((p) => {
    if (!p.disabled && p.key === 'refresh_token') token = p.value
  })
  return token
}

/** Replaces a token anywhere in the outgoing request (form, raw body, query). */
function neutralise(request: RequestLike | undefined, token: string): void {
  const swap = (p: PropertyLike) => {
    if (p.value === token) p.value = BLOCKED_TOKEN
  }
  request?.body?.urlencoded?.each(swap)
  request?.url?.query?.each(swap)
  if (request?.body && typeof request.body.raw === 'string' && request.body.raw.includes(token))
    request.body.raw = request.body.raw.split(token).join(BLOCKED_TOKEN)
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export function runLiveNewman(input: LiveNewmanInput): Promise<LiveNewmanResult> {
  const { store, secrets } = input
  const blocked: string[] = []
  let rotations = 0
  let fatal: HarnessError | undefined
  let pending: { item: string; token: string } | undefined

  const variable = ((input.collection.variable as PropertyLike[]) ?? []).filter(
    (v) => !(v.key in input.collectionVariables),
  )
  for (const [key, value] of Object.entries(input.collectionVariables)) variable.push({ key, value })

  const options = {
    collection: { ...input.collection, variable },
    environment: {
      values: Object.entries(input.environment).map(([key, value]) => ({ key, value, enabled: true })),
    },
    folder: [...input.checks],
    reporters: ['junit'],
    reporter: { junit: { export: input.junitPath } },
    ignoreRedirects: true,
    timeoutRequest: input.timeoutRequestMs ?? 30_000,
  } as unknown as NewmanRunOptions

  const beforeRequest = (_err: unknown, args: RequestEvent) => {
    const token = presentedRefreshToken(args.request)
    if (token === undefined) return
    secrets.add(token)
    const grant = store.grant
    const unsettled = grant.inFlight?.token === token
    const current = token === grant.refreshToken
    const deliberate = store.isSpent(token) && (input.allowReplay ?? []).includes(checkIdOf(args.item.name))
    if (deliberate) return
    if (store.isSpent(token) || unsettled || (current && fatal !== undefined)) {
      neutralise(args.request, token)
      blocked.push(args.item.name)
      return
    }
    if (!current) return // a check's own (bogus) token, not the grant
    store.beginRefresh(token)
    pending = { item: args.item.name, token }
  }

  const onResponse = (err: unknown, args: RequestEvent) => {
    const text = args.response?.stream?.toString('utf8') ?? ''
    const body = parse(text)
    secrets.addTokenResponse(body)
    if (pending === undefined || pending.item !== args.item.name) return
    const { token } = pending
    pending = undefined
    const code = args.response?.code
    if (
      err ||
      code === undefined ||
      code >= 500 ||
      (code === 200 && typeof body?.access_token !== 'string')
    ) {
      // The token may have been consumed without an answer we can use: keep the record.
      fatal = uncertain(store.grant.inFlight!, input.graceSeconds)
      return
    }
    if (code === 200) {
      store.completeRefresh(token, body as TokenAnswer)
      rotations++
      return
    }
    if (body?.error === 'invalid_grant') {
      store.rejectRefresh(token)
      fatal = new HarnessError(
        'HARNESS_REFRESH_REJECTED',
        'the refresh token was refused with invalid_grant during the run: run npm run login again',
      )
      return
    }
    store.abandonRefresh()
  }

  return new Promise((resolve, reject) => {
    const emitter = newman.run(options, (err, summary) => {
      if (err) {
        reject(
          new HarnessError('HARNESS_NEWMAN_FAILED', `newman could not run: ${secrets.redact(err.message)}`),
        )
        return
      }
      resolve({ verdicts: verdictsOf(summary, blocked), rotations, blocked, ...(fatal ? { fatal } : {}) })
    })
    emitter.on('beforeRequest', beforeRequest)
    emitter.on('request', onResponse)
    if (input.onItem) {
      const onItem = input.onItem
      emitter.on('item', (_err: unknown, args: { item: { name: string } }) => onItem(args.item.name))
    }
    // Registered at 'start', i.e. after the reporters: runs after the JUnit reporter built its
    // report and before Newman writes it.
    emitter.on('start', () => {
      emitter.on('beforeDone', () => {
        const exports = (emitter as unknown as { exports?: { content?: unknown }[] }).exports ?? []
        for (const e of exports) if (typeof e.content === 'string') e.content = secrets.redact(e.content)
      })
    })
  })
}

function verdictsOf(summary: NewmanRunSummary, blocked: readonly string[]): Map<string, LiveVerdict> {
  const verdicts = new Map<string, LiveVerdict>()
  const add = (name: string, failure?: string) => {
    const id = checkIdOf(name)
    const v = verdicts.get(id) ?? { passed: true, failures: [] }
    if (failure !== undefined) {
      v.failures.push(failure)
      v.passed = false
    }
    verdicts.set(id, v)
  }
  for (const execution of summary.run.executions) {
    const name = execution.item.name
    add(name)
    const requestError = (execution as unknown as { requestError?: Error }).requestError
    if (requestError) add(name, `${name}: request failed: ${requestError.message}`)
    for (const a of execution.assertions ?? [])
      if (a.error) add(name, `${name}: ${a.assertion}: ${a.error.message}`)
  }
  for (const f of summary.run.failures) {
    const name = (f.source as { name?: string } | undefined)?.name ?? ''
    const v = verdicts.get(checkIdOf(name))
    if (v && !v.failures.some((m) => m.endsWith(f.error.message))) add(name, `${name}: ${f.error.message}`)
  }
  for (const name of blocked)
    add(name, `${name}: blocked: it would have presented a consumed or unsettled refresh token`)
  return verdicts
}
