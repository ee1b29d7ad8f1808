import type { NewmanRunSummary } from 'newman'
import { HarnessError } from '../errors.ts'
import {
  checkIdOf,
  type NewmanExchange,
  type NewmanHooks,
  type NewmanRequest,
  type NewmanVerdict,
  runNewman,
} from '../newman/run.ts'
import { addExchange } from '../reports/secrets.ts'
import { neverSentCode, nothingSent, uncertain } from './refresher.ts'
import type { SecretSet } from './secrets.ts'
import type { TokenAnswer, TokenStore } from './token-store.ts'

/**
 * The live run's hooks on the one Newman wrapper (scripts/newman/run.ts): the token store is
 * kept in step with every request Newman sends, because the write-ahead record must be on disk
 * BEFORE a refresh token leaves the process. The design, and why it is safe:
 *
 * - `beforeRequest` runs synchronously right before the request is handed to the HTTP client,
 *   with the request object that is then sent. If the body presents the store's current
 *   refresh token, the hook writes the in-flight record with synchronous fs calls (temp +
 *   fsync + rename + fsync dir) before returning, so the record is durable before the first
 *   byte is sent.
 * - If the body presents a token this store knows to be consumed, or the token of an
 *   unresolved in-flight record, the hook replaces it in that same request object with an
 *   inert value: the server sees an unknown token (invalid_grant, no replay detection), the
 *   check fails, and the grant survives. Newman can therefore never replay a token, even if a
 *   test script failed to capture the rotated one.
 * - `onResponse` runs synchronously when the response has arrived, before the item's test
 *   script runs and before the next request is prepared. A 200 with tokens is saved (new
 *   token + cleared in-flight record, one atomic write) inside the hook, so the rotated
 *   token is durable before Newman can use it. invalid_grant marks the grant refused; no
 *   answer or a 5xx leaves the record (the next start decides: grace retry or
 *   HARNESS_REFRESH_UNCERTAIN) and blocks the chain for the rest of the run.
 * - Every token seen in a response joins the redaction set at once; the reports, written from
 *   the run's summary afterwards (scripts/reports/), are redacted with that set.
 * - Newman swallows an error thrown in a hook and goes on (the request is still sent). So the
 *   hooks never throw: an error in one (the lock taken over, a store that cannot be written)
 *   becomes the run's fatal error, the request at hand and every later one go out with any
 *   refresh_token neutralised — the store can no longer record a write-ahead record, so no
 *   refresh token is sent again — and the run ends with that error's code.
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
  timeoutRequestMs?: number
  onItem?: (itemName: string) => void
  /** Every answer, after the store has seen it (the drift recorder: scripts/live/drift/record.ts). */
  onResponse?: NewmanHooks['onResponse']
  /**
   * Checks allowed to present a consumed token on purpose: the confirmed `live-destructive`
   * replay check, whose whole point is to see Visma's replay detection revoke the grant.
   */
  allowReplay?: readonly string[]
}

export type LiveVerdict = NewmanVerdict

export interface LiveNewmanResult {
  verdicts: Map<string, LiveVerdict>
  rotations: number
  blocked: string[]
  /** Newman's run: the executions the reports are written from (scripts/reports/outcomes.ts). */
  summary: NewmanRunSummary
  /** Set when the chain can no longer be used (refused, or an answer was lost). */
  fatal?: HarnessError
}

interface PropertyLike {
  key: string
  value: string
  disabled?: boolean
}

function presentedRefreshToken(request: NewmanRequest | undefined): string | undefined {
  let token: string | undefined
  request?.body?.urlencoded?.each((p) => {
    if (!p.disabled && p.key === 'refresh_token') token = p.value
  })
  return token
}

/** Replaces every refresh_token parameter of the outgoing request (form, query), whatever its value. */
function neutraliseAll(request: NewmanRequest | undefined): boolean {
  let found = false
  const swap = (p: PropertyLike) => {
    if (p.key === 'refresh_token' && p.value !== BLOCKED_TOKEN) {
      p.value = BLOCKED_TOKEN
      found = true
    }
  }
  request?.body?.urlencoded?.each(swap)
  request?.url?.query?.each(swap)
  if (request?.body && typeof request.body.raw === 'string' && /refresh_token/.test(request.body.raw)) {
    request.body.raw = request.body.raw.replace(
      /(refresh_token["']?\s*[=:]\s*["']?)[^&"'\s,}]+/g,
      `$1${BLOCKED_TOKEN}`,
    )
    found = true
  }
  return found
}

function asHarnessError(e: unknown, hook: string): HarnessError {
  if (e instanceof HarnessError) return e
  return new HarnessError(
    'HARNESS_NEWMAN_FAILED',
    `the live run's ${hook} hook failed (${e instanceof Error ? e.message : String(e)}); no refresh token was sent after it`,
  )
}

