import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createMock } from '../../mocks/create-mock.ts'
import { controlRefusal, isLoopbackHost, normalisePath } from '../../mocks/http/control-guard.ts'
import { exposureWarning, type ServedMock, ServeError, serveMock } from '../../mocks/http/serve.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * The attacks on the control surface, each as a request the mock must refuse: a page of another
 * origin, a CORS-safelisted body type, a DNS-rebound Host, and every other spelling of /__mock
 * from a peer that is not loopback.
 */
const ATTACK_BODY = '{"enable":["code.allow-reuse","refresh.no-rotation"]}'

interface Raw {
  status: number
  body: string
}

/** node:http sends path and Host exactly as given (fetch would normalise the one and refuse the other). */
function raw(
  origin: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path, method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          body += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end(init.body)
  })
}

describe.each(TARGET_KINDS)('control surface refuses what a web page could send (%s)', (kind) => {
  let target: Target | undefined
  afterEach(async () => {
    await target?.close()
    target = undefined
  })
  const deviations = async (t: Target) =>
    (await t.call('connect', '/__mock/deviations')).json<{ enabled: string[] }>().enabled

  it('a POST with another Origin is refused with 403 cross_origin and the deviations stay []', async () => {
    target = await startTarget(kind)
    const t = target
    const reply = await t.call('connect', '/__mock/deviations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:5173' },
      body: ATTACK_BODY,
    })
    expect(reply.status).toBe(403)
    expect(reply.json()).toMatchObject({ error: 'forbidden', reason: 'cross_origin' })
    expect(reply.json().error_description).toContain('http://127.0.0.1:5173')
    expect(await deviations(t)).toEqual([])
  })

  it('Origin: null (a sandboxed or privacy-stripped page) is refused with 403 cross_origin', async () => {
    target = await startTarget(kind)
    const reply = await target.call('connect', '/__mock/reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'null' },
    })
    expect(reply.status).toBe(403)
    expect(reply.json().reason).toBe('cross_origin')
  })

  it('Sec-Fetch-Site: same-site (a page on another localhost port) is refused with 403 cross_site', async () => {
    target = await startTarget(kind)
    const reply = await target.call('connect', '/__mock/journal', {
      headers: { 'sec-fetch-site': 'same-site' },
    })
    expect(reply.status).toBe(403)
    expect(reply.json().reason).toBe('cross_site')
  })

  it('a text/plain POST is refused with 415 and the deviations stay []', async () => {
    target = await startTarget(kind)
    const t = target
    const reply = await t.call('connect', '/__mock/deviations', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: ATTACK_BODY,
    })
    expect(reply.status).toBe(415)
    expect(reply.json()).toMatchObject({ error: 'unsupported_media_type', reason: 'content_type' })
    expect(await deviations(t)).toEqual([])
  })

  it('a form-encoded POST carrying browser headers is refused with 415; application/json is taken', async () => {
    target = await startTarget(kind)
    const t = target
    const browserish = await t.call('connect', '/__mock/deviations', {
      method: 'POST',
      // What a browser sends with a no-cors form post from the mock's own origin (Fetch Metadata).
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'no-cors',
        'sec-fetch-dest': 'empty',
      },
      body: ATTACK_BODY,
    })
    expect(browserish.status).toBe(415)
    expect(await deviations(t)).toEqual([])
    const ok = await t.call('connect', '/__mock/deviations', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"enable":["code.allow-reuse"]}',
    })
    expect(ok.status).toBe(200)
    expect(await deviations(t)).toEqual(['code.allow-reuse'])
  })

  it.each(['/__MOCK/deviations', '/%5F%5Fmock/deviations', '//__mock/deviations'])(
    '%s reaches the same route and the same 403 cross_origin',
    async (path) => {
      target = await startTarget(kind)
      const t = target
      const attack = await t.call('connect', path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:5173' },
        body: ATTACK_BODY,
      })
      expect(attack.status).toBe(403)
      expect(attack.json().reason).toBe('cross_origin')
      expect((await t.call('connect', path)).json().enabled).toEqual([])
    },
  )

  it('the mock’s own Origin is accepted', async () => {
    target = await startTarget(kind)
    const own = new URL(target.connect).origin
    const reply = await target.call('connect', '/__mock/reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: own },
    })
    expect(reply.status).toBe(204)
  })
})

