import { HarnessError } from '../cli-errors.ts'
import type { SecretSet } from './secrets.ts'
import {
  assertUsable,
  type InFlight,
  type StoredGrant,
  type TokenAnswer,
  type TokenStore,
} from './token-store.ts'

/**
 * The refresh_token grant with the write-ahead protocol (issue 5; REFERENCE A6, B5; RFC 6749 §6):
 * 1. refuse a token this harness knows to be consumed (a replay makes Visma revoke everything);
 * 2. save the in-flight record (token + time), THEN send the form (client_secret_post);
 * 3. 200 → save the new tokens and clear the record in one atomic write;
 *    invalid_grant → mark the grant refused (HARNESS_REFRESH_REJECTED, "run npm run login");
 *    any other 4xx → the token was not consumed: clear the record and report;
 *    no answer / 5xx → the token may be consumed: keep the record and go to 4;
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

export function withinGrace(inFlight: InFlight, graceSeconds: number, now: number): boolean {
  return graceSeconds > 0 && now - inFlight.at < graceSeconds * 1000 - GRACE_MARGIN_MS
}

export function uncertain(inFlight: InFlight, graceSeconds: number): HarnessError {
  return new HarnessError(
    'HARNESS_REFRESH_UNCERTAIN',
    `a refresh started at ${new Date(inFlight.at).toISOString()} never had its answer saved, so the stored refresh token may already be consumed; presenting it again could make Visma revoke ALL access for this client and user, so it is not presented${graceSeconds > 0 ? ` (the ${graceSeconds} s grace window has passed)` : ' (no grace window configured: DINERO_REFRESH_GRACE_SECONDS)'}. Run npm run login again`,
  )
}

/** Refreshes the stored grant once, recovering a left-over in-flight record first. */
export async function refreshStored(store: TokenStore, o: RefresherOptions): Promise<StoredGrant> {
  const now = o.now ?? Date.now
  const grant = store.load()
  assertUsable(grant, { issuer: o.connectUrl, clientId: o.clientId, now: now() })
  if (grant.inFlight !== undefined) {
    if (!withinGrace(grant.inFlight, o.graceSeconds, now())) throw uncertain(grant.inFlight, o.graceSeconds)
    o.log?.(
      `the last refresh was interrupted before its answer was saved; presenting that token once more inside the ${o.graceSeconds} s grace window`,
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
  } catch {
    return noAnswer(store, token, inFlight, o, 'the token endpoint did not answer')
  }

  let answer: (TokenAnswer & { error?: string }) | undefined
  try {
    answer = JSON.parse(text) as TokenAnswer & { error?: string }
  } catch {}
  if (status >= 500 || (status === 200 && typeof answer?.access_token !== 'string'))
    return noAnswer(store, token, inFlight, o, `the token endpoint answered ${status} without tokens`)

  if (status === 200 && answer !== undefined) {
    o.secrets?.addTokenResponse(answer)
    o.afterAnswer?.()
    return store.completeRefresh(token, answer)
  }
  const error = answer?.error ?? `HTTP ${status}`
  if (error === 'invalid_grant') {
    store.rejectRefresh(token)
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
  throw new HarnessError('HARNESS_REFRESH_FAILED', `the refresh was refused: ${status} ${error}`)
}

async function noAnswer(
  store: TokenStore,
  token: string,
  inFlight: InFlight,
  o: RefresherOptions,
  why: string,
): Promise<StoredGrant> {
  const now = (o.now ?? Date.now)()
  if (inFlight.attempts < MAX_ATTEMPTS && withinGrace(inFlight, o.graceSeconds, now)) {
    o.log?.(`${why}; presenting the same token again inside the grace window`)
    return present(store, token, o)
  }
  throw uncertain(inFlight, o.graceSeconds)
}
