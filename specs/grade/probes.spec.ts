import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../mocks/journal.ts'
import { judge, PROBES } from '../../scripts/grade/index.ts'
import type { Observations, Probe } from '../../scripts/grade/types.ts'

/**
 * Each probe on a made-up journal: it passes on the behaviour it wants and fails on the one it
 * forbids, including the probes the careless example app passes (client auth, redirect_uri,
 * state present, the login itself), so no probe is left that nothing can make fail.
 */
type Draft = Partial<JournalEntry> & { details?: JournalEntry['details'] }

function journal(...drafts: Draft[]): JournalEntry[] {
  return drafts.map((d, i) => ({
    seq: i + 1,
    at: 1_000 + i * 10,
    service: 'connect',
    method: 'POST',
    url: '/connect/token',
    contentType: 'application/x-www-form-urlencoded',
    status: 200,
    ...d,
    details: { ...d.details },
  }))
}

const all = { from: 0, to: 1_000 }
function observations(patch: Partial<Observations> = {}): Observations {
  return {
    mockOrigin: 'http://127.0.0.1:1',
    redirectUri: 'http://127.0.0.1:2/callback',
    logins: [{ label: 'first login', window: all, callbackStatus: 200, appState: 'ok' }],
    errors: {},
    ...patch,
  }
}

const probe = (id: string): Probe => {
  const p = PROBES.find((x) => x.id === id)
  if (p === undefined) throw new Error(`no probe ${id}`)
  return p
}
const verdict = (id: string, entries: JournalEntry[], obs = observations()) =>
  probe(id).judge(entries, obs).ok

const authorize = (details: JournalEntry['details']): Draft => ({
  method: 'GET',
  url: '/connect/authorize?client_id=x',
  contentType: null,
  status: 200,
  details: { has_state: true, pkce: 'S256', redirect_uri: 'http://127.0.0.1:2/callback', ...details },
})
const exchange = (details: JournalEntry['details'] = {}, status = 200): Draft => ({
  status,
  details: {
    body: 'form',
    grant_type: 'authorization_code',
    client_auth: 'client_secret_basic',
    redirect_uri_matches: true,
    code_verifier_length: 64,
    code_verifier_unreserved: true,
    ...details,
  },
})
const refresh = (fp: string, status = 200, extra: JournalEntry['details'] = {}): Draft => ({
  status,
  ...(status === 400 ? { error: 'invalid_grant' } : {}),
  details: {
    body: 'form',
    grant_type: 'refresh_token',
    client_auth: 'client_secret_basic',
    refresh_token_fp: fp,
    ...extra,
  },
})
const dinero = (at: number, status: number): Draft => ({
  service: 'dinero',
  method: 'GET',
  url: '/v1/organizations',
  contentType: null,
  at,
  status,
})
/** `journal` numbers `at` itself; dinero drafts carry their own. */
const timed = (...drafts: Draft[]) => journal(...drafts).map((e, i) => ({ ...e, at: drafts[i]!.at ?? e.at }))

