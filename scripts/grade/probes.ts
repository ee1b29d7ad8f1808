import type { JournalEntry } from '../../mocks/journal.ts'
import type { Probe, Window } from './types.ts'

/**
 * The probes: each judges one behaviour of the app from the mock's journal (what the app sent,
 * redacted) and from what the app answered the grader. They are pure functions of those two,
 * so a spec can feed them a made-up journal and prove each one bites.
 */

/** RFC 7636 §4.1: 43–128 characters. */
export const VERIFIER_MIN = 43
export const VERIFIER_MAX = 128
/** A state shorter than this is too easy to guess (RFC 6749 §10.10/§10.12 want "non-guessable"). */
export const STATE_MIN_LENGTH = 16
/** 5xx backoff: at most this many retries after the first failure, each at least MIN_GAP_MS later. */
export const MAX_SERVER_ERROR_RETRIES = 5
export const MIN_BACKOFF_GAP_MS = 100
/**
 * "Growing": with two or more retries, the last gap is at least this many times the shortest.
 * Judged on the shortest rather than gap by gap, so a stall on a loaded machine (one long gap)
 * does not fail an app that backs off exponentially, while a constant delay still does.
 */
export const BACKOFF_GROWTH = 1.5
/** Timer granularity allowed on "waited at least Retry-After". */
export const RETRY_AFTER_SLACK_MS = 10
/**
 * After a 429 without Retry-After, the next Dinero call must come at least this long after it.
 * assumption: open-dinero-429-headers — Dinero's 429 says only "wait a minute and continue"
 * (dinero-api-errors) and RFC 6585 §4 leaves the wait to the client when there is no Retry-After.
 * Waiting out the minute passes; so does an exponential backoff that starts at 1 s. What fails is
 * a retry within a second: a loop that spends the 100-a-minute budget every integration of the
 * organisation shares. A bar of a full minute would fail apps that back off sensibly, so the bar
 * is the lowest that tells a backoff from a loop.
 */
export const MIN_RATE_LIMIT_WAIT_MS = 1_000

const pathOf = (e: JournalEntry) => e.url.split('?', 1)[0]
const inWindow = (entries: readonly JournalEntry[], w: Window | undefined) =>
  w === undefined ? [] : entries.filter((e) => e.seq > w.from && e.seq <= w.to)
const tokenRequests = (entries: readonly JournalEntry[]) =>
  entries.filter((e) => e.service === 'connect' && pathOf(e) === '/connect/token')
const authorizeRequests = (entries: readonly JournalEntry[]) =>
  entries.filter((e) => e.service === 'connect' && pathOf(e) === '/connect/authorize')
const dineroRequests = (entries: readonly JournalEntry[]) => entries.filter((e) => e.service === 'dinero')
const refreshRequests = (entries: readonly JournalEntry[]) =>
  tokenRequests(entries).filter((e) => e.details.grant_type === 'refresh_token')
const codeExchanges = (entries: readonly JournalEntry[]) =>
  tokenRequests(entries).filter((e) => e.details.grant_type === 'authorization_code')

const describe = (e: JournalEntry) => {
  const facts = Object.entries(e.details)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  return `#${e.seq} ${e.method} ${pathOf(e)} → ${e.status}${e.error ? ` ${e.error}` : ''}${facts ? ` (${facts})` : ''}`
}

const pass = (summary: string, evidence: string[] = []) => ({ ok: true, summary, evidence })
const fail = (summary: string, evidence: string[] = []) => ({ ok: false, summary, evidence })

/** The gap between the first 429 in the window and the next Dinero call; no next call also passes. */
function judgeWait(
  entries: readonly JournalEntry[],
  seen: { window: Window; call: { status: number } },
  wantMs: number,
  what: string,
) {
  const calls = dineroRequests(inWindow(entries, seen.window))
  const limited = calls.find((e) => e.status === 429)
  if (limited === undefined)
    return fail('the app made no Dinero call, so no 429 was seen', calls.map(describe))
  const next = calls.find((e) => e.seq > limited.seq)
  const answered = `app answered ${seen.call.status}`
  if (next === undefined) return pass(`no further Dinero call after the 429; ${answered}`)
  const gap = next.at - limited.at
  const evidence = [describe(limited), describe(next)]
  return gap >= wantMs - RETRY_AFTER_SLACK_MS
    ? pass(`next call ${gap} ms after the 429 (${what} ${wantMs} ms); ${answered}`, evidence)
    : fail(`next call only ${gap} ms after the 429 (${what} ${wantMs} ms)`, evidence)
}

