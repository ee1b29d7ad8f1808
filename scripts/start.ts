/**
 * `npm start`: the main job on the embedded mock. Starts the served mock on a free loopback
 * port, walks the integration an app performs (authorize → form_post → code exchange →
 * refresh rotation → replay refused → Dinero organisations), and prints a summary. Exits
 * non-zero if any step does not behave as Visma Connect and Dinero do.
 */
import { performance } from 'node:perf_hooks'
import { Agent, request } from 'undici'
import { createMock, serveMock } from '../mocks/index.ts'
import { redactSecrets } from './redaction.ts'

interface Step {
  name: string
  ok: boolean
  detail: string
}

const started = performance.now()
const mock = createMock()
const served = await serveMock(mock, { port: 0 })
const agent = new Agent({ keepAliveTimeout: 10_000 })
const origin = served.origin
const secrets = new Set<string>(['conformance-secret'])
const steps: Step[] = []

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await request(`${origin}${path}`, {
    method: method as 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    dispatcher: agent,
  })
  const text = await res.body.text()
  return { status: res.statusCode, headers: res.headers, text }
}

function record(name: string, ok: boolean, detail: string): void {
  steps.push({ name, ok, detail: redactSecrets(detail, secrets) })
  console.log(`${ok ? '✓' : '✗'} ${name}${detail ? ` — ${redactSecrets(detail, secrets)}` : ''}`)
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString()
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' }
const client = { client_id: 'isv_conformance_test', client_secret: 'conformance-secret' }
const redirectUri = 'http://127.0.0.1:8976/callback'

console.log(`dinero-conformance: served mock on ${origin}\n`)
try {
  const discovery = await call('GET', '/.well-known/openid-configuration')
  const meta = JSON.parse(discovery.text) as Record<string, string>
  record('discovery document', discovery.status === 200 && meta.issuer === origin, `issuer ${meta.issuer}`)

  const state = crypto.randomUUID()
  const query = form({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    response_mode: 'form_post',
    scope: 'dineropublicapi:read dineropublicapi:write offline_access',
    state,
    ui_locales: 'da-DK',
  })
  const auth = await call('GET', `/connect/authorize?${query}`, { 'x-mock-consent': 'accept' })
  const code = /name='code' value='([^']+)'/.exec(auth.text)?.[1] ?? ''
  const echoed = /name='state' value='([^']+)'/.exec(auth.text)?.[1]
  if (code) secrets.add(code)
  record(
    'authorize → form_post callback with code and state',
    auth.status === 200 && code !== '' && echoed === state,
    `HTTP ${auth.status}`,
  )

  const json = await call(
    'POST',
    '/connect/token',
    { 'content-type': 'application/json' },
    JSON.stringify({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...client }),
  )
  record(
    'JSON body at /connect/token is refused',
    json.status === 400 && json.text === '{"error":"invalid_request"}',
    `HTTP ${json.status} ${json.text}`,
  )

  const exchange = await call(
    'POST',
    '/connect/token',
    formHeaders,
    form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...client }),
  )
  const tokens = JSON.parse(exchange.text) as Record<string, string>
  for (const k of ['access_token', 'refresh_token', 'id_token']) if (tokens[k]) secrets.add(tokens[k])
  record(
    'code exchange (form body)',
    exchange.status === 200 && Boolean(tokens.refresh_token),
    `HTTP ${exchange.status}, scope "${tokens.scope}"`,
  )

  const replayCode = await call(
    'POST',
    '/connect/token',
    formHeaders,
    form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...client }),
  )
  record(
    'the code cannot be redeemed twice',
    replayCode.status === 400 && replayCode.text.includes('invalid_grant'),
    `HTTP ${replayCode.status} ${replayCode.text}`,
  )

  const first = tokens.refresh_token ?? ''
  const rotated = await call(
    'POST',
    '/connect/token',
    formHeaders,
    form({ grant_type: 'refresh_token', refresh_token: first, ...client }),
  )
  const next = JSON.parse(rotated.text) as Record<string, string>
  for (const k of ['access_token', 'refresh_token']) if (next[k]) secrets.add(next[k])
  record(
    'refresh rotates the one-time token',
    rotated.status === 200 && next.refresh_token !== first,
    `HTTP ${rotated.status}`,
  )

  const orgs = await call('GET', '/v1/organizations?fields=Name,Id,IsPro', {
    authorization: `Bearer ${next.access_token}`,
  })
  if (orgs.status === 200) {
    const list = JSON.parse(orgs.text) as { Name: string; Id: number; IsPro: boolean }[]
    record(
      'GET /v1/organizations?fields=Name,Id,IsPro',
      Array.isArray(list) && list.length > 0,
      `${list.length} organisations`,
    )
    for (const o of list)
      console.log(`    ${String(o.Id).padStart(8)}  ${o.IsPro ? 'Pro     ' : 'not Pro '} ${o.Name}`)
  } else {
    record(
      'GET /v1/organizations?fields=Name,Id,IsPro',
      false,
      `HTTP ${orgs.status} ${orgs.text.slice(0, 200)}`,
    )
  }
} catch (e) {
  record('smoke flow', false, e instanceof Error ? e.message : String(e))
} finally {
  await agent.close()
  await served.close()
}

const failed = steps.filter((s) => !s.ok)
const ms = Math.round(performance.now() - started)
console.log(`\n${steps.length - failed.length} passed, ${failed.length} failed (${ms} ms)`)
process.exitCode = failed.length === 0 ? 0 : 1
