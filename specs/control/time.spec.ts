import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman'
import * as oidc from 'openid-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildCollection } from '../../collections/build.ts'
import { catalogue } from '../../collections/catalogue/index.ts'
import { mockVariables } from '../../collections/model/variables.ts'
import { CLOCK_RANGE, createClock } from '../../mocks/clock.ts'
import { createMock } from '../../mocks/create-mock.ts'
import { type ServedMock, serveMock } from '../../mocks/http/serve.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import {
  codeFlow,
  obtainCode,
  parseFormPost,
  REDIRECT_URI,
  refresh,
  token,
} from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { dineroApi, tokenFor } from '../support/dinero-session.ts'

/**
 * Time on the mock: checks that travel come back, `/__mock/reset` returns to real time and
 * forgets what was dated in the future, and a served mock that ran the whole collection twice
 * still issues id_tokens an unmodified client accepts against the wall clock.
 */
const clockSteps = (check: (typeof catalogue)[number]) =>
  check.steps
    .filter((s) => s.request.url.endsWith('/__mock/clock') && s.request.method === 'POST')
    .map((s) => (s.request.json as { advanceSeconds: number }).advanceSeconds)

describe('checks that travel in time', () => {
  it('exist (the catalogue does move the clock)', () => {
    expect(catalogue.filter((c) => clockSteps(c).length > 0).length).toBeGreaterThanOrEqual(4)
  })

  it.each(catalogue.filter((c) => clockSteps(c).length > 0).map((c) => [c.id, c] as const))(
    '%s moves the clock back by what it moved it forward, as its last clock step',
    (_id, check) => {
      const moves = clockSteps(check)
      expect(moves.reduce((a, b) => a + b, 0)).toBe(0)
      expect(moves.at(-1)).toBeLessThan(0)
    },
  )
})

describe('clock held at the end of 9999', () => {
  it('a following clock held at 9999-12-31T23:59:59.999Z moves back by exactly what advance says, however long real time ran on', () => {
    let real = Date.UTC(2026, 0, 1)
    const clock = createClock({ realNow: () => real })
    clock.set(CLOCK_RANGE.max - 1_000)
    real += 3_000
    expect(clock.now()).toBe(CLOCK_RANGE.max)
    clock.advance(-1_000)
    expect(clock.now()).toBe(CLOCK_RANGE.max - 1_000)
    clock.advance(-1_000)
    expect(clock.now()).toBe(CLOCK_RANGE.max - 2_000)
  })
})

describe('clock reset', () => {
  it('a following clock returns to real time; a frozen one to its start', () => {
    let real = 1_000_000
    const following = createClock({ realNow: () => real })
    following.advance(4_100_000)
    real += 5
    following.reset()
    expect(following.now()).toBe(real)
    const frozen = createClock({ start: 42_000 })
    frozen.advance(-10_000)
    frozen.reset()
    expect(frozen.now()).toBe(42_000)
  })
})

