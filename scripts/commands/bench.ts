/**
 * `npm run bench -- [--duration 5] [--connections 50] [--ops 100000] [--only served,bare,…] [--with-start]`
 *
 * Throughput of the served mock next to the platform limit and two alternatives (issue 7), with
 * autocannon as a library, the same connections and duration for every run:
 * - bare: a node:http server answering a fixed JSON (the ceiling on this machine);
 * - served: our node:http adapter around the msw handlers (mocks/http/serve.ts);
 * - http-middleware: the same handlers behind @mswjs/http-middleware (Express);
 * - oauth2-mock-server 8.2.3: its token endpoint (RS256).
 * Each server runs in a child process of its own, so the load generator and the server do not
 * share an event loop. Also measured: cold start of `scripts/mock.ts` to its first 200, and RSS
 * and store sizes across 100k token operations on the mock clock (purging must keep them flat);
 * with `--with-start`, `npm start` (the catalogue through Newman) next to the vitest catalogue run.
 * Everything goes to `reports/bench.json`. Speed is shown here, never asserted in tests.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { createMock, type Mock } from '../mocks/create-mock.ts'
import { serveMock } from '../mocks/http/serve.ts'
import type { MockOptions } from '../mocks/options.ts'
import { dispatch } from '../mocks/routes.ts'
import { codeFlow } from './targets/oauth.ts'
import type { CallInit, Reply, Target } from './targets/targets.ts'

const ORG = 118244
const CLIENT = 'client_id=isv_conformance_test&client_secret=conformance-secret'
const FORM = 'application/x-www-form-urlencoded'
const MOCK_OPTIONS: MockOptions = { refresh: { usage: 'reuse' }, dinero: { rateLimitPerMinute: 0 } }

type Kind = 'bare' | 'served' | 'http-middleware' | 'oauth2-mock-server'
type EndpointId = 'organizations' | 'contacts' | 'token'

/** What a server child reports on stdout once it listens. */
interface Ready {
  origin: string
  bearer?: string
  refreshToken?: string
}

interface Endpoint {
  id: EndpointId
  label: string
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
}

interface Row {
  target: Kind
  endpoint: EndpointId
  request: string
  reqPerSec: number
  p50: number
  p99: number
  total: number
  errors: number
  non2xx: number
  ratioVsBare: number
}

// ---------------------------------------------------------------- server children

/** A Target over plain fetch (nothing intercepts it here), enough for scripts/targets/oauth.ts. */
function fetchTarget(mock: Mock, origin: string): Target {
  const call = async (_s: 'connect' | 'api', pathOrUrl: string, init: CallInit = {}): Promise<Reply> => {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${origin}${pathOrUrl}`
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) }
  }
  return { kind: 'served', mock, connect: origin, api: origin, call, close: async () => {} }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  })
}

async function serve(kind: Kind): Promise<Ready> {
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

// ---------------------------------------------------------------- 100k token operations

interface RssReport {
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
async function tokenChurn(ops: number): Promise<RssReport> {
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

// ---------------------------------------------------------------- the driver

function round(n: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

function spawnSelf(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
}

async function firstLine(child: ChildProcess): Promise<string> {
  let out = ''
  child.stdout!.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: string) => {
      out += d
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve(out.slice(0, nl))
    })
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${out}`)))
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

function endpoints(kind: Kind, ready: Ready): Endpoint[] {
  if (kind === 'bare') return [{ id: 'organizations', label: 'GET / (fixed JSON)', method: 'GET', path: '/' }]
  if (kind === 'oauth2-mock-server') {
    return [
      {
        id: 'token',
        label: 'POST /token refresh_token (RS256 ×2: access + id token)',
        method: 'POST',
        path: '/token',
        headers: { 'content-type': FORM },
        body: 'grant_type=refresh_token&refresh_token=bench&client_id=bench',
      },
      {
        id: 'token',
        label: 'POST /token client_credentials (RS256 ×1)',
        method: 'POST',
        path: '/token',
        headers: { 'content-type': FORM },
        body: 'grant_type=client_credentials&scope=read',
      },
    ]
  }
  const auth = { authorization: `Bearer ${ready.bearer}` }
  return [
    {
      id: 'organizations',
      label: 'GET /v1/organizations',
      method: 'GET',
      path: '/v1/organizations',
      headers: auth,
    },
    {
      id: 'contacts',
      label: `GET /v1/${ORG}/contacts?page=1&pageSize=100`,
      method: 'GET',
      path: `/v1/${ORG}/contacts?page=1&pageSize=100`,
      headers: auth,
    },
    {
      id: 'token',
      label: 'POST /connect/token refresh_token (RS256 ×1)',
      method: 'POST',
      path: '/connect/token',
      headers: { 'content-type': FORM },
      body: `grant_type=refresh_token&refresh_token=${ready.refreshToken}&${CLIENT}`,
    },
  ]
}

