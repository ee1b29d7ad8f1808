import { HarnessError, serverText } from '../errors.ts'
import type { SecretSet } from './secrets.ts'
import {
  assertUsable,
  type InFlight,
  type StoredGrant,
  type TokenAnswer,
  type TokenStore,
} from './token-store.ts'

/**
 * The refresh_token grant with the write-ahead protocol (RFC 6749 §6; visma-connect-tokens,
 * duende-refresh-token-service: one-time refresh tokens, a replay revokes the grant):
 * 1. refuse a token this harness knows to be consumed (a replay makes Visma revoke everything);
 * 2. save the in-flight record (token + time), THEN send the form (client_secret_post);
 * 3. 200 → save the new tokens and clear the record in one atomic write;
 *    invalid_grant → mark the grant refused (HARNESS_REFRESH_REJECTED, "run npm run login");
 *    any other 4xx → the token was not consumed: clear the record and report;
 *    the request provably never left the machine (connection refused, DNS failure, connect
 *    timeout: nothing was written to a socket) → the token was not consumed: clear the record
 *    and report HARNESS_CONNECT_UNREACHABLE, the same token stays usable;
 *    no answer after sending / 5xx / 200 without tokens → the token may be consumed: keep the
 *    record and go to 4;
 * 4. recovery (also on start, when a record is left over): inside the configured grace window
 *    (measured from before the first presentation, minus a margin) present the same token again —
 *    the server accepts it there; otherwise stop with HARNESS_REFRESH_UNCERTAIN and never
 *    present it silently.
 */
export interface RefresherOptions {
  connectUrl: string
  clientId: string
  clientSecret: string
  /** DINERO_REFRESH_GRACE_SECONDS: the grace window of the Visma Connect app; 0 = none. */
  graceSeconds: number
  secrets?: SecretSet
  log?: (line: string) => void
  timeoutMs?: number
  now?: () => number
  /** Test hook: runs after the answer is read and before it is saved (the crash test dies here). */
  afterAnswer?: () => void
}

/** Time kept back from the grace window for clock skew and the request's own duration. */
export const GRACE_MARGIN_MS = 2_000
const MAX_ATTEMPTS = 3

/**
 * Whether the in-flight token may be presented again. A record dated after `now` (the clock moved
 * back, or the record came from a machine whose clock runs ahead) is never inside the window: the
 * time since the presentation is unknown, and a negative elapsed time would pass forever.
 */
export function withinGrace(inFlight: InFlight, graceSeconds: number, now: number): boolean {
  const elapsed = now - inFlight.at
  return graceSeconds > 0 && elapsed >= 0 && elapsed < graceSeconds * 1000 - GRACE_MARGIN_MS
}

/** What is known about a refresh whose outcome was not saved; each case gets a message that is true for it. */
export type Unsettled =
  | { kind: 'left-over' }
  | { kind: 'no-answer'; reason: string }
  | { kind: 'answer-without-tokens'; status: number }

function describe(inFlight: InFlight, what: Unsettled): string {
  const at = new Date(inFlight.at).toISOString()
  switch (what.kind) {
    case 'left-over':
      return `a refresh started at ${at} by an earlier run was never settled (that run stopped before it saved an outcome)`
    case 'no-answer':
      return `a refresh sent at ${at} got no answer (${what.reason})`
    case 'answer-without-tokens':
      return `a refresh sent at ${at} was answered ${what.status} without new tokens`
  }
}

export function uncertain(
  inFlight: InFlight,
  graceSeconds: number,
  what: Unsettled = { kind: 'left-over' },
  now?: number,
): HarnessError {
  const why =
    graceSeconds <= 0
      ? ' (no grace window configured: DINERO_REFRESH_GRACE_SECONDS)'
      : now !== undefined && now < inFlight.at
        ? ` (the record is dated after this machine's clock, ${new Date(now).toISOString()}: the clock moved back, so the time since that presentation is unknown and the ${graceSeconds} s grace window cannot be relied on)`
        : ` (the ${graceSeconds} s grace window has passed)`
  return new HarnessError(
    'HARNESS_REFRESH_UNCERTAIN',
    `${describe(inFlight, what)}, so the stored refresh token may already be consumed at the server; presenting it again could make Visma revoke ALL access for this client and user, so it is not presented${why}. Run npm run login again`,
  )
}

/**
 * Error codes that mean the request never left this machine: the connection or the name lookup
 * failed, so no byte of the request (and so no token) was written to a socket. A reset or a
 * timeout after connecting is not among them: the server may have read the token.
 */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])

/** The pre-connection error code of `e` (fetch wraps it as `cause`; happy eyeballs as an AggregateError), if that is all it is. */
export function neverSentCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 5; cur = cur.cause, depth++) {
    const code = (cur as NodeJS.ErrnoException).code
    if (code !== undefined && NEVER_SENT.has(code)) {
      const all = (cur as Partial<AggregateError>).errors
      if (Array.isArray(all) && !all.every((x) => neverSentCode(x) !== undefined)) return undefined
      return code
    }
  }
  return undefined
}