describe('grader probes on made-up journals', () => {
  it('client.flow.login fails when the callback errs or /status is not ok', () => {
    const entries = journal(authorize({ state_fp: 'a', state_length: 43 }), exchange())
    expect(verdict('client.flow.login', entries)).toBe(true)
    const broken = observations({
      logins: [{ label: 'first login', window: all, callbackStatus: 500, appState: 'error' }],
    })
    expect(verdict('client.flow.login', entries, broken)).toBe(false)
  })

  it('client.token.form-encoded fails on one JSON token request', () => {
    expect(verdict('client.token.form-encoded', journal(exchange()))).toBe(true)
    const json: Draft = {
      contentType: 'application/json',
      status: 400,
      error: 'invalid_request',
      details: { body: 'application/json' },
    }
    expect(verdict('client.token.form-encoded', journal(exchange(), json))).toBe(false)
  })

  it('client.token.client-auth fails on a token request without client authentication or with a bad secret', () => {
    expect(
      verdict('client.token.client-auth', journal(exchange({ client_auth: 'client_secret_post' }))),
    ).toBe(true)
    expect(verdict('client.token.client-auth', journal(exchange({ client_auth: 'none' })))).toBe(false)
    const bad: Draft = {
      status: 400,
      error: 'invalid_client',
      details: { body: 'form', grant_type: 'authorization_code' },
    }
    expect(verdict('client.token.client-auth', journal(exchange(), bad))).toBe(false)
  })

  it('client.token.redirect-uri-exact fails on a redirect_uri that differs or is missing', () => {
    const auth = authorize({})
    expect(verdict('client.token.redirect-uri-exact', journal(auth, exchange()))).toBe(true)
    expect(
      verdict(
        'client.token.redirect-uri-exact',
        journal(auth, exchange({ redirect_uri_matches: false }, 400)),
      ),
    ).toBe(false)
    const missing: Draft = {
      status: 400,
      error: 'unauthorized_client',
      details: { body: 'form', grant_type: 'authorization_code' },
    }
    expect(verdict('client.token.redirect-uri-exact', journal(auth, missing))).toBe(false)
  })

  it('client.state.present fails on one authorization without state', () => {
    expect(verdict('client.state.present', journal(authorize({})))).toBe(true)
    expect(verdict('client.state.present', journal(authorize({}), authorize({ has_state: false })))).toBe(
      false,
    )
  })

  it('client.state.unguessable fails on a repeated or a short state', () => {
    const a = authorize({ state_fp: '[redacted:1]', state_length: 43 })
    const b = authorize({ state_fp: '[redacted:2]', state_length: 43 })
    expect(verdict('client.state.unguessable', journal(a, b))).toBe(true)
    expect(verdict('client.state.unguessable', journal(a, a))).toBe(false)
    const short = authorize({ state_fp: '[redacted:3]', state_length: 8 })
    expect(verdict('client.state.unguessable', journal(a, short))).toBe(false)
    expect(verdict('client.state.unguessable', journal(a))).toBe(false)
  })

  it('client.state.checked fails when the code is exchanged after a wrong state', () => {
    const obs = observations({ alteredState: { window: all, callbackStatus: 400 } })
    expect(verdict('client.state.checked', journal(authorize({})), obs)).toBe(true)
    expect(verdict('client.state.checked', journal(authorize({}), exchange()), obs)).toBe(false)
  })

  it('client.pkce.s256 fails on plain, on no challenge, and on a verifier too short or with reserved characters', () => {
    expect(verdict('client.pkce.s256', journal(authorize({}), exchange()))).toBe(true)
    expect(verdict('client.pkce.s256', journal(authorize({ pkce: 'plain' }), exchange()))).toBe(false)
    expect(verdict('client.pkce.s256', journal(authorize({ pkce: 'none' }), exchange()))).toBe(false)
    expect(verdict('client.pkce.s256', journal(authorize({}), exchange({ code_verifier_length: 42 })))).toBe(
      false,
    )
    expect(
      verdict('client.pkce.s256', journal(authorize({}), exchange({ code_verifier_unreserved: false }))),
    ).toBe(false)
  })

  const refreshObs = (concurrentTo: number) =>
    observations({
      refresh: {
        concurrency: 3,
        concurrent: { window: { from: 0, to: concurrentTo }, calls: [] },
        sequential: { window: { from: concurrentTo, to: 1_000 }, call: { status: 200, ms: 1 } },
      },
    })

  it('client.refresh.no-replay fails when a token already exchanged is presented again, even when the mock calls it unknown', () => {
    expect(verdict('client.refresh.no-replay', journal(refresh('a'), refresh('b')), refreshObs(1))).toBe(true)
    expect(
      verdict(
        'client.refresh.no-replay',
        journal(refresh('a'), refresh('a', 400, { refresh: 'unknown' })),
        refreshObs(1),
      ),
    ).toBe(false)
    expect(
      verdict('client.refresh.no-replay', journal(refresh('a', 400, { refresh: 'replay' })), refreshObs(1)),
    ).toBe(false)
  })

  it('client.refresh.single-flight wants exactly one refresh in the concurrent window', () => {
    expect(verdict('client.refresh.single-flight', journal(refresh('a'), refresh('b')), refreshObs(1))).toBe(
      true,
    )
    expect(verdict('client.refresh.single-flight', journal(refresh('a'), refresh('b')), refreshObs(2))).toBe(
      false,
    )
    expect(verdict('client.refresh.single-flight', journal(), refreshObs(2))).toBe(false)
  })

  it('client.reconsent.no-retry fails when the refused token comes back, and when no refresh was tried', () => {
    const obs = observations({ reconsent: { window: all, calls: [], appState: 'reconsent-required' } })
    expect(verdict('client.reconsent.no-retry', journal(refresh('a', 400)), obs)).toBe(true)
    expect(verdict('client.reconsent.no-retry', journal(refresh('a', 400), refresh('a', 400)), obs)).toBe(
      false,
    )
    expect(verdict('client.reconsent.no-retry', journal(), obs)).toBe(false)
  })

  it('client.reconsent.reported wants GET /status to say reconsent-required', () => {
    const obs = (appState: string) => observations({ reconsent: { window: all, calls: [], appState } })
    expect(verdict('client.reconsent.reported', [], obs('reconsent-required'))).toBe(true)
    expect(verdict('client.reconsent.reported', [], obs('ok'))).toBe(false)
  })

  it('client.rate-limit.retry-after compares the gap after the 429 with Retry-After', () => {
    const obs = observations({
      rateLimitRetryAfter: { window: all, retryAfterSeconds: 1, call: { status: 200, ms: 1 } },
    })
    expect(verdict('client.rate-limit.retry-after', timed(dinero(0, 429), dinero(1_000, 200)), obs)).toBe(
      true,
    )
    expect(verdict('client.rate-limit.retry-after', timed(dinero(0, 429), dinero(950, 200)), obs)).toBe(false)
    expect(verdict('client.rate-limit.retry-after', timed(dinero(0, 429)), obs)).toBe(true)
  })

  it('client.rate-limit.backoff: after a 429 without Retry-After, a retry within 1 s fails; waiting 1 s or a minute, or stopping, passes', () => {
    const obs = observations({ rateLimit: { window: all, call: { status: 200, ms: 1 } } })
    expect(verdict('client.rate-limit.backoff', timed(dinero(0, 429), dinero(5, 200)), obs)).toBe(false)
    expect(verdict('client.rate-limit.backoff', timed(dinero(0, 429), dinero(900, 200)), obs)).toBe(false)
    expect(verdict('client.rate-limit.backoff', timed(dinero(0, 429), dinero(1_000, 200)), obs)).toBe(true)
    expect(verdict('client.rate-limit.backoff', timed(dinero(0, 429), dinero(60_000, 200)), obs)).toBe(true)
    expect(verdict('client.rate-limit.backoff', timed(dinero(0, 429)), obs)).toBe(true)
    expect(verdict('client.rate-limit.backoff', timed(), obs)).toBe(false)
  })

  it('client.server-error.backoff wants few retries with growing gaps of at least 100 ms', () => {
    const obs = observations({ serverError: { window: all, call: { status: 503, ms: 1 } } })
    const calls = (...at: number[]) => timed(...at.map((t) => dinero(t, 503)))
    expect(verdict('client.server-error.backoff', calls(0, 250, 750, 1_750), obs)).toBe(true)
    expect(verdict('client.server-error.backoff', calls(0), obs)).toBe(true)
    expect(verdict('client.server-error.backoff', calls(0, 500, 1_000, 1_500), obs)).toBe(false)
    // A stall lengthens one gap; exponential backoff still passes.
    expect(verdict('client.server-error.backoff', calls(0, 900, 1_400, 2_400), obs)).toBe(true)
    expect(verdict('client.server-error.backoff', calls(0, 50, 150, 350), obs)).toBe(false)
    expect(verdict('client.server-error.backoff', calls(0, 100, 300, 700, 1_500, 3_100, 6_300), obs)).toBe(
      false,
    )
  })

  it('a probe whose scenario could not run is an error, not a pass', () => {
    const obs = observations({ errors: { 'rate-limit': 'the app did not answer' } })
    const result = judge(PROBES, [], obs).find((p) => p.id === 'client.rate-limit.backoff')
    expect(result).toMatchObject({
      verdict: 'error',
      summary: expect.stringContaining('the app did not answer'),
    })
  })
})
