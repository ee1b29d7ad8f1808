import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
import { type ServedMock, serveMock } from '../../mocks/http/serve.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import { runCli, startCli } from './support/process.ts'

/**
 * `createMock({ liveLike: true })` / `dinero-conformance mock --live-like` offers only what Visma
 * Connect and Dinero offer: each mock-only shortcut is gone there, and still there by default.
 * The person's way in (the login page, then Allow on the consent page) works in both.
 */
const REDIRECT_URI = 'http://127.0.0.1:8976/callback'
const USER = { email: 'user@example.com', password: 'Passw0rd!' }

interface Served {
  mock: Mock
  served: ServedMock
  origin: string
}

async function serve(liveLike: boolean): Promise<Served> {
  const mock = createMock({ signingKey: await sharedSigningKey(), liveLike })
  const served = await serveMock(mock, { port: 0 })
  return { mock, served, origin: served.origin }
}

const authorizeUrl = (origin: string, state: string) =>
  `${origin}/connect/authorize?${new URLSearchParams({
    client_id: 'isv_conformance_test',
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    response_mode: 'query',
    scope: 'dineropublicapi:read offline_access',
    state,
  })}`

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers })
  const text = await res.body.text()
  return { status: res.statusCode, location: String(res.headers.location ?? ''), text }
}

async function postForm(url: string, form: Record<string, string>, cookie?: string) {
  const res = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie === undefined ? {} : { cookie }),
    },
    body: new URLSearchParams(form).toString(),
  })
  await res.body.dump()
  const setCookie = res.headers['set-cookie']
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie
  return {
    status: res.statusCode,
    location: String(res.headers.location ?? ''),
    cookie: first?.split(';')[0],
  }
}

let liveLike: Served
let plain: Served
beforeAll(async () => {
  ;[liveLike, plain] = await Promise.all([serve(true), serve(false)])
})
afterAll(async () => {
  await Promise.all([liveLike.served.close(), plain.served.close()])
})

