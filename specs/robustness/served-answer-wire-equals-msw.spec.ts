import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../mocks/options.ts'
import { codeFlow, type Tokens } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * The routes that answer an `Answer` (organisation lists, the contacts page, a token success) are
 * written to the socket by the served adapter without a Fetch `Response`; through msw
 * (`dispatch: 'msw'`) the same answer is a `Response`. On the wire the two must be the same bytes:
 * status line, header names, order and values, length and body, for GET and HEAD, with deviations
 * that change headers, faults injected on those routes, odd spellings of the path, and after a reset.
 */
type Dispatch = 'direct' | 'msw'

/** A served target whose adapter runs routes the given way; the rate limit off (many requests). */
const servedTarget = (dispatch: Dispatch) =>
  startTarget('served', { dispatch, dinero: { rateLimitPerMinute: 0 } })

/** The raw answer to one request on its own connection, the Date line left out (it is the clock's). */
async function wire(origin: string, head: string, body = ''): Promise<string> {
  const socket = connect(Number(new URL(origin).port), '127.0.0.1')
  await once(socket, 'connect')
  // Not half-closed: node's http server drops a request whose client ended its side before the answer.
  socket.write(`${head}\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n${body}`)
  const chunks: Buffer[] = []
  try {
    for await (const chunk of socket) chunks.push(chunk as Buffer)
  } catch (e) {
    return `socket error ${(e as NodeJS.ErrnoException).code}`
  }
  if (chunks.length === 0) return 'closed without an answer'
  return Buffer.concat(chunks)
    .toString('latin1')
    .split('\r\n')
    .filter((line) => !/^date:/i.test(line))
    .join('\r\n')
}

/** Values that differ between two mocks by design (random tokens, ids, times) replaced by their shape. */
const tokenShape = (text: string) =>
  text
    .replace(/"(access_token|id_token|refresh_token)":"[^"]*"/g, '"$1":"…"')
    .replace(/content-length: \d+/i, 'content-length: n')