/** Replaces a token anywhere in the outgoing request (form, raw body, query). */
function neutralise(request: NewmanRequest | undefined, token: string): void {
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

export async function runLiveNewman(input: LiveNewmanInput): Promise<LiveNewmanResult> {
  const { store, secrets } = input
  const blocked: string[] = []
  let rotations = 0
  let fatal: HarnessError | undefined
  let pending: { item: string; token: string } | undefined
  /** Set by an error inside a hook: the store cannot be trusted to record anything from here on. */
  let hookFailed = false
  const failHook = (e: unknown, hook: string) => {
    const error = asHarnessError(e, hook)
    if (!hookFailed) fatal = error
    hookFailed = true
    pending = undefined
  }

  const beforeRequest = (item: string, request: NewmanRequest | undefined) => {
    if (hookFailed) {
      if (neutraliseAll(request)) blocked.push(item)
      return
    }
    try {
      guardRequest(item, request)
    } catch (e) {
      failHook(e, 'beforeRequest')
      if (neutraliseAll(request)) blocked.push(item)
    }
  }

  const guardRequest = (item: string, request: NewmanRequest | undefined) => {
    const token = presentedRefreshToken(request)
    if (token === undefined) return
    secrets.add(token)
    const grant = store.grant
    const unsettled = grant.inFlight?.token === token
    const current = token === grant.refreshToken
    const deliberate = store.isSpent(token) && (input.allowReplay ?? []).includes(checkIdOf(item))
    if (deliberate) return
    if (store.isSpent(token) || unsettled || (current && fatal !== undefined)) {
      neutralise(request, token)
      blocked.push(item)
      return
    }
    if (!current) return // a check's own (bogus) token, not the grant
    store.beginRefresh(token)
    pending = { item, token }
  }

  const onResponse = (item: string, exchange: NewmanExchange | undefined, err: unknown) => {
    try {
      settle(item, exchange, err)
    } catch (e) {
      failHook(e, 'onResponse')
    }
  }

  const settle = (item: string, exchange: NewmanExchange | undefined, err: unknown) => {
    const body = parse(exchange?.text ?? '')
    // Everything secret in the exchange, not only a token answer: a code in a Location header or
    // a form_post page (a check that expected an error may get one), credentials, cookies.
    if (exchange !== undefined) addExchange(secrets, exchange)
    if (hookFailed || pending === undefined || pending.item !== item) return
    const { token } = pending
    pending = undefined
    const code = exchange?.code
    if (
      err ||
      code === undefined ||
      code >= 500 ||
      (code === 200 && typeof body?.access_token !== 'string')
    ) {
      const inFlight = store.grant.inFlight!
      const notSent = err ? neverSentCode(err) : undefined
      if (notSent !== undefined && inFlight.attempts === 1) {
        store.abandonRefresh()
        fatal = nothingSent(`the token endpoint could not be reached (${notSent})`)
        return
      }
      // The token may have been consumed without an answer we can use: keep the record.
      fatal = uncertain(
        inFlight,
        input.graceSeconds,
        err || code === undefined
          ? { kind: 'no-answer', reason: err instanceof Error ? err.message : 'the connection failed' }
          : { kind: 'answer-without-tokens', status: code },
      )
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

  const { verdicts, summary } = await runNewman({
    collection: input.collection,
    environment: input.environment,
    collectionVariables: input.collectionVariables,
    checks: input.checks,
    ...(input.timeoutRequestMs === undefined ? {} : { timeoutRequestMs: input.timeoutRequestMs }),
    beforeRequest,
    onResponse: (item, exchange, err) => {
      onResponse(item, exchange, err)
      try {
        input.onResponse?.(item, exchange, err)
      } catch (e) {
        failHook(e, 'onResponse')
      }
    },
    ...(input.onItem ? { onItem: input.onItem } : {}),
    redactExport: (content) => secrets.redact(content),
  })
  for (const name of blocked) {
    const v = verdicts.get(checkIdOf(name)) ?? { passed: false, failures: [] }
    v.failures.push(`${name}: blocked: it would have presented a consumed or unsettled refresh token`)
    v.passed = false
    verdicts.set(checkIdOf(name), v)
  }
  return { verdicts, rotations, blocked, summary, ...(fatal ? { fatal } : {}) }
}

export interface PooledNewmanInput {
  collection: Record<string, unknown>
  /** Base variables plus the pooled values (`pooled` set, so the check's mock prelude is skipped). */
  environment: Record<string, string>
  collectionVariables?: Record<string, string>
  checkId: string
  secrets: SecretSet
  /** Every answer (the drift recorder: scripts/live/drift/record.ts). */
  onResponse?: NewmanHooks['onResponse']
}

/**
 * One pooled check of `login` through Newman: its own code (or throw-away grant) arrives as
 * environment values, so each check runs alone. Nothing here touches the stored grant; every
 * token an answer carries joins the redaction set at once.
 */
export async function runPooledNewman(input: PooledNewmanInput): Promise<LiveVerdict> {
  const { verdicts } = await runNewman({
    collection: input.collection,
    environment: input.environment,
    ...(input.collectionVariables ? { collectionVariables: input.collectionVariables } : {}),
    checks: [input.checkId],
    onResponse: (item, exchange, err) => {
      if (exchange !== undefined) addExchange(input.secrets, exchange)
      input.onResponse?.(item, exchange, err)
    },
    redactExport: (content) => input.secrets.redact(content),
  })
  return verdicts.get(input.checkId) ?? { passed: false, failures: ['Newman ran no step of this check'] }
}