describe('a live-like mock offers only what the real services offer', () => {
  it('X-Mock-Consent: accept is ignored: authorize answers 302 to the login page, no code', async () => {
    const r = await get(authorizeUrl(liveLike.origin, 'st-a'), { 'x-mock-consent': 'accept' })
    expect(r.status).toBe(302)
    expect(new URL(r.location).pathname).toBe('/account/login')
    expect(new URL(r.location).searchParams.has('code')).toBe(false)
  })

  it('by default X-Mock-Consent: accept signs the seeded user in: 302 to the redirect_uri with a code', async () => {
    const r = await get(authorizeUrl(plain.origin, 'st-b'), { 'x-mock-consent': 'accept' })
    expect(r.status).toBe(302)
    expect(r.location.startsWith(`${REDIRECT_URI}?`)).toBe(true)
    expect(new URL(r.location).searchParams.get('code')).toMatch(/^[0-9A-F]{64}$/)
  })

  it('X-Mock-Consent: deny is ignored: the login page, not access_denied at the redirect_uri', async () => {
    const r = await get(authorizeUrl(liveLike.origin, 'st-c'), { 'x-mock-consent': 'deny' })
    expect(r.status).toBe(302)
    expect(new URL(r.location).pathname).toBe('/account/login')
    const denied = await get(authorizeUrl(plain.origin, 'st-d'), { 'x-mock-consent': 'deny' })
    expect(new URL(denied.location).searchParams.get('error')).toBe('access_denied')
  })

  it("consent: 'auto' is refused with a RangeError; by default it issues a code with no page", async () => {
    expect(() => createMock({ liveLike: true, consent: 'auto' })).toThrow(RangeError)
    const auto = createMock({ signingKey: await sharedSigningKey(), consent: 'auto' })
    const served = await serveMock(auto, { port: 0 })
    try {
      const r = await get(authorizeUrl(served.origin, 'st-e'))
      expect(new URL(r.location).searchParams.get('code')).toMatch(/^[0-9A-F]{64}$/)
    } finally {
      await served.close()
    }
  })

  it.each([
    ['GET', '/__mock/journal'],
    ['GET', '/__mock/clock'],
    ['POST', '/__mock/reset'],
    ['POST', '/__mock/clock'],
  ])(
    '%s %s answers 404 exactly as an unknown Connect path does (no control surface)',
    async (method, path) => {
      // The same path one letter off: whatever an unknown Connect path answers, this answers too.
      const twin = path.replace('/__mock/', '/__mocq/')
      const send = (p: string) =>
        request(`${liveLike.origin}${p}`, {
          method: method as 'GET' | 'POST',
          ...(method === 'POST'
            ? { headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":301}' }
            : {}),
        })
      const [res, unknown] = await Promise.all([send(path), send(twin)])
      const [text, unknownText] = await Promise.all([res.body.text(), unknown.body.text()])
      expect(res.statusCode).toBe(404)
      expect([res.statusCode, res.headers['content-type'], text.replaceAll(path, twin)]).toEqual([
        unknown.statusCode,
        unknown.headers['content-type'],
        unknownText,
      ])
      expect(liveLike.mock.routes.some((r) => r.service === 'control')).toBe(false)
    },
  )

  it('a POST /__mock/clock does not move a live-like mock’s clock; by default it answers 200 and does', async () => {
    const before = liveLike.mock.clock.now()
    const res = await request(`${liveLike.origin}/__mock/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 3600 }),
    })
    await res.body.dump()
    expect(res.statusCode).toBe(404)
    expect(liveLike.mock.clock.now() - before).toBeLessThan(3_600_000)

    const plainBefore = plain.mock.clock.now()
    const ok = await request(`${plain.origin}/__mock/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 10 }),
    })
    await ok.body.dump()
    expect(ok.statusCode).toBe(200)
    expect(plain.mock.clock.now() - plainBefore).toBeGreaterThanOrEqual(10_000)
    plain.mock.control.advanceClock(-10)
  })

  it('GET /__mock/journal answers 200 by default', async () => {
    const r = await get(`${plain.origin}/__mock/journal`)
    expect(r.status).toBe(200)
    expect(JSON.parse(r.text)).toHaveProperty('entries')
  })

  it('the person’s way still works live-like: sign in on the login page, Allow on consent → a code at the redirect_uri', async () => {
    const start = await get(authorizeUrl(liveLike.origin, 'st-f'))
    const returnUrl = new URL(start.location).searchParams.get('returnUrl')!
    const login = await postForm(`${liveLike.origin}/account/login`, { returnUrl, ...USER, button: 'login' })
    expect(login.status).toBe(302)
    const toConsent = await get(login.location, { cookie: login.cookie! })
    expect(new URL(toConsent.location).pathname).toBe('/consent')
    const allow = await postForm(`${liveLike.origin}/consent`, { returnUrl, button: 'yes' }, login.cookie)
    const done = await get(allow.location, { cookie: login.cookie! })
    expect(done.status).toBe(302)
    const answer = new URL(done.location).searchParams
    expect(answer.get('state')).toBe('st-f')
    expect(answer.get('code')).toMatch(/^[0-9A-F]{64}$/)
    // The test still reads the journal in-process.
    expect(liveLike.mock.journal.entries().some((e) => e.details.outcome === 'consent_granted')).toBe(true)
  })

  it('`mock --live-like` serves without the control surface: GET /__mock/journal → 404, X-Mock-Consent → the login page', async () => {
    const p = startCli('scripts/cli.ts', ['mock', '--live-like', '--port', '0'], { ...process.env })
    try {
      const origin = (await p.waitFor(/\(use (http:\/\/127\.0\.0\.1:\d+)\)/))[1]!
      expect((await get(`${origin}/__mock/journal`)).status).toBe(404)
      const r = await get(authorizeUrl(origin, 'st-g'), { 'x-mock-consent': 'accept' })
      expect(new URL(r.location).pathname).toBe('/account/login')
      expect(p.stdout()).toContain('live-like: sign in and consent on the pages')
    } finally {
      p.child.kill('SIGTERM')
      await p.exited
    }
  })

  it('`mock --live-like --consent auto` exits 2 with HARNESS_USAGE, no stack trace', async () => {
    const r = await runCli('scripts/cli.ts', ['mock', '--live-like', '--consent', 'auto', '--port', '0'], {
      ...process.env,
    })
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(/^error \[HARNESS_USAGE\]: --consent auto is a mock shortcut/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})