describe('served control surface: Host and peer', () => {
  let served: ServedMock | undefined
  afterEach(async () => {
    await served?.close()
    served = undefined
  })

  it('Host: attacker.example (DNS rebinding) is refused with 403 foreign_host', async () => {
    served = await serveMock(createMock(), { port: 0 })
    const reply = await raw(served.origin, '/__mock/journal', { headers: { host: 'attacker.example' } })
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.body)).toMatchObject({ error: 'forbidden', reason: 'foreign_host' })
    const rebound = await raw(served.origin, '/__mock/deviations', {
      method: 'POST',
      headers: { host: `attacker.example:${served.port}`, 'content-type': 'application/json' },
      body: ATTACK_BODY,
    })
    expect(rebound.status).toBe(403)
    expect(served.server.listening).toBe(true)
  })

  it("Node's own fetch (Sec-Fetch-Mode: cors on every request) sends the README's bare POST /__mock/reset → 204", async () => {
    served = await serveMock(createMock(), { port: 0 })
    const reset = await fetch(`${served.origin}/__mock/reset`, { method: 'POST' })
    expect(reset.status).toBe(204)
    // curl -d's content type with a JSON body, as the README's examples send it.
    const form = await fetch(`${served.origin}/__mock/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"advanceSeconds":0}',
    })
    expect(form.status).toBe(200)
  })

  it('Host: localhost, 127.0.0.1 and [::1] with the served port are accepted; another port is 403', async () => {
    served = await serveMock(createMock(), { port: 0 })
    for (const name of ['localhost', '127.0.0.1', '127.9.9.9', '[::1]'])
      expect(
        (await raw(served.origin, '/__mock/clock', { headers: { host: `${name}:${served.port}` } })).status,
      ).toBe(200)
    const otherPort = await raw(served.origin, '/__mock/clock', { headers: { host: '127.0.0.1:1' } })
    expect(otherPort.status).toBe(403)
  })

  const SPELLINGS = [
    '/__mock/journal',
    '/__MOCK/journal',
    '/%5F%5Fmock/journal',
    '/%5f%5FMock/journal',
    '//__mock/journal',
    '/x/../__mock/journal',
    '/x/%2e%2e/__mock/journal',
    '/\\__mock/journal',
  ]

  it.each(SPELLINGS)('%s from a non-loopback peer gets the same 403 non_loopback_peer', async (path) => {
    served = await serveMock(createMock(), { port: 0, controlPeers: () => false })
    const reply = await raw(served.origin, path)
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.body)).toEqual({
      error: 'forbidden',
      reason: 'non_loopback_peer',
      error_description: 'the control surface answers loopback clients only',
    })
  })

  it.each(SPELLINGS)('%s from loopback reaches the journal (routing reads the same path)', async (path) => {
    served = await serveMock(createMock(), { port: 0 })
    const reply = await raw(served.origin, path)
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toHaveProperty('entries')
  })

  it.each(['/__MOCK/deviations', '/%5F%5Fmock/reset', '//__mock/settings', '/a/../__Mock/faults'])(
    'POST %s from a non-loopback peer is 403 and changes nothing: the journal holds the refusal alone',
    async (path) => {
      const mock = createMock()
      served = await serveMock(mock, { port: 0, controlPeers: () => false })
      const reply = await raw(served.origin, path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: path.endsWith('deviations') ? ATTACK_BODY : '{}',
      })
      expect(reply.status).toBe(403)
      expect(mock.deviations.list()).toEqual([])
      expect(mock.journal.entries().map((e) => [e.service, e.status, e.details.refused_by])).toEqual([
        ['control', 403, 'adapter'],
      ])
    },
  )

  it('every control route lives under /__mock/, so the path guard covers them all', () => {
    const control = createMock().routes.filter((r) => r.service === 'control')
    expect(control.length).toBeGreaterThan(0)
    for (const r of control) expect(r.path.toLowerCase().startsWith('/__mock/')).toBe(true)
  })
})

describe('control guard (pure)', () => {
  it.each([
    ['/__MOCK/journal', '/__MOCK/journal'],
    ['/%5F%5Fmock/journal', '/__mock/journal'],
    ['//__mock//journal', '/__mock/journal'],
    ['/x/../__mock/journal', '/__mock/journal'],
    ['/x/%2E%2e/__mock/journal', '/__mock/journal'],
    ['/%2e%2e/%2e%2e/__mock/journal', '/__mock/journal'],
    ['/v1/123/contacts/a%2fb', '/v1/123/contacts/a%2Fb'],
    ['/v1/123/contacts/%e2%82%ac', '/v1/123/contacts/%E2%82%AC'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalisePath(new URL(`http://h${input}`).pathname)).toBe(expected)
  })

  it('gives every spelling from a non-loopback peer the answer /__mock/journal gets', () => {
    const facts = (path: string) => ({
      path: normalisePath(new URL(`http://h${path}`).pathname),
      peer: '192.0.2.7',
      host: '127.0.0.1:4010',
      port: 4010,
    })
    const expected = controlRefusal(facts('/__mock/journal'))
    expect(expected?.reason).toBe('non_loopback_peer')
    for (const path of ['/__MOCK/journal', '/%5F%5Fmock/journal', '//__mock/journal', '/x/../__mock/journal'])
      expect(controlRefusal(facts(path))).toEqual(expected)
    expect(controlRefusal(facts('/connect/token'))).toBeUndefined()
  })

  it('a loopback peer with a foreign Host is refused; ::ffff:127.0.0.1 counts as loopback', () => {
    const base = { path: '/__mock/journal', port: 4010 }
    expect(controlRefusal({ ...base, peer: '::ffff:127.0.0.1', host: 'localhost:4010' })).toBeUndefined()
    expect(controlRefusal({ ...base, peer: '127.0.0.1', host: 'attacker.example:4010' })?.reason).toBe(
      'foreign_host',
    )
    expect(controlRefusal({ ...base, peer: '127.0.0.1', host: undefined })?.reason).toBe('foreign_host')
    expect(controlRefusal({ ...base, peer: '127.0.0.1', host: 'localhost' })?.reason).toBe('foreign_host')
    expect(controlRefusal({ ...base, port: 80, peer: '127.0.0.1', host: 'localhost' })).toBeUndefined()
  })

  it('loopback bind hosts are localhost, 127.0.0.0/8 and ::1; 0.0.0.0 and :: are not', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])
      expect(isLoopbackHost(h)).toBe(true)
    for (const h of ['0.0.0.0', '::', '192.0.2.1', 'example.com']) expect(isLoopbackHost(h)).toBe(false)
  })
})

