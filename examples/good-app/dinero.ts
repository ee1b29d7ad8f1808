import type { Config } from './config.ts'
import type { Session } from './session.ts'

/**
 * Calls to the Dinero API with the manners the service expects (dinero-api-errors):
 * - 429: wait at least Retry-After (seconds or an HTTP date, RFC 9110 §10.2.3) when there is one;
 *   Dinero's own 429 carries none and says "wait a minute and continue", so then back off 1 s,
 *   2 s, 4 s … (1 + 2 + … + 32 s covers the minute) and try again;
 * - 5xx or a dropped connection: exponential backoff with a cap and a little jitter, a bounded
 *   number of times, then give up (RFC 9110 §15.6);
 * - 401: refresh once through the session (single-flight) and retry once.
 */
export class DineroUnavailable extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const MAX_SERVER_RETRIES = 3
const BASE_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 4_000
const MAX_RATE_LIMIT_WAITS = 6
/** The first wait after a 429 without Retry-After; doubled on each further 429. */
const RATE_LIMIT_BACKOFF_MS = 1_000
const MAX_RETRY_AFTER_MS = 120_000
const RETRY_AFTER_MARGIN_MS = 100

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * RFC 9110 §10.2.3: delay-seconds or an HTTP-date. Absent or unreadable, the app backs off on its
 * own: `RATE_LIMIT_BACKOFF_MS × 2ⁿ` for the n-th wait (dinero-api-errors: "wait a minute and continue").
 */
export function retryAfterMs(header: string | null, attempt = 0, now = Date.now()): number {
  const backoff = RATE_LIMIT_BACKOFF_MS * 2 ** attempt
  if (header === null) return backoff
  const seconds = Number(header)
  if (header.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? backoff : Math.max(0, date - now)
}

export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt)
  return Math.round(base * (0.9 + random() * 0.2))
}

export async function dineroGet(config: Config, session: Session, path: string): Promise<unknown> {
  let token = await session.accessToken()
  let refreshed = false
  let serverFailures = 0
  let rateLimitWaits = 0
  for (;;) {
    let res: Response
    try {
      res = await fetch(`${config.apiUrl}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(10_000),
      })
    } catch (e) {
      if (serverFailures >= MAX_SERVER_RETRIES) throw new DineroUnavailable(502, `Dinero unreachable: ${e}`)
      await sleep(backoffMs(serverFailures++))
      continue
    }
    if (res.ok) return res.json()
    await res.body?.cancel()
    if (res.status === 401 && !refreshed) {
      refreshed = true
      token = (await session.refresh(token)).accessToken
      continue
    }
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers.get('retry-after'), rateLimitWaits)
      if (rateLimitWaits++ >= MAX_RATE_LIMIT_WAITS || wait > MAX_RETRY_AFTER_MS)
        throw new DineroUnavailable(429, 'Dinero rate limit: try again later')
      await sleep(wait + RETRY_AFTER_MARGIN_MS)
      continue
    }
    if (res.status >= 500) {
      if (serverFailures >= MAX_SERVER_RETRIES)
        throw new DineroUnavailable(503, `Dinero answered ${res.status} ${serverFailures + 1} times`)
      await sleep(backoffMs(serverFailures++))
      continue
    }
    throw new DineroUnavailable(res.status, `Dinero answered ${res.status}`)
  }
}