async function load(origin: string, e: Endpoint, seconds: number, connections: number) {
  // One request first: a benchmark of error answers would be worthless.
  const probe = await fetch(`${origin}${e.path}`, {
    method: e.method,
    ...(e.headers ? { headers: e.headers } : {}),
    ...(e.body !== undefined ? { body: e.body } : {}),
  })
  if (probe.status !== 200)
    throw new Error(`${origin}${e.path}: probe answered ${probe.status} ${await probe.text()}`)
  await probe.arrayBuffer().catch(() => undefined)
  // Loaded here, so the server children do not carry the load generator.
  const { default: autocannon } = await import('autocannon')
  const run = (duration: number) =>
    autocannon({
      url: `${origin}${e.path}`,
      method: e.method,
      connections,
      duration,
      ...(e.headers ? { headers: e.headers } : {}),
      ...(e.body !== undefined ? { body: e.body } : {}),
    })
  // One second unmeasured first: the JIT's first second would otherwise weigh on a short run.
  await run(1)
  return run(seconds)
}

async function coldStart(): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/mock.ts', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    let out = ''
    child.stdout.setEncoding('utf8')
    const origin = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        out += d
        const m = /listening on (http:\/\/\S+)/.exec(out)
        if (m) resolve(m[1]!)
      })
      child.once('exit', () => reject(new Error(`mock exited early: ${out}`)))
    })
    for (;;) {
      const res = await fetch(`${origin}/.well-known/openid-configuration`).catch(() => undefined)
      if (res?.status === 200) {
        await res.arrayBuffer()
        return performance.now() - started
      }
      await new Promise((r) => setTimeout(r, 5))
    }
  } finally {
    await stop(child)
  }
}