describe('binding beyond loopback', () => {
  it('0.0.0.0 without allowNonLoopback is refused with MOCK_NON_LOOPBACK_BIND and binds nothing', async () => {
    const error = await serveMock(createMock(), { port: 0, host: '0.0.0.0' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServeError)
    expect((error as ServeError).code).toBe('MOCK_NON_LOOPBACK_BIND')
  })

  it('with allowNonLoopback it reports the real bound address and a warning of what is reachable', async () => {
    const served = await serveMock(createMock(), { port: 0, host: '0.0.0.0', allowNonLoopback: true })
    try {
      expect(served.listening).toBe(`http://0.0.0.0:${served.port}`)
      expect(served.warning).toBe(exposureWarning(served.listening))
      expect(served.warning).toMatch(/login and consent pages/)
      expect(served.warning).toMatch(/\/__mock\/\* still answers loopback clients only/)
      expect((await raw(served.origin, '/__mock/clock')).status).toBe(200)
    } finally {
      await served.close()
    }
  })

  it.each([
    ['[::1]', (port: number) => `http://[::1]:${port}`],
    ['::1', (port: number) => `http://[::1]:${port}`],
    ['::ffff:127.0.0.1', (port: number) => `http://127.0.0.1:${port}`],
  ])(
    'host %s binds, and its origin serves discovery (200) and the control surface (200)',
    async (host, origin) => {
      // `[::1]` failed with ENOTFOUND; `::ffff:127.0.0.1` served 404 everywhere and 403 on /__mock.
      const served = await serveMock(createMock(), { port: 0, host })
      try {
        expect(served.origin).toBe(origin(served.port))
        expect(served.warning).toBeUndefined()
        const discovery = await fetch(`${served.origin}/.well-known/openid-configuration`)
        expect(discovery.status).toBe(200)
        expect(((await discovery.json()) as { issuer: string }).issuer).toBe(served.origin)
        expect((await fetch(`${served.origin}/__mock/clock`)).status).toBe(200)
      } finally {
        await served.close()
      }
    },
  )

  it('a loopback bind carries no warning', async () => {
    const served = await serveMock(createMock(), { port: 0 })
    try {
      expect(served.listening).toBe(`http://127.0.0.1:${served.port}`)
      expect(served.warning).toBeUndefined()
    } finally {
      await served.close()
    }
  })
})
