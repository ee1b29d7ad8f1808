import fc from 'fast-check'
import { Agent, request as undiciRequest } from 'undici'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRouteIndex } from '../../mocks/http/route-index.ts'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URIS,
  PKCE_CLIENT_ID,
} from '../../mocks/options.ts'
import { codeFlow } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * Property-based fuzzing of every route class, in-process and served (issue 7): random methods,
 * headers, content types, truncated, oversized and invalid-UTF-8 bodies, huge query strings,
 * repeated parameters and prototype-ish names. Whatever arrives: never a 5xx, the server keeps
 * answering, nothing escapes as an unhandled rejection, and every error is in the service's own
 * format (Connect token errors JSON `{error}`; authorize errors on the IdP error page, never at
 * the client; Dinero JSON `{code, message}` or 401 with `WWW-Authenticate`).
 * `FUZZ_RUNS` scales the runs per property (default 60).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60)
const ORG = 118244
const GUID = '8d7e4d2c-3f5a-4b6c-9d8e-1f2a3b4c5d6e'

const escaped: unknown[] = []
const onFailure = (e: unknown) => escaped.push(e)

interface Sent {
  method: string
  path: string
  headers: Record<string, string>
  body?: Uint8Array
}

interface Got {
  status: number
  headers: Headers
  text: string
}

// ---------------------------------------------------------------- generators

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const
const PROTO = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype']
const PARAM_NAMES = [
  'grant_type',
  'code',
  'redirect_uri',
  'refresh_token',
  'client_id',
  'client_secret',
  'scope',
  'code_verifier',
  'token',
  'token_type_hint',
  'access_token',
  'response_type',
  'response_mode',
  'state',
  'nonce',
  'prompt',
  'code_challenge',
  'code_challenge_method',
  'returnUrl',
  'errorId',
  'email',
  'password',
  'button',
  'page',
  'pageSize',
  'fields',
  'changesSince',
  'deletedOnly',
  'queryFilter',
  ...PROTO,
]

/** Header-safe text (printable ASCII), so the client itself never refuses to send. */
const safeText = (max: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max })

const hugeText = fc
  .tuple(fc.constantFrom('a', '%', '%ff', 'é', '&', '='), fc.integer({ min: 2_000, max: 6_000 }))
  .map(([s, n]) => s.repeat(n))

function valueArb(pool: readonly string[]) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool) },
    { weight: 2, arbitrary: fc.constantFrom(...PROTO) },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom('%ff', '%E0%A4', '\u0000', '\uD800', '+ +', '{}', '[]', '') },
    { weight: 1, arbitrary: hugeText },
  )
}

const pairsArb = (pool: readonly string[]) =>
  fc.array(fc.tuple(fc.constantFrom(...PARAM_NAMES), valueArb(pool)), { maxLength: 8 })

const enc = new TextEncoder()

function bodyArb(pool: readonly string[]) {
  const form = pairsArb(pool).map((pairs) => new URLSearchParams(pairs).toString())
  const rawForm = pairsArb(pool).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'))
  const json = fc.oneof(
    fc.dictionary(fc.constantFrom(...PARAM_NAMES, 'Timestamp', 'ProductLines', 'Name'), fc.jsonValue(), {
      maxKeys: 6,
    }),
    fc.jsonValue(),
  )
  const jsonText = fc.oneof(
    json.map((j) => JSON.stringify(j)),
    fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"toString":"x"}'),
    fc.constant('{"grant_type":"refresh_token","grant_type":"client_credentials"}'),
  )
  const text = fc.oneof(form, rawForm, jsonText)
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: text.map((t) => enc.encode(t)) },
    // Truncated: a well-formed body cut anywhere.
    {
      weight: 2,
      arbitrary: fc
        .tuple(text, fc.nat())
        .map(([t, n]) => enc.encode(t.slice(0, t.length === 0 ? 0 : n % t.length))),
    },
    // Bytes that are not UTF-8 (lone continuation bytes, overlongs, 0xFF).
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    {
      weight: 1,
      arbitrary: fc.constant(
        Uint8Array.from([0x67, 0x72, 0x61, 0x6e, 0x74, 0x5f, 0x74, 0x79, 0x70, 0x65, 0x3d, 0xff, 0xc0, 0xaf]),
      ),
    },
    // Oversized: past the served adapter's 1 MiB limit now and then.
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 64 * 1024, max: 1024 * 1024 + 4096 })
        .map((n) => new Uint8Array(n).fill(0x61)),
    },
  )
}

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'APPLICATION/X-WWW-FORM-URLENCODED;charset=ISO-8859-1',
  'application/json',
  'application/merge-patch+json',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'text/plain',
  'application/x-www-form-urlencoded, application/json',
  ';;;',
  '',
]

