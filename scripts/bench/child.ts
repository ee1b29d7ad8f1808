/**
 * The server and churn children of `dinero-conformance bench` (scripts/commands/bench.ts), run
 * as `node bench/child.ts serve <kind>` or `churn <ops>`: each server gets a process of its own,
 * so the load generator and the server do not share an event loop. Not a command: the bench
 * driver is its only caller.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
import { serveMock } from '../../mocks/http/serve.ts'
import type { MockOptions } from '../../mocks/options.ts'
import { dispatch } from '../../mocks/routes.ts'
import { codeFlow } from '../targets/oauth.ts'
import type { CallInit, Reply, Target } from '../targets/targets.ts'

const ORG = 118244
const CLIENT = 'client_id=isv_conformance_test&client_secret=conformance-secret'
const FORM = 'application/x-www-form-urlencoded'
const MOCK_OPTIONS: MockOptions = { refresh: { usage: 'reuse' }, dinero: { rateLimitPerMinute: 0 } }

export type Kind = 'bare' | 'served' | 'http-middleware' | 'oauth2-mock-server'

/** What a server child reports on stdout once it listens. */
export interface Ready {
  origin: string
  bearer?: string
  refreshToken?: string
}

/** A Target over plain fetch, enough for scripts/targets/oauth.ts. */
function fetchTarget(mock: Mock, connect: string, api = connect): Target {
  const call = async (s: 'connect' | 'api', pathOrUrl: string, init: CallInit = {}): Promise<Reply> => {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${s === 'connect' ? connect : api}${pathOrUrl}`
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) }
  }
  return { kind: 'served', mock, connect, api, call, close: async () => {} }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  })
}

export async function serve(kind: Kind): Promise<Ready> {
  if (kind === 'bare') {
    const body = JSON.stringify({ Collection: [{ Id: ORG, Name: 'Bench ApS', IsPro: true }] })
    const server = createServer({ keepAliveTimeout: 5_000 }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
      res.end(body)
    })
    return { origin: await listen(server) }
  }
  if (kind === 'oauth2-mock-server') {
    const { OAuth2Server } = await import('oauth2-mock-server')
    const server = new OAuth2Server()
    await server.issuer.keys.generate('RS256')
    await server.start(0, '127.0.0.1')
    return { origin: server.issuer.url!.replace('localhost', '127.0.0.1') }
  }
  const mock = createMock(MOCK_OPTIONS)
  let origin: string
  if (kind === 'served') {
    origin = (await serveMock(mock, { port: 0 })).origin
  } else {
    const { createServer: createMiddlewareServer } = await import('@mswjs/http-middleware')
    // Its typings resolve msw's CommonJS build; the handlers are the same objects.
    const app = createMiddlewareServer(
      ...(mock.handlers as unknown as Parameters<typeof createMiddlewareServer>),
    )
    const server = createServer(app)
    origin = await listen(server)
    mock.addOrigin(origin)
  }
  const tokens = await codeFlow(fetchTarget(mock, origin))
  return {
    origin,
    bearer: tokens.access_token,
    ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
  }
}

// ---------------------------------------------------------------- in-process (msw setupServer)

export interface InProcessReport {
  requests: number
  /** Median µs per `GET /v1/organizations` through the mock's handlers. */
  mockUs: number
  /** Median µs per request to a one-line msw handler on the same fetch path. */
  oneLineUs: number
  ratio: number
}

/**
 * `GET /v1/organizations` through `setupServer(...mock.handlers)` and plain fetch, next to a
 * one-line msw handler answering a fixed JSON on the same fetch path: the difference is what the
 * mock's handlers cost in-process. The two run in back-to-back pairs of short rounds and the
 * median pair's ratio counts, so a burst of load from other processes weighs on both alike.
 */
export async function inProcess(requests: number): Promise<InProcessReport> {
  const { http, HttpResponse } = await import('msw')
  const { setupServer } = await import('msw/node')
  const mock = createMock(MOCK_OPTIONS)
  const handlers = [...mock.handlers]
  // msw patches fetch once per process; swapping the handler list switches between the two.
  const server = setupServer(...handlers)
  server.listen({ onUnhandledRequest: 'error' })
  const tokens = await codeFlow(fetchTarget(mock, mock.options.connectOrigin, mock.options.apiOrigin))
  const auth = { authorization: `Bearer ${tokens.access_token}` }
  const url = `${mock.options.apiOrigin}/v1/organizations`
  const body = { Collection: [{ Id: ORG, Name: 'Bench ApS', IsPro: true }] }
  const time = async (n: number) => {
    const started = performance.now()
    for (let i = 0; i < n; i++) {
      const res = await fetch(url, { headers: auth })
      if (res.status !== 200) throw new Error(`in-process ${url}: ${res.status}`)
      await res.arrayBuffer()
    }
    return ((performance.now() - started) * 1000) / n
  }
  const oneLine = [http.get(url, () => HttpResponse.json(body))]
  const ROUNDS = 40
  const per = Math.max(25, Math.ceil(requests / ROUNDS))
  const mockRounds: number[] = []
  const oneLineRounds: number[] = []
  const ratios: number[] = []
  const side = async (mine: boolean) => {
    server.resetHandlers(...(mine ? handlers : oneLine))
    return time(per)
  }
  for (let r = -2; r < ROUNDS; r++) {
    // Which side goes first alternates, so a drift in the machine's load weighs on both alike.
    const first = await side(r % 2 === 0)
    const second = await side(r % 2 !== 0)
    const [m, o] = r % 2 === 0 ? [first, second] : [second, first]
    // The first two rounds warm the JIT on both paths and are not counted.
    if (r >= 0) {
      mockRounds.push(m)
      oneLineRounds.push(o)
      ratios.push(m / o)
    }
  }
  server.close()
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const mockUs = median(mockRounds)
  const oneLineUs = median(oneLineRounds)
  return {
    requests: per * ROUNDS,
    mockUs: round(mockUs),
    oneLineUs: round(oneLineUs),
    // The median of the paired rounds' ratios: each pair ran back to back under the same load.
    ratio: round(median(ratios), 2),
  }
}

// ---------------------------------------------------------------- 100k token operations

export interface RssReport {
  ops: number
  seconds: number
  opsPerSec: number
  rssBeforeMiB: number
  rssAfterMiB: number
  heapBeforeMiB: number
  heapAfterMiB: number
  countsBefore: Record<string, number>
  countsAfter: Record<string, number>
  countsPeak: Record<string, number>
}

/**
 * Calls the token endpoint's route directly (no sockets): per cycle one authorize, one code
 * exchange and four one-time refresh rotations, i.e. five token operations. Every 2,000 cycles
 * the mock clock moves 31 days on, so codes, consumed and expired refresh tokens are due for purging.
 */
export async function tokenChurn(ops: number): Promise<RssReport> {
  const mock = createMock({ consent: 'auto', dinero: { rateLimitPerMinute: 0 } })
  const find = (method: string, path: string) =>
    mock.routes.find((r) => r.path === path && (r.method === method || r.method === 'ALL'))!
  const authorizeRoute = find('GET', '/connect/authorize')
  const tokenRoute = find('POST', '/connect/token')
  const connect = mock.options.connectOrigin
  const authorizeUrl = new URL(
    `${connect}/connect/authorize?client_id=isv_conformance_test&redirect_uri=${encodeURIComponent('http://127.0.0.1:8976/callback')}&response_type=code&scope=${encodeURIComponent('dineropublicapi:read offline_access')}`,
  )
  const tokenUrl = new URL(`${connect}/connect/token`)
  const post = async (body: string) => {
    const res = await dispatch(
      tokenRoute,
      mock.runtime,
      new Request(tokenUrl, { method: 'POST', headers: { 'content-type': FORM }, body }),
      tokenUrl,
      {},
    )
    if (res.status !== 200) throw new Error(`token ${res.status} ${await res.text()}`)
    return (await res.json()) as { refresh_token: string }
  }
  const cycle = async () => {
    const res = await dispatch(authorizeRoute, mock.runtime, new Request(authorizeUrl), authorizeUrl, {})
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!
    let { refresh_token: rt } = await post(
      `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('http://127.0.0.1:8976/callback')}&${CLIENT}`,
    )
    for (let i = 0; i < 4; i++)
      rt = (await post(`grant_type=refresh_token&refresh_token=${rt}&${CLIENT}`)).refresh_token
  }
  const gc = (globalThis as { gc?: () => void }).gc
  const mem = () => {
    gc?.()
    const m = process.memoryUsage()
    return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 }
  }
  const counts = () => ({ ...mock.store.connect.counts(), journal: mock.journal.size })
  // Warm-up: JIT, key, journal up to its limit.
  for (let i = 0; i < 2_000; i++) await cycle()
  const before = mem()
  const countsBefore = counts()
  const peak: Record<string, number> = {}
  const started = performance.now()
  const cycles = Math.ceil(ops / 5)
  for (let i = 1; i <= cycles; i++) {
    await cycle()
    if (i % 2_000 === 0) {
      for (const [k, v] of Object.entries(counts())) peak[k] = Math.max(peak[k] ?? 0, v)
      mock.clock.advance(31 * 24 * 3600 * 1000)
    }
  }
  const seconds = (performance.now() - started) / 1000
  const after = mem()
  return {
    ops: cycles * 5,
    seconds: round(seconds, 1),
    opsPerSec: Math.round((cycles * 5) / seconds),
    rssBeforeMiB: round(before.rss, 1),
    rssAfterMiB: round(after.rss, 1),
    heapBeforeMiB: round(before.heap, 1),
    heapAfterMiB: round(after.heap, 1),
    countsBefore,
    countsAfter: counts(),
    countsPeak: peak,
  }
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

const [mode, arg] = process.argv.slice(2)
if (mode === 'serve') {
  const ready = await serve(arg as Kind)
  process.stdout.write(`${JSON.stringify(ready)}\n`)
  process.on('SIGTERM', () => process.exit(0))
} else if (mode === 'in-process') {
  process.stdout.write(`${JSON.stringify(await inProcess(Number(arg)))}\n`)
} else if (mode === 'churn') {
  process.stdout.write(`${JSON.stringify(await tokenChurn(Number(arg)))}\n`)
}
