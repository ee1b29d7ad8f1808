/**
 * `dinero-conformance bench`: throughput of the served mock next to the platform limit and two
 * alternatives (docs/BENCH.md), with autocannon as a library, the same connections and duration
 * for every run:
 * - bare: a node:http server answering a fixed JSON (the ceiling on this machine);
 * - served: our node:http adapter around the msw handlers (mocks/http/serve.ts);
 * - http-middleware: the same handlers behind @mswjs/http-middleware (Express);
 * - oauth2-mock-server 8.2.3: its token endpoint (RS256);
 * - in-process: `GET /v1/organizations` through msw `setupServer` and fetch, next to a one-line
 *   msw handler on the same fetch path.
 * Each server runs in a child process of its own (scripts/bench/child.ts); all are up at once and
 * each run is cut into up to 5 rounds of short slices over every endpoint, so ratios are taken between
 * slices that saw about the same machine load (the median round's ratio). Also measured: cold
 * start of `dinero-conformance mock` to its first 200, and RSS and store sizes across 100k token
 * operations on the mock clock (purging must keep them flat); with `--with-start`, the main job
 * (the catalogue through Newman) next to the vitest catalogue run. Everything goes to
 * <reports>/bench.json. Speed is shown here, never asserted in tests.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { InProcessReport, Kind, Ready, RssReport } from '../bench/child.ts'
import { defineCommand } from '../cli/command.ts'
import { ensureWritableDir, inSourceTree, packageRoot } from '../cli/paths.ts'
import { HarnessError } from '../errors.ts'

const ORG = 118244
const CLIENT = 'client_id=isv_conformance_test&client_secret=conformance-secret'
const FORM = 'application/x-www-form-urlencoded'
const KINDS: readonly Kind[] = ['bare', 'served', 'http-middleware', 'oauth2-mock-server']
const PARTS = [...KINDS, 'in-process', 'cold-start', 'churn'] as const
/** Requests per side for the in-process comparison (msw `setupServer` + fetch). */
const IN_PROCESS_REQUESTS = 5_000

type EndpointId = 'organizations' | 'contacts' | 'token'

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
  /** The median over rounds of this run's rate / the bare server's rate in the same round. */
  ratioVsBare: number
  /** req/s in each round, in order. */
  perRound: number[]
}

// ---------------------------------------------------------------- the driver