export const PROBES: readonly Probe[] = [
  {
    id: 'client.flow.login',
    title: 'the app completes the code flow: /login redirects to authorize, the callback exchanges the code',
    sources: ['RFC 6749 §4.1', 'oauth-form-post §2', 'duende-authorize-result'],
    scenarios: ['login'],
    judge(entries, obs) {
      if (obs.logins.length === 0) return fail('no login was completed')
      const bad: string[] = []
      const evidence: string[] = []
      for (const login of obs.logins) {
        const exchanged = codeExchanges(inWindow(entries, login.window)).filter((e) => e.status === 200)
        evidence.push(
          `${login.label}: callback answered ${login.callbackStatus}, ${exchanged.length} successful code exchange(s), GET /status state=${login.appState ?? '(none)'}`,
        )
        if (login.callbackStatus >= 400 || exchanged.length !== 1 || login.appState !== 'ok')
          bad.push(login.label)
      }
      return bad.length === 0
        ? pass(`${obs.logins.length} logins completed with one code exchange each and /status "ok"`, evidence)
        : fail(`login did not complete: ${bad.join(', ')}`, evidence)
    },
  },
  {
    id: 'client.token.form-encoded',
    title: 'token requests are application/x-www-form-urlencoded, never JSON',
    sources: [
      'RFC 6749 §4.1.3',
      'RFC 6749 §6',
      'RFC 6749 Appendix B',
      'duende-token-endpoint',
      'is4-issue-1658',
      'duende-support-168',
    ],
    scenarios: ['login'],
    judge(entries) {
      const all = tokenRequests(entries)
      if (all.length === 0) return fail('the app sent no token request')
      const other = all.filter((e) => e.details.body !== 'form')
      return other.length === 0
        ? pass(`all ${all.length} token requests were form-encoded`)
        : fail(
            `${other.length} of ${all.length} token requests were not form-encoded (${[...new Set(other.map((e) => e.contentType ?? 'no content type'))].join(', ')})`,
            other.slice(0, 5).map(describe),
          )
    },
  },
  {
    id: 'client.token.client-auth',
    title: 'every token request authenticates the client (client_secret_basic or client_secret_post)',
    sources: [
      'RFC 6749 §2.3.1',
      'RFC 6749 §3.2.1',
      'visma-connect-offline-access',
      'is4-basic-secret-parser',
      'is4-post-body-secret-parser',
    ],
    scenarios: ['login'],
    judge(entries) {
      // A body the endpoint could not read never reaches client authentication: the form probe judges it.
      const readable = tokenRequests(entries).filter((e) => e.details.body === 'form')
      if (readable.length === 0) return fail('no form-encoded token request to judge')
      const bad = readable.filter(
        (e) =>
          e.error === 'invalid_client' ||
          (e.details.client_auth !== 'client_secret_basic' && e.details.client_auth !== 'client_secret_post'),
      )
      const methods = [...new Set(readable.map((e) => String(e.details.client_auth ?? 'none')))].join(', ')
      return bad.length === 0
        ? pass(`all ${readable.length} token requests authenticated the client (${methods})`)
        : fail(
            `${bad.length} token request(s) without valid client authentication`,
            bad.slice(0, 5).map(describe),
          )
    },
  },
  {
    id: 'client.token.redirect-uri-exact',
    title: 'the redirect_uri sent at token equals the one sent at authorize, byte for byte',
    sources: ['RFC 6749 §4.1.3', 'duende-token-request-validator'],
    scenarios: ['login'],
    judge(entries) {
      const exchanges = codeExchanges(entries).filter((e) => e.details.redirect_uri_matches !== undefined)
      const missing = codeExchanges(entries).filter(
        (e) => e.details.redirect_uri === undefined && e.error === 'unauthorized_client',
      )
      if (exchanges.length === 0 && missing.length === 0)
        return fail('no code exchange reached the redirect_uri check')
      const bad = exchanges.filter((e) => e.details.redirect_uri_matches !== true)
      const sent = [...new Set(authorizeRequests(entries).map((e) => String(e.details.redirect_uri)))]
      const evidence = [`authorize redirect_uri: ${sent.join(', ')}`]
      if (bad.length > 0 || missing.length > 0)
        return fail(
          `${bad.length} code exchange(s) with a different redirect_uri, ${missing.length} without one`,
          [...evidence, ...[...bad, ...missing].slice(0, 5).map(describe)],
        )
      return pass(
        `all ${exchanges.length} code exchanges repeated the authorize redirect_uri exactly`,
        evidence,
      )
    },
  },
  {
    id: 'client.state.present',
    title: 'every authorization request carries state',
    sources: ['RFC 6749 §4.1.1', 'RFC 6749 §10.12', 'RFC 9700 §4.7.1', 'visma-connect-security'],
    scenarios: ['login'],
    judge(entries) {
      const all = authorizeRequests(entries)
      if (all.length === 0) return fail('the app sent no authorization request')
      const without = all.filter((e) => e.details.has_state !== true)
      return without.length === 0
        ? pass(`all ${all.length} authorization requests carried state`)
        : fail(
            `${without.length} of ${all.length} authorization requests had no state`,
            without.slice(0, 3).map(describe),
          )
    },
  },
  {
    id: 'client.state.unguessable',
    title: `state differs on every authorization and has at least ${STATE_MIN_LENGTH} characters`,
    sources: ['RFC 6749 §10.10', 'RFC 6749 §10.12', 'RFC 9700 §4.7.1', 'visma-connect-security'],
    scenarios: ['login'],
    judge(entries) {
      const withState = authorizeRequests(entries).filter((e) => typeof e.details.state_fp === 'string')
      if (withState.length < 2)
        return fail(`only ${withState.length} authorization(s) with state; need two to compare`)
      const fps = withState.map((e) => String(e.details.state_fp))
      const distinct = new Set(fps).size
      const lengths = withState.map((e) => Number(e.details.state_length))
      const shortest = Math.min(...lengths)
      const evidence = [`state fingerprints: ${fps.join(' ')}`, `state lengths: ${lengths.join(', ')}`]
      if (distinct < fps.length)
        return fail(
          `state repeated: ${distinct} distinct value(s) across ${fps.length} authorizations`,
          evidence,
        )
      if (shortest < STATE_MIN_LENGTH)
        return fail(`state as short as ${shortest} characters (want ≥ ${STATE_MIN_LENGTH})`, evidence)
      return pass(
        `${fps.length} authorizations, ${distinct} distinct states, shortest ${shortest} characters`,
        evidence,
      )
    },
  },
  {
    id: 'client.state.checked',
    title: 'when the callback carries a state the app did not send, it does not call the token endpoint',
    sources: ['RFC 6749 §10.12', 'RFC 9700 §4.7.1', 'visma-connect-security'],
    scenarios: ['altered-state'],
    judge(entries, obs) {
      if (obs.alteredState === undefined) return fail('the altered-state login did not run')
      const slice = inWindow(entries, obs.alteredState.window)
      if (authorizeRequests(slice).length === 0) return fail('the app sent no authorization request')
      const exchanged = codeExchanges(slice)
      const callback = `callback answered ${obs.alteredState.callbackStatus}`
      return exchanged.length === 0
        ? pass(`no code exchange after a wrong state; ${callback}`)
        : fail(
            `the app exchanged the code although the state was wrong; ${callback}`,
            exchanged.map(describe),
          )
    },
  },
  {
    id: 'client.pkce.s256',
    title: `PKCE with S256 on every authorization, verifier of ${VERIFIER_MIN}–${VERIFIER_MAX} unreserved characters`,
    sources: [
      'RFC 7636 §4.1',
      'RFC 7636 §4.2',
      'RFC 7636 §7.2',
      'RFC 9700 §2.1.1',
      'visma-connect-web-apps',
      'duende-authorize-request-validator',
      'duende-authorize-result',
    ],
    scenarios: ['login'],
    judge(entries) {
      const auths = authorizeRequests(entries)
      if (auths.length === 0) return fail('the app sent no authorization request')
      const methods = [...new Set(auths.map((e) => String(e.details.pkce ?? 'none')))]
      const notS256 = auths.filter((e) => e.details.pkce !== 'S256')
      const exchanges = codeExchanges(entries)
      const badVerifier = exchanges.filter((e) => {
        const n = e.details.code_verifier_length
        return (
          typeof n !== 'number' ||
          n < VERIFIER_MIN ||
          n > VERIFIER_MAX ||
          e.details.code_verifier_unreserved !== true
        )
      })
      const lengths = exchanges.map((e) => String(e.details.code_verifier_length ?? 'none'))
      const evidence = [
        `code_challenge_method: ${methods.join(', ')}`,
        `code_verifier lengths: ${lengths.join(', ')}`,
      ]
      if (notS256.length > 0)
        return fail(`${notS256.length} of ${auths.length} authorizations without an S256 challenge`, evidence)
      if (badVerifier.length > 0)
        return fail(`${badVerifier.length} code exchange(s) without a valid code_verifier`, evidence)
      return pass(
        `S256 on ${auths.length} authorizations, verifiers of ${lengths.join(', ')} characters`,
        evidence,
      )
    },
  },
  {
    id: 'client.refresh.no-replay',
    title: 'the app never presents a refresh token it has already used (one-time tokens rotate)',
    sources: [
      'RFC 6749 §10.4',
      'RFC 9700 §4.14.2',
      'visma-connect-tokens',
      'duende-refresh-token-service',
      'is4-ef-issue-20',
    ],
    scenarios: ['refresh'],
    judge(entries, obs) {
      const all = refreshRequests(entries)
      if (obs.refresh === undefined) return fail('the refresh scenario did not run')
      if (all.length === 0) return fail('the app never refreshed, though its access token expired twice')
      // Consumed: the mock says so, or the same token (by fingerprint) was already exchanged
      // successfully (after a replay Visma revokes the family, so later ones look "unknown").
      const used = new Set<unknown>()
      const replays = all.filter((e) => {
        const fp = e.details.refresh_token_fp
        const consumed = e.details.refresh === 'replay' || e.details.refresh === 'grace' || used.has(fp)
        if (e.status === 200 && fp !== undefined) used.add(fp)
        return consumed
      })
      const seq = refreshRequests(inWindow(entries, obs.refresh.sequential.window))
      const evidence = [
        `after the second expiry: ${seq.length === 0 ? 'no refresh' : seq.map(describe).join('; ')}`,
      ]
      return replays.length === 0
        ? pass(`${all.length} refresh requests, none with a consumed token`, evidence)
        : fail(
            `${replays.length} refresh request(s) presented a consumed refresh token (Visma revokes all access on replay)`,
            [...evidence, ...replays.slice(0, 5).map(describe)],
          )
    },
  },
  {
    id: 'client.refresh.single-flight',
    title: 'N parallel calls across access-token expiry cause exactly one refresh',
    sources: ['RFC 9700 §4.14.2', 'visma-connect-tokens', 'dinero-grace-period'],
    scenarios: ['refresh'],
    judge(entries, obs) {
      if (obs.refresh === undefined) return fail('the refresh scenario did not run')
      const { concurrency, concurrent } = obs.refresh
      const refreshes = refreshRequests(inWindow(entries, concurrent.window))
      const answers = concurrent.calls.map((c) => c.status).join(', ')
      const evidence = [
        `app answered the ${concurrency} calls with ${answers}`,
        ...refreshes.slice(0, 8).map(describe),
      ]
      if (refreshes.length === 1) return pass(`${concurrency} parallel calls, one refresh`, evidence)
      return fail(
        refreshes.length === 0
          ? `${concurrency} parallel calls after expiry and no refresh`
          : `${concurrency} parallel calls caused ${refreshes.length} refreshes`,
        evidence,
      )
    },
  },
  {
    id: 'client.reconsent.no-retry',
    title: 'after invalid_grant on refresh the app never presents that refresh token again',
    sources: ['RFC 6749 §5.2', 'RFC 6749 §6', 'visma-connect-tokens'],
    scenarios: ['reconsent'],
    judge(entries, obs) {
      if (obs.reconsent === undefined) return fail('the reconsent scenario did not run')
      const slice = refreshRequests(inWindow(entries, obs.reconsent.window))
      const first = slice.find((e) => e.error === 'invalid_grant')
      if (first === undefined)
        return fail(
          'the app did not refresh after its grant was revoked and its access token expired, so it could not learn of it',
          slice.map(describe),
        )
      const fp = first.details.refresh_token_fp
      const again = slice.filter((e) => e.seq > first.seq && e.details.refresh_token_fp === fp)
      const later = tokenRequests(inWindow(entries, obs.reconsent.window)).filter((e) => e.seq > first.seq)
      const evidence = [describe(first), `${later.length} token request(s) after it`]
      return again.length === 0
        ? pass('one refresh answered invalid_grant; the token was not presented again', evidence)
        : fail(`the refused refresh token was presented ${again.length} more time(s)`, [
            ...evidence,
            ...again.slice(0, 5).map(describe),
          ])
    },
  },
  {
    id: 'client.reconsent.reported',
    title: 'after invalid_grant on refresh the app reports that the user must consent again',
    sources: ['RFC 6749 §5.2', 'visma-connect-tokens'],
    scenarios: ['reconsent'],
    judge(_entries, obs) {
      if (obs.reconsent === undefined) return fail('the reconsent scenario did not run')
      const { calls, appState } = obs.reconsent
      const evidence = [
        `GET /organizations answered ${calls.map((c) => `${c.status}${c.state ? ` (${c.state})` : ''}`).join(', ')}`,
        `GET /status state=${appState ?? '(none)'}`,
      ]
      return appState === 'reconsent-required'
        ? pass('GET /status reports "reconsent-required"', evidence)
        : fail(`GET /status reports "${appState ?? '(none)'}", not "reconsent-required"`, evidence)
    },
  },
  {
    id: 'client.rate-limit.backoff',
    title: `after a 429 without Retry-After (as Dinero sends it) the app waits at least ${MIN_RATE_LIMIT_WAIT_MS} ms before its next Dinero call`,
    sources: ['dinero-api-errors', 'RFC 6585 §4', 'open-dinero-429-headers'],
    scenarios: ['rate-limit'],
    judge(entries, obs) {
      if (obs.rateLimit === undefined) return fail('the rate-limit scenario did not run')
      return judgeWait(entries, obs.rateLimit, MIN_RATE_LIMIT_WAIT_MS, 'no Retry-After; the bar')
    },
  },
  {
    id: 'client.rate-limit.retry-after',
    title: 'after a 429 with Retry-After the app waits at least Retry-After before its next Dinero call',
    sources: ['RFC 6585 §4', 'RFC 9110 §10.2.3', 'dinero-api-errors', 'open-dinero-429-headers'],
    scenarios: ['rate-limit-retry-after'],
    judge(entries, obs) {
      const seen = obs.rateLimitRetryAfter
      if (seen === undefined) return fail('the rate-limit-retry-after scenario did not run')
      return judgeWait(entries, seen, seen.retryAfterSeconds * 1000, 'Retry-After')
    },
  },
  {
    id: 'client.server-error.backoff',
    title: `on 5xx the app backs off: at most ${MAX_SERVER_ERROR_RETRIES} retries, ≥ ${MIN_BACKOFF_GAP_MS} ms apart, gaps growing`,
    sources: ['RFC 9110 §15.6', 'RFC 9110 §15.6.4', 'dinero-api-errors'],
    scenarios: ['server-error'],
    judge(entries, obs) {
      if (obs.serverError === undefined) return fail('the server-error scenario did not run')
      const calls = dineroRequests(inWindow(entries, obs.serverError.window))
      const firstFailure = calls.findIndex((e) => e.status >= 500)
      if (firstFailure < 0) return fail('the app made no Dinero call, so no 5xx was seen')
      const tail = calls.slice(firstFailure)
      const gaps = tail.slice(1).map((e, i) => e.at - tail[i]!.at)
      const retries = gaps.length
      const evidence = [
        `${retries} retries after the first 5xx; gaps ${gaps.length ? gaps.map((g) => `${g} ms`).join(', ') : '(none)'}`,
        `app answered ${obs.serverError.call.status} after ${obs.serverError.call.ms} ms`,
      ]
      if (retries > MAX_SERVER_ERROR_RETRIES)
        return fail(`${retries} retries (want at most ${MAX_SERVER_ERROR_RETRIES})`, evidence)
      const tight = gaps.filter((g) => g < MIN_BACKOFF_GAP_MS)
      if (tight.length > 0)
        return fail(
          `${tight.length} retries came less than ${MIN_BACKOFF_GAP_MS} ms after the one before`,
          evidence,
        )
      if (gaps.length >= 2 && gaps.at(-1)! < Math.min(...gaps) * BACKOFF_GROWTH)
        return fail(`the gaps between retries do not grow (last < ${BACKOFF_GROWTH} × shortest)`, evidence)
      return pass(
        retries === 0
          ? 'no retry after the 5xx (the app gave up at once)'
          : `${retries} retries with growing gaps`,
        evidence,
      )
    },
  },
]