interface Secrets {
  bearer: string
  refreshToken: string
}

function headersArb(secrets: Secrets) {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${secrets.bearer}`),
    fc.constant(basic(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)),
    fc.constant('Basic !!!notbase64'),
    fc.constant(`Basic ${Buffer.from('no-colon').toString('base64')}`),
    fc.constant(`Basic ${Buffer.from('__proto__:constructor').toString('base64')}`),
    fc.constant(`Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}`),
    safeText(60).map((s) => `Bearer ${s}`),
    safeText(60),
    fc.constant(`Bearer ${'a'.repeat(6_000)}`),
  )
  return fc
    .record({
      'content-type': fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
      authorization,
      cookie: fc.option(
        fc.oneof(
          fc.constant('mock.idsrv.session=__proto__'),
          safeText(80).map((s) => `mock.idsrv.session=${s}`),
        ),
        { nil: undefined },
      ),
      'x-mock-consent': fc.option(fc.constantFrom('accept', 'deny', 'ACCEPT', '__proto__'), {
        nil: undefined,
      }),
      accept: fc.option(safeText(40), { nil: undefined }),
    })
    .map((h) => {
      const out: Record<string, string> = {}
      for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v
      return out
    })
}

/** A query string: random pairs, a repeated name, now and then a huge one. */
function queryArb(pool: readonly string[]) {
  return fc.oneof(
    { weight: 5, arbitrary: pairsArb(pool).map((p) => new URLSearchParams(p).toString()) },
    {
      weight: 2,
      arbitrary: pairsArb(pool).map((p) =>
        p.map(([k, v]) => `${k}=${v.replace(/[#\s]/g, '').slice(0, 200)}`).join('&'),
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 4_000, max: 14_000 }).map((n) => `state=${'x'.repeat(n)}`) },
  )
}

// ---------------------------------------------------------------- route classes and their formats

type Check = (sent: Sent, got: Got, origin: string) => void