describe.each(TARGET_KINDS)('reset and rewinds over the control surface (%s)', (kind) => {
  let target: Target | undefined
  afterEach(async () => {
    await target?.close()
    target = undefined
  })
  const post = (t: Target, path: string, body?: unknown) =>
    t.call('connect', `/__mock/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const mockNow = async (t: Target) =>
    Date.parse((await t.call('connect', '/__mock/clock')).json<{ now: string }>().now)

  it('GET /__mock/clock answers the mock time; a negative advanceSeconds moves it back', async () => {
    target = await startTarget(kind)
    const t = target
    const before = await mockNow(t)
    const moved = await post(t, 'clock', { advanceSeconds: -3600 })
    expect(moved.status).toBe(200)
    expect(Date.parse(moved.json<{ now: string }>().now) - before).toBeLessThan(-3_599_000)
    expect((await mockNow(t)) - before).toBeLessThan(-3_599_000)
  })

  it('a code past its 300 s on a move forward stays expired after the move back (400 invalid_grant), whether or not another authorize came while the clock was ahead, and whether it moved by the control surface or mock.clock', async () => {
    target = await startTarget(kind)
    const t = target
    const answers: unknown[] = []
    for (const between of [false, true]) {
      const code = await obtainCode(t)
      await post(t, 'clock', { advanceSeconds: 301 })
      // Unrelated traffic while the clock is ahead decided it before: an issue ran the purge.
      if (between) await obtainCode(t)
      await post(t, 'clock', { advanceSeconds: -301 })
      const reply = await token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
      answers.push([reply.status, reply.json()])
    }
    // The same through the mock's own clock (in process), forward and back, by advance and by set.
    const code = await obtainCode(t)
    const start = t.mock.clock.now()
    t.mock.clock.advance(301_000)
    t.mock.clock.set(start)
    const reply = await token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    answers.push([reply.status, reply.json()])
    expect(answers).toEqual([
      [400, { error: 'invalid_grant' }],
      [400, { error: 'invalid_grant' }],
      [400, { error: 'invalid_grant' }],
    ])
  })

  it('an access token past its 3600 s on a move forward stays expired after the move back, by advance or reset (Dinero 401, userinfo 401), as does a code past its 300 s (400 invalid_grant), while a token issued after the move back works (200)', async () => {
    target = await startTarget(kind)
    const t = target
    const before = await tokenFor(t)
    await post(t, 'clock', { advanceSeconds: 3601 })
    await post(t, 'clock', { advanceSeconds: -3601 })
    const org = '/v1/118244/accounts/deposit'
    expect((await dineroApi(t, before).get(org)).status).toBe(401)
    const userinfo = await t.call('connect', '/connect/userinfo', {
      headers: { authorization: `Bearer ${before}` },
    })
    expect(userinfo.status).toBe(401)
    // A move that did not reach its exp leaves it alone, and a token issued after the move works.
    const fresh = await tokenFor(t)
    await post(t, 'clock', { advanceSeconds: 3000 })
    await post(t, 'clock', { advanceSeconds: -3000 })
    expect((await dineroApi(t, fresh).get(org)).status).toBe(200)
    expect((await dineroApi(t, await tokenFor(t)).get(org)).status).toBe(200)
    // The same through the mock's own clock: back by reset() too (it moved nothing back for the
    // store, and the expired token answered 200 again: an adversarial pass).
    const viaReset = await tokenFor(t)
    t.mock.clock.advance(3_601_000)
    t.mock.clock.reset()
    expect((await dineroApi(t, viaReset).get(org)).status).toBe(401)
    const code = await obtainCode(t)
    t.mock.clock.advance(301_000)
    t.mock.clock.reset()
    const reply = await token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    expect([reply.status, reply.json()]).toEqual([400, { error: 'invalid_grant' }])
  })

  it('POST /__mock/reset puts the clock back on real time after an advance', async () => {
    target = await startTarget(kind)
    const t = target
    await post(t, 'clock', { advanceSeconds: 8200 })
    expect((await mockNow(t)) - Date.now()).toBeGreaterThan(8_000_000)
    expect((await post(t, 'reset')).status).toBe(204)
    expect(Math.abs((await mockNow(t)) - Date.now())).toBeLessThan(1_000)
  })

  it('after a rewind, requests dated in the future no longer count against the Dinero rate limit', async () => {
    target = await startTarget(kind)
    const t = target
    const api = dineroApi(t, await tokenFor(t))
    const org = '/v1/118244/accounts/deposit'
    await post(t, 'clock', { advanceSeconds: 61 })
    await post(t, 'settings', { dinero: { rateLimitPerMinute: 3 } })
    for (let i = 0; i < 3; i++) expect((await api.get(org)).status).toBe(200)
    expect((await api.get(org)).status).toBe(429)
    await post(t, 'clock', { advanceSeconds: -61 })
    for (let i = 0; i < 3; i++) expect((await api.get(org)).status).toBe(200)
  })

  it('POST /__mock/reset clears rate-limit windows', async () => {
    target = await startTarget(kind)
    const t = target
    await post(t, 'settings', { dinero: { rateLimitPerMinute: 2 } })
    let api = dineroApi(t, await tokenFor(t))
    const org = '/v1/118244/accounts/deposit'
    while ((await api.get(org)).status !== 429);
    await post(t, 'reset')
    await post(t, 'settings', { dinero: { rateLimitPerMinute: 2 } })
    api = dineroApi(t, await tokenFor(t))
    expect((await api.get(org)).status).toBe(200)
  })
})

function runCollection(served: ServedMock): Promise<NewmanRunSummary> {
  const env = mockVariables({ connect: served.origin, api: served.origin, control: served.origin })
  const options = {
    collection: buildCollection(),
    environment: { values: Object.entries(env).map(([key, value]) => ({ key, value, enabled: true })) },
    reporters: [],
    ignoreRedirects: true,
    timeoutRequest: 30_000,
  } as unknown as NewmanRunOptions
  return new Promise((resolve, reject) =>
    newman.run(options, (err, summary) => (err ? reject(err) : resolve(summary))),
  )
}

describe('many moves of the clock back (in-process)', () => {
  it('an access token a move back kept expired stays expired (Dinero 401) after 1,100 later moves back that each start lower with a token issued between each, while the newest token works (200)', async () => {
    // The store keeps at most 1,000 marks of moves back; it dropped the oldest, and this token
    // answered 200 again after 1,000 such moves (adversarial pass). Now the oldest two merge.
    const t = await startTarget('in-process', { refresh: { usage: 'reuse' } })
    try {
      const tokens = await codeFlow(t)
      const org = '/v1/118244/accounts/deposit'
      t.mock.clock.advance(3_601_000)
      t.mock.clock.advance(-3_601_000)
      expect((await dineroApi(t, tokens.access_token).get(org)).status).toBe(401)
      let newest = ''
      for (let i = 1; i <= 1_100; i++) {
        const reply = await refresh(t, tokens.refresh_token!)
        expect(reply.status).toBe(200)
        newest = reply.json<{ access_token: string }>().access_token
        // Each move starts lower than the one before and short of every exp: none covers another.
        const ms = (3_590 - 3 * i) * 1000
        t.mock.clock.advance(ms)
        t.mock.clock.advance(-ms)
      }
      expect((await dineroApi(t, tokens.access_token).get(org)).status).toBe(401)
      expect((await dineroApi(t, newest).get(org)).status).toBe(200)
    } finally {
      await t.close()
    }
  })
})

describe('the whole collection twice through Newman against one served mock', () => {
  let served: ServedMock
  const offsets: number[] = []
  const failures: string[][] = []
  const offset = async () =>
    Date.parse(((await (await fetch(`${served.origin}/__mock/clock`)).json()) as { now: string }).now) -
    Date.now()

  beforeAll(async () => {
    // A following clock, as `npm run mock` serves: the drift this guards against is real.
    served = await serveMock(createMock({ signingKey: await sharedSigningKey() }), { port: 0 })
    offsets.push(await offset())
    for (let run = 0; run < 2; run++) {
      const summary = await runCollection(served)
      failures.push(summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.message}`))
      offsets.push(await offset())
    }
  }, 300_000)
  afterAll(() => served.close())

  it('both runs pass every check', () => {
    expect(failures).toEqual([[], []])
  })

  it('each run leaves the mock clock within a second of where it found it', () => {
    expect(offsets).toHaveLength(3)
    expect(Math.abs(offsets[1]! - offsets[0]!)).toBeLessThan(1_000)
    expect(Math.abs(offsets[2]! - offsets[1]!)).toBeLessThan(1_000)
  })

  it('afterwards an unmodified openid-client completes a code flow and accepts the id_token against the wall clock', async () => {
    const config = await oidc.discovery(
      new URL(served.origin),
      'isv_conformance_test',
      undefined,
      oidc.ClientSecretBasic('conformance-secret'),
      { execute: [oidc.allowInsecureRequests] },
    )
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid dineropublicapi:read offline_access',
      response_mode: 'form_post',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    const page = await fetch(url, { headers: { 'x-mock-consent': 'accept' } })
    const form = parseFormPost(await page.text())
    if (!form) throw new Error(`no form_post page: ${page.status}`)
    const callback = new Request(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.fields).toString(),
    })
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    })
    const claims = tokens.claims()!
    expect(claims.nonce).toBe(nonce)
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(5)
  })
})