function round(n: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** A sibling module of this package, as a path node can run (`.ts` under tsx, `.js` once built). */
const sibling = (path: string) =>
  fileURLToPath(new URL(`${path}${extname(import.meta.url)}`, import.meta.url))
/** The node flags this process runs with (`--import tsx` in the source tree), for its children. */
const nodeArgs = () => [...process.execArgv]

function spawnChild(mode: 'serve' | 'churn' | 'in-process', arg: string): ChildProcess {
  return spawn(process.execPath, [...nodeArgs(), '--expose-gc', sibling('../bench/child'), mode, arg], {
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

/** Before the first measured slice: one request that must answer 200, then a second unmeasured. */
async function prepare(origin: string, e: Endpoint, connections: number): Promise<void> {
  // A benchmark of error answers would be worthless.
  const probe = await fetch(`${origin}${e.path}`, {
    method: e.method,
    ...(e.headers ? { headers: e.headers } : {}),
    ...(e.body !== undefined ? { body: e.body } : {}),
  })
  if (probe.status !== 200)
    throw new Error(`${origin}${e.path}: probe answered ${probe.status} ${await probe.text()}`)
  await probe.arrayBuffer().catch(() => undefined)
  // The JIT's first second would otherwise weigh on the first slice.
  await load(origin, e, 1, connections)
}

async function load(origin: string, e: Endpoint, seconds: number, connections: number) {
  // Loaded here, so the server children do not carry the load generator.
  const { default: autocannon } = await import('autocannon')
  return autocannon({
    url: `${origin}${e.path}`,
    method: e.method,
    connections,
    duration: seconds,
    ...(e.headers ? { headers: e.headers } : {}),
    ...(e.body !== undefined ? { body: e.body } : {}),
  })
}

type Result = Awaited<ReturnType<typeof load>>

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function coldStart(): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, [...nodeArgs(), sibling('../cli'), 'mock', '--port', '0'], {
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

async function timed(command: string, args: string[], cwd?: string): Promise<{ ms: number; code: number }> {
  const started = performance.now()
  const child = spawn(command, args, { stdio: 'ignore', ...(cwd === undefined ? {} : { cwd }) })
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

export const command = defineCommand({
  name: 'bench',
  summary: 'Measure the served mock against a bare node:http server and two alternatives',
  flags: {
    duration: {
      type: 'number',
      value: '<s>',
      default: 5,
      min: 1,
      max: 3600,
      integer: true,
      description: 'seconds of load per run',
    },
    connections: {
      type: 'number',
      value: '<n>',
      default: 50,
      min: 1,
      max: 10_000,
      integer: true,
      description: 'concurrent connections',
    },
    ops: {
      type: 'number',
      value: '<n>',
      default: 100_000,
      min: 1,
      max: 100_000_000,
      integer: true,
      description: 'token operations for the RSS run',
    },
    only: {
      type: 'string',
      value: '<part>',
      multiple: true,
      choices: PARTS,
      description: 'measure only this part',
    },
    'with-start': {
      type: 'boolean',
      description: 'also time the main job (Newman) next to the vitest catalogue spec (in the source tree)',
    },
    reports: { type: 'string', value: '<dir>', default: 'reports', description: 'where bench.json goes' },
  },
  notes: ['Results and how to read them: docs/BENCH.md'],
  run: (values) =>
    bench({
      duration: values.duration,
      connections: values.connections,
      ops: values.ops,
      only: values.only,
      withStart: values['with-start'],
      reports: values.reports,
    }),
})

interface BenchInput {
  duration: number
  connections: number
  ops: number
  /** Parts to measure; all when empty. */
  only: readonly string[]
  withStart: boolean
  reports: string
}

/**
 * Before any child starts: the comparison tools are optional peers that an ordinary install
 * leaves out, and `--with-start` times the clone's own spec; say what is missing in one line.
 */
function preflight(input: BenchInput, wanted: (name: string) => boolean): void {
  if (input.withStart && !inSourceTree())
    throw new HarnessError(
      'HARNESS_NOT_SOURCE_TREE',
      '--with-start times the vitest catalogue spec of the clone: run it in a clone of the repository',
    )
  const needs: [string, boolean][] = [
    ['autocannon', KINDS.some(wanted)],
    ['@mswjs/http-middleware', wanted('http-middleware')],
    ['oauth2-mock-server', wanted('oauth2-mock-server')],
  ]
  const missing = needs.filter(([name, needed]) => needed && !resolvable(name)).map(([name]) => name)
  if (missing.length > 0)
    throw new HarnessError(
      'HARNESS_BENCH_TOOLS_MISSING',
      `bench compares against ${missing.join(', ')}, not installed: npm i -D ${missing.join(' ')} (or pick parts with --only)`,
    )
}

function resolvable(name: string): boolean {
  try {
    import.meta.resolve(name)
    return true
  } catch {
    return false
  }
}

async function bench(input: BenchInput): Promise<number> {
  const { duration, connections, ops } = input
  const wanted = (name: string) => input.only.length === 0 || input.only.includes(name)
  preflight(input, wanted)
  // Before minutes of measuring: bench.json must have somewhere to go.
  ensureWritableDir('--reports', input.reports)

  console.log(
    `bench: ${connections} connections, ${duration} s per run, node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
  )

  // Every server is up at once and the runs are cut into rounds of short slices, each round
  // going over every endpoint (forwards, then backwards): the machine's load drifts, and a
  // ratio is taken within a round, where both sides saw about the same load, then the median.
  const servers: { kind: Kind; child: ChildProcess; ready: Ready }[] = []
  const rows: Row[] = []
  const rounds = Math.min(duration, 5)
  const slice = Math.max(1, Math.round(duration / rounds))
  try {
    for (const kind of KINDS) {
      if (!wanted(kind)) continue
      const child = spawnChild('serve', kind)
      servers.push({ kind, child, ready: { origin: '' } })
      servers[servers.length - 1]!.ready = JSON.parse(await firstLine(child)) as Ready
    }
    const plan = servers.flatMap(({ kind, ready }) =>
      endpoints(kind, ready).map((e) => ({ kind, e, origin: ready.origin, results: [] as Result[] })),
    )
    for (const p of plan) await prepare(p.origin, p.e, connections)
    for (let r = 0; r < rounds; r++) {
      for (const p of r % 2 === 0 ? plan : [...plan].reverse())
        p.results.push(await load(p.origin, p.e, slice, connections))
    }
    const rates = (p: (typeof plan)[number]) => p.results.map((x) => x.requests.average)
    const bareRates = plan.find((p) => p.kind === 'bare')
    for (const p of plan) {
      const total = p.results.reduce((n, x) => n + x.requests.total, 0)
      const row: Row = {
        target: p.kind,
        endpoint: p.e.id,
        request: p.e.label,
        reqPerSec: Math.round(median(rates(p))),
        p50: median(p.results.map((x) => x.latency.p50)),
        p99: median(p.results.map((x) => x.latency.p99)),
        total,
        errors: p.results.reduce((n, x) => n + x.errors + x.timeouts, 0),
        non2xx: p.results.reduce((n, x) => n + x.non2xx, 0),
        ratioVsBare:
          bareRates === undefined
            ? Number.NaN
            : round(median(rates(p).map((v, i) => v / bareRates.results[i]!.requests.average)), 3),
        perRound: rates(p).map((v) => Math.round(v)),
      }
      rows.push(row)
      console.log(
        `  ${p.kind.padEnd(18)} ${p.e.label.padEnd(56)} ${String(row.reqPerSec).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors}  non-2xx ${row.non2xx}`,
      )
    }
  } finally {
    for (const { child } of servers) await stop(child)
  }

  let inProcess: InProcessReport | undefined
  if (wanted('in-process')) {
    const child = spawnChild('in-process', String(IN_PROCESS_REQUESTS))
    inProcess = JSON.parse(await firstLine(child)) as InProcessReport
    await once(child, 'exit').catch(() => undefined)
    console.log(
      `  ${'in-process'.padEnd(18)} ${'GET /v1/organizations, msw setupServer + fetch'.padEnd(56)} ${inProcess.mockUs} µs/request; one-line msw handler ${inProcess.oneLineUs} µs (${inProcess.ratio}×)`,
    )
  }

  const targets: { goal: string; measured: string; reached: boolean | null }[] = []
  const rowsOf = (target: Kind, endpoint: EndpointId) =>
    rows.filter((r) => r.target === target && r.endpoint === endpoint)
  const servedRow = (e: EndpointId) => rowsOf('served', e)[0]
  /** The median over rounds of a's rate / b's rate in the same round. */
  const paired = (a: Row, b: Row) => median(a.perRound.map((v, i) => v / b.perRound[i]!))
  const bareRow = rows.find((r) => r.target === 'bare')
  for (const [e, label, goal] of [
    ['organizations', 'organisations GET', 0.25],
    ['contacts', 'contacts page of 100', 0.1],
  ] as const) {
    const row = servedRow(e)
    if (row === undefined || bareRow === undefined) continue
    const ratio = paired(row, bareRow)
    targets.push({
      goal: `${label} ≥ ${goal}× bare node:http`,
      measured: `${round(ratio, 2)}×`,
      reached: ratio >= goal,
    })
  }
  const organisations = servedRow('organizations')
  if (organisations !== undefined)
    targets.push({
      goal: `organisations p99 ≤ 10 ms at ${connections} connections (median round)`,
      measured: `${organisations.p99} ms`,
      reached: organisations.p99 <= 10,
    })
  // Issue 13: the refresh grant against oauth2-mock-server's refresh grant (it signs two JWTs);
  // its client_credentials grant signs one, as ours does, and is shown for reference.
  const token = servedRow('token')
  if (token !== undefined) {
    for (const [i, other] of rowsOf('oauth2-mock-server', 'token').entries()) {
      const ratio = paired(token, other)
      targets.push({
        goal: `refresh grant ≥ 3× oauth2-mock-server (its ${i === 0 ? 'refresh_token grant' : 'client_credentials grant, for reference'})`,
        measured: `${round(ratio, 2)}×`,
        reached: i === 0 ? ratio >= 3 : null,
      })
    }
  }
  for (const e of ['organizations', 'contacts', 'token'] as EndpointId[]) {
    const mine = servedRow(e)
    const mw = rowsOf('http-middleware', e)[0]
    if (mine === undefined || mw === undefined) continue
    const ratio = paired(mine, mw)
    targets.push({
      goal: `${e === 'token' ? 'refresh grant' : e} ≥ 3× @mswjs/http-middleware`,
      measured: `${round(ratio, 2)}×`,
      reached: ratio >= 3,
    })
  }
  if (inProcess !== undefined)
    targets.push({
      goal: 'in-process organisations ≤ 1.2× a one-line msw handler',
      measured: `${inProcess.ratio}×`,
      reached: inProcess.ratio <= 1.2,
    })

  if (rows.length > 0)
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
        targets.map((t) => [
          t.goal,
          '',
          t.measured,
          t.reached === null ? '-' : t.reached ? 'reached' : 'not reached',
        ]),
      )}`,
    )
  }

  let coldStartMs: number[] | undefined
  if (wanted('cold-start')) {
    coldStartMs = []
    for (let i = 0; i < 3; i++) coldStartMs.push(Math.round(await coldStart()))
    console.log(`\ncold start (dinero-conformance mock --port 0 → first 200): ${coldStartMs.join(', ')} ms`)
  }

  let churn: RssReport | undefined
  if (wanted('churn')) {
    const child = spawnChild('churn', String(ops))
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
  if (input.withStart) {
    // The whole catalogue through Newman (`npm start`) next to the same catalogue under vitest.
    const start = await timed(process.execPath, [
      ...nodeArgs(),
      sibling('../cli'),
      'check',
      '--no-allure',
      '--reports',
      '.tmp/bench-start',
    ])
    // The specs live in the source tree, not in the installed package.
    const vitest = await timed(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', 'specs/checks/catalogue.spec.ts', '--reporter=dot'],
      packageRoot(),
    )
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

  const out = join(input.reports, 'bench.json')
  mkdirSync(input.reports, { recursive: true })
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cores: availableParallelism(),
        connections,
        durationSeconds: duration,
        rounds,
        rows,
        targets,
        inProcess,
        coldStartMs,
        tokenChurn: churn,
        catalogueRuns,
      },
      null,
      2,
    )}\n`,
  )
  console.log(`\nwritten to ${out}`)
  return 0
}