const isJson = (got: Got) =>
  (got.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')
const parse = (got: Got): Record<string, unknown> => JSON.parse(got.text) as Record<string, unknown>

function oauthError(sent: Sent, got: Got): void {
  if (sent.method === 'HEAD' || got.status < 400) return
  expect(isJson(got), `${got.status} ${got.text}`).toBe(true)
  expect(typeof parse(got).error).toBe('string')
}

const SAFE_CLIENT_ERRORS = ['access_denied', 'login_required', 'consent_required', 'temporarily_unavailable']

/** Authorize: validation errors go to the IdP error page, never to the client (RFC 6749 §4.1.2.1). */
const authorizeCheck: Check = (_sent, got, origin) => {
  if (got.status === 405 || got.status === 415) return
  expect([200, 302]).toContain(got.status)
  if (got.status !== 302) return
  const location = got.headers.get('location') ?? ''
  const own = ['/home/error?errorId=', '/account/login?', '/consent?'].some((p) =>
    location.startsWith(origin + p),
  )
  if (own) return
  const toClient = DEFAULT_REDIRECT_URIS.some((u) => location.toLowerCase().startsWith(u.toLowerCase()))
  expect(toClient, `302 to ${location}`).toBe(true)
  const error = new URL(location).searchParams.get('error')
  if (error !== null) expect(SAFE_CLIENT_ERRORS).toContain(error)
}

/** Pages: HTML, a redirect, or a bare status (400 bad returnUrl, 405, 415). */
const pageCheck: Check = (sent, got) => {
  expect([200, 302, 400, 404, 405, 415]).toContain(got.status)
  if ((got.status === 200 || got.status === 404) && sent.method !== 'HEAD' && got.text.length > 0)
    expect(got.headers.get('content-type') ?? '').toMatch(/^text\/html/)
}

/** Userinfo (RFC 6750 §3): 401/403 carry WWW-Authenticate. */
const userinfoCheck: Check = (sent, got) => {
  if (got.status === 401 || got.status === 403) {
    expect(got.headers.get('www-authenticate') ?? '').toMatch(/^Bearer/)
    return
  }
  if (got.status === 400) return oauthError(sent, got)
  expect([200, 405]).toContain(got.status)
}

/** Revocation and introspection: 200, JSON `{error}`, or a bare 405/415. */
const clientEndpointCheck: Check = (sent, got) => {
  if (got.status === 405 || got.status === 415 || got.status === 200) return
  oauthError(sent, got)
}

/** Introspection (duende-introspection-endpoint): as revocation, but a caller it does not accept is a bare 401. */
const introspectionCheck: Check = (sent, got, origin) => {
  if (got.status === 401) {
    expect(got.text).toBe('')
    return
  }
  clientEndpointCheck(sent, got, origin)
}

/** Discovery and JWKS: 200 JSON on GET; the adapter's JSON 404/405 otherwise. */
const discoveryCheck: Check = (sent, got) => {
  expect([200, 405]).toContain(got.status)
  if (sent.method !== 'HEAD') expect(isJson(got)).toBe(true)
}

/**
 * Dinero (apaq-dinero-fixtures): camelCase `{code, message}`; 401 also says WWW-Authenticate; a
 * path no route takes is an HTML 404 (apaq-dinero-error-handler), not a JSON code 40.
 */
const dineroCheck: Check = (sent, got) => {
  if (got.status < 400) return
  if (got.status === 401) expect(got.headers.get('www-authenticate') ?? '').toMatch(/^Bearer/)
  if (sent.method === 'HEAD') return
  if (got.status === 404 && (got.headers.get('content-type') ?? '').startsWith('text/html')) {
    expect(got.text).toContain('404')
    return
  }
  expect(isJson(got), `${got.status} ${got.text}`).toBe(true)
  const body = parse(got)
  expect(typeof body.code, got.text).toBe('number')
  expect(typeof body.message, got.text).toBe('string')
}

interface RouteClass {
  name: string
  paths: readonly string[]
  check: Check
  /** Sent to the Dinero origin (in-process: api.dinero.dk). */
  dinero?: boolean
}

const CLASSES: RouteClass[] = [
  { name: 'token', paths: ['/connect/token', '/CONNECT/TOKEN/'], check: (s, g) => oauthError(s, g) },
  { name: 'authorize', paths: ['/connect/authorize', '/connect/authorize/callback'], check: authorizeCheck },
  { name: 'userinfo', paths: ['/connect/userinfo'], check: userinfoCheck },
  { name: 'revocation', paths: ['/connect/revocation'], check: clientEndpointCheck },
  { name: 'introspection', paths: ['/connect/introspect'], check: introspectionCheck },
  {
    name: 'discovery',
    paths: [
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration/jwks',
    ],
    check: discoveryCheck,
  },
  {
    name: 'login/consent pages',
    paths: ['/account/login', '/consent', '/home/error', '/connect/endsession'],
    check: pageCheck,
  },
  {
    name: 'Dinero organisations/contacts/invoices',
    paths: [
      '/v1/organizations',
      '/v1.1/organizations',
      `/v1/${ORG}/contacts`,
      `/v2/${ORG}/contacts`,
      `/v1/${ORG}/contacts/${GUID}`,
      `/v1/${ORG}/invoices`,
      `/v1/${ORG}/invoices/${GUID}`,
      `/v1.2/${ORG}/invoices/${GUID}`,
      `/v1/${ORG}/invoices/${GUID}/book`,
      '/v1/__proto__/contacts',
      '/v1/constructor/invoices',
      '/v1/99999999999/contacts',
      `/v1/${ORG}/contacts/__proto__`,
      `/v1/${ORG}/contacts/%2e%2e`,
    ],
    check: dineroCheck,
    dinero: true,
  },
]

/** Paths with a malformed escape in a path segment; see the served regression spec. */
const SERVED_ONLY_PATHS = [`/v1/${ORG}/contacts/%E0%A4`, '/v1/%ff/invoices']

function describeFailure(details: fc.RunDetails<[Sent]>): string {
  const [sent] = details.counterexample ?? []
  const shown =
    sent === undefined
      ? 'no counterexample'
      : JSON.stringify({
          ...sent,
          path:
            sent.path.length > 300 ? `${sent.path.slice(0, 300)}… (${sent.path.length} chars)` : sent.path,
          body:
            sent.body === undefined
              ? undefined
              : `${Buffer.from(sent.body.subarray(0, 200)).toString('latin1')}… (${sent.body.length} bytes)`,
        })
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  return `property failed (seed ${details.seed}, path "${details.counterexamplePath}"): ${shown}\n${error.slice(0, 600)}`
}

// ---------------------------------------------------------------- sending

async function sendTo(target: Target, agent: Agent, sent: Sent, dinero = false): Promise<Got> {
  const url = `${dinero ? target.api : target.connect}${sent.path}`
  if (target.kind === 'in-process') {
    const res = await fetch(url, {
      method: sent.method,
      headers: sent.headers,
      redirect: 'manual',
      ...(sent.body === undefined ? {} : { body: sent.body as Uint8Array<ArrayBuffer> }),
    })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  const res = await undiciRequest(url, {
    method: sent.method as 'GET',
    headers: sent.headers,
    dispatcher: agent,
    ...(sent.body === undefined ? {} : { body: sent.body }),
  })
  const headers = new Headers()
  for (const [k, v] of Object.entries(res.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x)
    else if (v !== undefined) headers.set(k, v)
  }
  return { status: res.statusCode, headers, text: await res.body.text() }
}

describe.each(TARGET_KINDS)('fuzzing every route class (%s)', (kind) => {
  let target: Target
  let agent: Agent
  let secrets: Secrets
  let pool: string[]
  let routed: (method: string, path: string) => boolean

  beforeAll(async () => {
    process.on('unhandledRejection', onFailure)
    process.on('uncaughtException', onFailure)
    target = await startTarget(kind, { refresh: { usage: 'reuse' }, dinero: { rateLimitPerMinute: 0 } })
    agent = new Agent({ connections: 8, keepAliveTimeout: 10_000 })
    const tokens = await codeFlow(target, {
      scope: 'openid profile email dineropublicapi:read dineropublicapi:write offline_access',
    })
    secrets = { bearer: tokens.access_token, refreshToken: tokens.refresh_token ?? '' }
    pool = [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      DEFAULT_CLIENT_ID,
      PKCE_CLIENT_ID,
      DEFAULT_CLIENT_SECRET,
      DEFAULT_REDIRECT_URIS[0]!,
      'code',
      'query',
      'form_post',
      'fragment',
      'openid dineropublicapi:read offline_access',
      'S256',
      secrets.refreshToken,
      secrets.bearer,
      `/connect/authorize/callback?client_id=${DEFAULT_CLIENT_ID}&redirect_uri=${encodeURIComponent(DEFAULT_REDIRECT_URIS[0]!)}&response_type=code&scope=openid`,
      'yes',
      'user@example.com',
      'Passw0rd!',
      '0',
      '-1',
      '1000',
      'Name,ContactGuid',
    ]
    // In-process, msw answers only what a route covers (anything else is msw's unhandled-request
    // error, not the mock's answer), so only routed method/path pairs are sent there.
    const index = createRouteIndex(target.mock.routes)
    routed = (method, path) =>
      kind === 'served' || index.candidates(method, new URL(path, 'http://x').pathname).length > 0
  })
  afterEach(() => {
    expect(escaped, 'unhandled rejection or uncaught exception').toEqual([])
  })
  afterAll(async () => {
    process.off('unhandledRejection', onFailure)
    process.off('uncaughtException', onFailure)
    await agent?.close()
    await target?.close()
  })

  for (const cls of CLASSES) {
    it(`${cls.name}: any method, headers, body or query → no 5xx, errors in the service's own format`, async () => {
      const paths =
        kind === 'served' && cls.name.startsWith('Dinero') ? [...cls.paths, ...SERVED_ONLY_PATHS] : cls.paths
      const sentArb = fc
        .record({
          method: fc.constantFrom(...METHODS),
          path: fc.constantFrom(...paths),
          query: fc.option(queryArb(pool), { nil: undefined }),
          headers: headersArb(secrets),
          body: bodyArb(pool),
        })
        .map(
          ({ method, path, query, headers, body }): Sent => ({
            method,
            path: query === undefined ? path : `${path}?${query}`,
            headers,
            ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : { body }),
          }),
        )
        .filter((s) => routed(s.method, s.path))
      const details = await fc.check(
        fc.asyncProperty(sentArb, async (sent) => {
          const got = await sendTo(target, agent, sent, cls.dinero)
          expect(got.status, `${got.status} ${got.text.slice(0, 200)}`).toBeLessThan(500)
          // Refused before any route (too large): still in the service's own shape.
          if (got.status === 413 || got.status === 431) {
            if (cls.dinero) dineroCheck(sent, got, target.connect)
            else oauthError(sent, got)
            return
          }
          cls.check(sent, got, target.connect)
        }),
        { numRuns: RUNS },
      )
      // fast-check's own report prints the whole (megabyte) counterexample; this one is readable.
      if (details.failed) throw new Error(describeFailure(details))
      // Still answering after whatever came before.
      const after = await sendTo(target, agent, {
        method: 'GET',
        path: '/.well-known/openid-configuration',
        headers: {},
      })
      expect(after.status).toBe(200)
    })
  }
})