async function timed(command: string, args: string[]): Promise<{ ms: number; code: number }> {
  const started = performance.now()
  const child = spawn(command, args, { stdio: 'ignore' })
  const [code] = (await once(child, 'exit')) as [number | null]
  return { ms: Math.round(performance.now() - started), code: code ?? -1 }
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows].map((r) => r.map(String))
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)))
  const line = (r: string[]) =>
    r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  )
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '50' },
      ops: { type: 'string', default: '100000' },
      only: { type: 'string' },
      serve: { type: 'string' },
      churn: { type: 'string' },
      'with-start': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) {
    console.log(
      'usage: npm run bench -- [--duration 5] [--connections 50] [--ops 100000] [--only bare,served,http-middleware,oauth2-mock-server,cold-start,churn] [--with-start]',
    )
    return
  }
  if (values.serve !== undefined) {
    const ready = await serve(values.serve as Kind)
    process.stdout.write(`${JSON.stringify(ready)}\n`)
    process.on('SIGTERM', () => process.exit(0))
    return
  }
  if (values.churn !== undefined) {
    process.stdout.write(`${JSON.stringify(await tokenChurn(Number(values.churn)))}\n`)
    return
  }

  const duration = Number(values.duration)
  const connections = Number(values.connections)
  const ops = Number(values.ops)
  if (!(duration > 0) || !(connections > 0) || !(ops > 0))
    throw new Error('--duration, --connections and --ops must be positive')
  const only = values.only?.split(',')
  const wanted = (name: string) => only === undefined || only.includes(name)

  console.log(
    `bench: ${connections} connections, ${duration} s per run, node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
  )
  const rows: Row[] = []
  let bare: number | undefined
  for (const kind of ['bare', 'served', 'http-middleware', 'oauth2-mock-server'] as Kind[]) {
    if (!wanted(kind)) continue
    const child = spawnSelf(['--serve', kind])
    try {
      const ready = JSON.parse(await firstLine(child)) as Ready
      for (const e of endpoints(kind, ready)) {
        const r = await load(ready.origin, e, duration, connections)
        const reqPerSec = r.requests.average
        if (kind === 'bare') bare = reqPerSec
        const row: Row = {
          target: kind,
          endpoint: e.id,
          request: e.label,
          reqPerSec: Math.round(reqPerSec),
          p50: r.latency.p50,
          p99: r.latency.p99,
          total: r.requests.total,
          errors: r.errors + r.timeouts,
          non2xx: r.non2xx,
          ratioVsBare: bare === undefined ? Number.NaN : round(reqPerSec / bare, 3),
        }
        rows.push(row)
        console.log(
          `  ${kind.padEnd(18)} ${e.label.padEnd(56)} ${String(row.reqPerSec).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors}  non-2xx ${row.non2xx}`,
        )
      }
    } finally {
      await stop(child)
    }
  }

  const rate = (target: Kind, endpoint: EndpointId) =>
    rows.filter((r) => r.target === target && r.endpoint === endpoint).map((r) => r.reqPerSec)
  const targets: { goal: string; measured: string; reached: boolean | null }[] = []
  const served = (e: EndpointId) => rate('served', e)[0]
  if (served('organizations') !== undefined && bare !== undefined) {
    const ratio = served('organizations')! / bare
    targets.push({
      goal: 'organisations GET ≥ 0.25× bare node:http',
      measured: `${round(ratio, 2)}×`,
      reached: ratio >= 0.25,
    })
  }
  const oauthRates = rate('oauth2-mock-server', 'token')
  if (served('token') !== undefined && oauthRates.length > 0) {
    for (const [i, label] of ['refresh_token', 'client_credentials'].entries()) {
      const other = oauthRates[i]
      if (other === undefined) continue
      const ratio = served('token')! / other
      targets.push({
        goal: `token ≥ 2× oauth2-mock-server (its ${label} grant)`,
        measured: `${round(ratio, 2)}×`,
        reached: ratio >= 2,
      })
    }
  }
  for (const e of ['organizations', 'contacts', 'token'] as EndpointId[]) {
    const mw = rate('http-middleware', e)[0]
    if (served(e) === undefined || mw === undefined) continue
    const ratio = served(e)! / mw
    targets.push({
      goal: `${e} ≥ 3× @mswjs/http-middleware`,
      measured: `${round(ratio, 2)}×`,
      reached: ratio >= 3,
    })
  }

  console.log(
    `\n${table(
      ['target', 'request', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', '× bare'],
      rows.map((r) => [
        r.target,
        r.request,
        r.reqPerSec,
        r.p50,
        r.p99,
        r.errors,
        r.non2xx,
        Number.isNaN(r.ratioVsBare) ? '-' : r.ratioVsBare.toFixed(3),
      ]),
    )}`,
  )
  if (targets.length > 0) {
    console.log(
      `\n${table(
        ['target ratio', '', 'measured', 'reached'],
        targets.map((t) => [t.goal, '', t.measured, t.reached ? 'reached' : 'not reached']),
      )}`,
    )
  }

  let coldStartMs: number[] | undefined
  if (wanted('cold-start')) {
    coldStartMs = []
    for (let i = 0; i < 3; i++) coldStartMs.push(Math.round(await coldStart()))
    console.log(
      `\ncold start (node --import tsx scripts/mock.ts --port 0 → first 200): ${coldStartMs.join(', ')} ms`,
    )
  }

  let churn: RssReport | undefined
  if (wanted('churn')) {
    const child = spawnSelf(['--churn', String(ops)])
    churn = JSON.parse(await firstLine(child)) as RssReport
    await once(child, 'exit').catch(() => undefined)
    console.log(
      `\n${churn.ops} token operations in ${churn.seconds} s (${churn.opsPerSec}/s, direct route calls):` +
        ` RSS ${churn.rssBeforeMiB} → ${churn.rssAfterMiB} MiB, heap ${churn.heapBeforeMiB} → ${churn.heapAfterMiB} MiB` +
        `\n  store before ${JSON.stringify(churn.countsBefore)}\n  store peak   ${JSON.stringify(churn.countsPeak)}\n  store after  ${JSON.stringify(churn.countsAfter)}`,
    )
  }

  let catalogueRuns:
    | { npmStartMs: number; npmStartExit: number; vitestCatalogueMs: number; vitestExit: number }
    | undefined
  if (values['with-start']) {
    // The whole catalogue through Newman (`npm start`) next to the same catalogue under vitest.
    const start = await timed(process.execPath, [
      '--import',
      'tsx',
      'scripts/start.ts',
      '--no-allure',
      '--reports',
      '.tmp/bench-start',
    ])
    const vitest = await timed(process.execPath, [
      'node_modules/vitest/vitest.mjs',
      'run',
      'specs/checks/catalogue.spec.ts',
      '--reporter=dot',
    ])
    catalogueRuns = {
      npmStartMs: start.ms,
      npmStartExit: start.code,
      vitestCatalogueMs: vitest.ms,
      vitestExit: vitest.code,
    }
    console.log(
      `\nnpm start (Newman, whole catalogue, no Allure): ${start.ms} ms (exit ${start.code}); vitest catalogue.spec.ts: ${vitest.ms} ms (exit ${vitest.code})`,
    )
  }

  mkdirSync('reports', { recursive: true })
  writeFileSync(
    'reports/bench.json',
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cores: availableParallelism(),
        connections,
        durationSeconds: duration,
        rows,
        targets,
        coldStartMs,
        tokenChurn: churn,
        catalogueRuns,
      },
      null,
      2,
    )}\n`,
  )
  console.log('\nwritten to reports/bench.json')
}

await main()