describe('served adapter: an Answer on the wire equals the Response msw sends', () => {
  const both: Record<Dispatch, Target> = {} as never
  const tokens: Record<Dispatch, Tokens> = {} as never
  let org = ''
  beforeAll(async () => {
    for (const d of ['direct', 'msw'] as const) {
      both[d] = await servedTarget(d)
      tokens[d] = await codeFlow(both[d], {
        scope: 'openid dineropublicapi:read dineropublicapi:write offline_access',
      })
    }
    const orgs = (
      await both.direct.call('api', '/v1/organizations', {
        headers: { authorization: `Bearer ${tokens.direct.access_token}` },
      })
    ).json<{ id: number }[]>()
    org = String(orgs[0]!.id)
  })
  afterAll(async () => {
    for (const t of Object.values(both)) await t?.close()
  })

  const same = async (
    head: (d: Dispatch) => string,
    body?: (d: Dispatch) => string,
    shape = (s: string) => s,
  ) => {
    const direct = shape(await wire(both.direct.connect, head('direct'), body?.('direct')))
    const msw = shape(await wire(both.msw.connect, head('msw'), body?.('msw')))
    expect(direct).toBe(msw)
    return direct
  }
  const bearer = (method: string, path: string) => (d: Dispatch) =>
    `${method} ${path} HTTP/1.1\r\nauthorization: Bearer ${tokens[d].access_token}`
  const control = (d: Dispatch, path: string, json: unknown) =>
    both[d].call('connect', path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    })

  it('GET and HEAD of /v1/organizations, /v1.1/organizations and the contacts page: the same status line, headers and body', async () => {
    for (const path of [
      '/v1/organizations',
      '/v1/organizations?fields=Name,Id',
      '/v1.1/organizations',
      `/v1/${org}/contacts`,
      `/v1/${org}/contacts?page=0&pageSize=2`,
    ]) {
      const get = await same(bearer('GET', path))
      expect(get).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      await same(bearer('HEAD', path))
    }
  })

  it('case variants, percent-encodings and trailing slashes of an Answer route answer as msw does (status and body), before and after the path was remembered', async () => {
    const variants = [
      '/V1/ORGANIZATIONS',
      '/v1/Organizations',
      '/v1/%6Frganizations',
      '/v1/organizations/',
      '/v1//organizations',
      '/v1/organizations%2F',
      `/v1/${org}/Contacts`,
      `/v1/%3${org.slice(1)}/contacts`,
    ]
    for (let round = 0; round < 2; round++)
      for (const path of variants)
        for (const method of ['GET', 'HEAD', 'POST', 'DELETE']) await same(bearer(method, path))
  })

  it('a path remembered under GET and then asked with another method is 405 as through msw; an unknown path is 404 under every method', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'GET']) {
      await same(bearer(method, '/v1/organizations'))
      await same(bearer(method, '/v1/no-such-thing'))
    }
  })

  const rotating: Partial<Record<Dispatch, string>> = {}
  const refreshForm = (d: Dispatch) =>
    new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: rotating[d] ?? tokens[d].refresh_token!,
      client_id: DEFAULT_CLIENT_ID,
      client_secret: DEFAULT_CLIENT_SECRET,
    }).toString()
  const refreshHead = (d: Dispatch) =>
    `POST /connect/token HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${Buffer.byteLength(refreshForm(d))}`
  /** A refresh grant on the wire on both mocks, each mock's rotated token kept for its next one. */
  const refreshBoth = async (): Promise<string> => {
    const answers: Record<string, string> = {}
    for (const d of ['direct', 'msw'] as const) {
      answers[d] = await wire(both[d].connect, refreshHead(d), refreshForm(d))
      const rotated = /"refresh_token":"([^"]*)"/.exec(answers[d]!)
      if (rotated?.[1]) rotating[d] = rotated[1]
    }
    expect(tokenShape(answers.direct!)).toBe(tokenShape(answers.msw!))
    return answers.direct!
  }

  it('a refresh grant’s 200: the same status line, header names, order and values (Cache-Control: no-store, Pragma: no-cache) and body shape', async () => {
    const answer = await refreshBoth()
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toMatch(/\r\ncache-control: no-store, no-cache, max-age=0\r\n/)
    expect(answer).toMatch(/\r\npragma: no-cache\r\n/)
  })

  it('with token.cacheable-response both answer 200 without Cache-Control and Pragma, the rest the same bytes', async () => {
    for (const d of ['direct', 'msw'] as const)
      expect((await control(d, '/__mock/deviations', { enable: ['token.cacheable-response'] })).status).toBe(
        200,
      )
    const answer = await refreshBoth()
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).not.toMatch(/cache-control|pragma/i)
    for (const d of ['direct', 'msw'] as const)
      expect((await control(d, '/__mock/deviations', { disable: ['token.cacheable-response'] })).status).toBe(
        200,
      )
  })

  it('faults injected on the token endpoint and the Dinero API (status 503, latency, reset) replace the Answer the same way', async () => {
    const faults: [unknown, () => Promise<string>][] = [
      [{ target: 'token', kind: 'status', status: 503, count: 1 }, refreshBoth],
      [
        { target: 'dinero', kind: 'status', status: 502, count: 1 },
        () => same(bearer('GET', '/v1/organizations')),
      ],
      [{ target: 'token', kind: 'latency', ms: 5, count: 1 }, refreshBoth],
      [
        { target: 'dinero', kind: 'latency', ms: 5, count: 1 },
        () => same(bearer('GET', `/v1/${org}/contacts`)),
      ],
      [{ target: 'dinero', kind: 'reset', count: 1 }, () => same(bearer('GET', '/v1/organizations'))],
      [{ target: 'token', kind: 'reset', count: 1 }, refreshBoth],
      [
        { target: 'dinero', kind: 'rate-limit', retryAfterSeconds: 7, count: 1 },
        () => same(bearer('HEAD', '/v1.1/organizations')),
      ],
    ]
    for (const [fault, send] of faults) {
      for (const d of ['direct', 'msw'] as const)
        expect((await control(d, '/__mock/faults', fault)).status).toBe(200)
      await send()
    }
    for (const d of ['direct', 'msw'] as const)
      expect((await both[d].call('connect', '/__mock/faults', { method: 'DELETE' })).status).toBeLessThan(300)
    expect(await same(bearer('GET', '/v1/organizations'))).toMatch(/^HTTP\/1\.1 200 OK/)
  })

  it('after /__mock/reset a remembered path answers as msw does: 401 to a token from before the reset, 200 to a new grant', async () => {
    await same(bearer('GET', '/v1/organizations'))
    for (const d of ['direct', 'msw'] as const)
      expect((await control(d, '/__mock/reset', {})).status).toBe(204)
    expect(await same(bearer('GET', '/v1/organizations'))).toMatch(/^HTTP\/1\.1 401 Unauthorized/)
    for (const d of ['direct', 'msw'] as const) tokens[d] = await codeFlow(both[d])
    expect(await same(bearer('GET', '/v1/organizations'))).toMatch(/^HTTP\/1\.1 200 OK/)
  })
})