/** Refreshes the stored grant once, recovering a left-over in-flight record first. */
export async function refreshStored(store: TokenStore, o: RefresherOptions): Promise<StoredGrant> {
  const now = o.now ?? Date.now
  const grant = store.load()
  assertUsable(grant, { issuer: o.connectUrl, clientId: o.clientId, now: now() })
  if (grant.inFlight !== undefined) {
    const at = now()
    if (!withinGrace(grant.inFlight, o.graceSeconds, at))
      throw uncertain(grant.inFlight, o.graceSeconds, { kind: 'left-over' }, at)
    o.log?.(
      `${describe(grant.inFlight, { kind: 'left-over' })}; presenting that token once more inside the ${o.graceSeconds} s grace window`,
    )
    return present(store, grant.inFlight.token, o)
  }
  return present(store, grant.refreshToken, o)
}

async function present(store: TokenStore, token: string, o: RefresherOptions): Promise<StoredGrant> {
  if (store.isSpent(token))
    throw new HarnessError(
      'HARNESS_REPLAY_BLOCKED',
      'refusing to present a refresh token that is already consumed (a replay revokes all access): run npm run login again',
    )
  o.secrets?.add(token)
  const inFlight = store.beginRefresh(token)
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: token,
    client_id: o.clientId,
    client_secret: o.clientSecret,
  }).toString()

  let status: number
  let text: string
  try {
    const res = await fetch(`${o.connectUrl}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    })
    status = res.status
    text = await res.text()
  } catch (e) {
    const code = neverSentCode(e)
    if (code !== undefined) return unreachable(store, inFlight, o, code)
    const reason = e instanceof Error && e.name === 'TimeoutError' ? 'timed out' : 'the connection failed'
    return noAnswer(store, token, inFlight, o, { kind: 'no-answer', reason })
  }

  let answer: (TokenAnswer & { error?: string }) | undefined
  try {
    answer = JSON.parse(text) as TokenAnswer & { error?: string }
  } catch {}
  if (status >= 500 || (status === 200 && typeof answer?.access_token !== 'string'))
    return noAnswer(store, token, inFlight, o, { kind: 'answer-without-tokens', status })

  if (status === 200 && answer !== undefined) {
    o.secrets?.addTokenResponse(answer)
    o.afterAnswer?.()
    return store.completeRefresh(token, answer)
  }
  const error = answer?.error ?? `HTTP ${status}`
  if (error === 'invalid_grant') {
    store.rejectRefresh(token)
    if (inFlight.attempts > 1)
      throw new HarnessError(
        'HARNESS_REFRESH_REJECTED',
        `a grace retry was refused with invalid_grant: it presented a refresh token already sent once (at ${new Date(inFlight.at).toISOString()}, outcome never saved), so if the Visma Connect app has no grace window, or a shorter one than DINERO_REFRESH_GRACE_SECONDS (${o.graceSeconds} s), this retry was a replay and Visma has likely revoked all access for this client and user: set DINERO_REFRESH_GRACE_SECONDS to the app's real window (0 when it has none) and run npm run login again`,
      )
    throw new HarnessError(
      'HARNESS_REFRESH_REJECTED',
      'the refresh token was refused with invalid_grant (expired, revoked or already used): run npm run login again',
    )
  }
  store.abandonRefresh()
  if (error === 'invalid_client')
    throw new HarnessError(
      'HARNESS_CLIENT_REJECTED',
      'the client id or secret was refused (invalid_client): check DINERO_CLIENT_ID and DINERO_CLIENT_SECRET',
    )
  throw new HarnessError(
    'HARNESS_REFRESH_FAILED',
    `the refresh was refused: ${status} ${serverText(String(error))}`,
  )
}

async function noAnswer(
  store: TokenStore,
  token: string,
  inFlight: InFlight,
  o: RefresherOptions,
  what: Unsettled,
): Promise<StoredGrant> {
  const now = (o.now ?? Date.now)()
  if (inFlight.attempts < MAX_ATTEMPTS && withinGrace(inFlight, o.graceSeconds, now)) {
    o.log?.(`${describe(inFlight, what)}; presenting the same token again inside the grace window`)
    return present(store, token, o)
  }
  throw uncertain(inFlight, o.graceSeconds, what, now)
}

/** The refresh never left the machine (its record is already cleared): the same token is still usable. */
export function nothingSent(where: string): HarnessError {
  return new HarnessError(
    'HARNESS_CONNECT_UNREACHABLE',
    `${where}; nothing was sent, so the stored refresh token is unchanged and still usable: check DINERO_CONNECT_URL and the network, then run again`,
  )
}

/**
 * Nothing left the machine. A first presentation is undone (the record cleared, the token still
 * usable); a retry of an earlier, unsettled presentation keeps that record, as its outcome is
 * still unknown, minus the attempt that never happened.
 */
function unreachable(store: TokenStore, inFlight: InFlight, o: RefresherOptions, code: string): never {
  const where = `the token endpoint ${o.connectUrl}/connect/token could not be reached (${code})`
  if (inFlight.attempts <= 1) {
    store.abandonRefresh()
    throw nothingSent(where)
  }
  store.save({ ...store.grant, inFlight: { ...inFlight, attempts: inFlight.attempts - 1 } })
  const grace = o.graceSeconds > 0 ? ` within the ${o.graceSeconds} s grace window` : ''
  throw new HarnessError(
    'HARNESS_CONNECT_UNREACHABLE',
    `${where} to settle the refresh started at ${new Date(inFlight.at).toISOString()}; nothing was sent this time, but that earlier presentation is still unsettled: run again${grace} once the endpoint is reachable, or npm run login`,
  )
}
