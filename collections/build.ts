import { z } from 'zod'
import { CHAIN_VARIABLES, catalogue, mockSetup } from './catalogue/index.ts'
import { PORTABLE_SOURCE } from './kit/portable.ts'
import { describeAssertion } from './model/describe.ts'
import { checkSchemas } from './model/schemas.ts'
import {
  type Area,
  type Assertion,
  type Capture,
  type Check,
  type Compute,
  mockSteps,
  type RequestSpec,
  type Step,
} from './model/types.ts'
import { mockVariables } from './model/variables.ts'
import { resolveSource } from './sources.ts'

/**
 * Runner 2's input: the catalogue as a Postman v2.1 collection (folders per area, a folder per
 * check, an item per step). Each assertion becomes a `pm.test` of plain `pm.expect` code named by
 * describeAssertion; only the parsers for a Location, a form_post page or a JWT come from
 * portable.js (the code the vitest runner runs), each request embedding just the functions it
 * calls. JSON Schemas are draft-07 from the zod contract. The run's grant (CHAIN_VARIABLES) lives
 * in the environment, the scope Postman and Newman resolve before collection variables.
 */
const SCHEMA_URL = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'
export const COLLECTION_ID = '7d1c8f0e-3b7a-4c55-9a0e-d1ae60c0f0a1'

const AREA_NAMES: Record<Area, string> = {
  'token-endpoint': 'Token endpoint',
  'client-auth': 'Client authentication',
  authorize: 'Authorize',
  code: 'Authorization code',
  pkce: 'PKCE',
  refresh: 'Refresh tokens',
  session: 'Userinfo, revocation, introspection, end-session',
  discovery: 'Discovery and JWKS',
  dinero: 'Dinero API',
  destructive: 'Destructive (ends the run’s grant)',
}

export const SETUP_FOLDER = 'setup (mock only)'

/** Separator between a check id and its step in item names: how Newman failures map back to checks. */
export const ITEM_SEPARATOR = ' · '

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
interface PostmanItem {
  name: string
  description?: string
  item?: PostmanItem[]
  event?: { listen: 'prerequest' | 'test'; script: { type: 'text/javascript'; exec: string[] } }[]
  request?: Record<string, Json>
  protocolProfileBehavior?: Record<string, boolean>
}

/** Percent-encodes the literal parts of a template, leaving `{{var}}` for Postman to resolve. */
function encodeTemplate(value: string): string {
  return value
    .split(/(\{\{[^}]+\}\})/)
    .map((part) => (part.startsWith('{{') ? part : encodeURIComponent(part)))
    .join('')
}

function requestOf(spec: RequestSpec): Record<string, Json> {
  const query = Object.entries(spec.query ?? {})
    .map(([k, v]) => `${encodeTemplate(k)}=${encodeTemplate(v)}`)
    .join('&')
  const header: Json[] = Object.entries(spec.headers ?? {}).map(([key, value]) => ({ key, value }))
  const request: Record<string, Json> = {
    method: spec.method,
    header,
    url: query ? `${spec.url}?${query}` : spec.url,
  }
  if (spec.form) {
    request.body = {
      mode: 'urlencoded',
      urlencoded: Object.entries(spec.form).map(([key, value]) => ({ key, value })),
    }
  } else if (spec.json !== undefined) {
    header.push({ key: 'Content-Type', value: 'application/json' })
    request.body = {
      mode: 'raw',
      raw: JSON.stringify(spec.json, null, 2),
      options: { raw: { language: 'json' } },
    }
  } else if (spec.raw) {
    header.push({ key: 'Content-Type', value: spec.raw.contentType })
    request.body = { mode: 'raw', raw: spec.raw.body }
  }
  return request
}

const lit = (v: unknown) => JSON.stringify(v)

/** Where the builder keeps captured and computed values: the chain in the environment, the rest per check. */
const CHAIN = new Set<string>(CHAIN_VARIABLES)
const scopeOf = (name: string) => (CHAIN.has(name) ? 'pm.environment' : 'pm.collectionVariables')

/** Environment key holding fingerprints of chain refresh tokens already exchanged for new ones. */
export const SPENT_MARKER = 'refreshTokenSpent'

/**
 * Environment key that lets the collection send the run's refresh token to a non-loopback
 * Connect: only when it is exactly PERSISTED, i.e. whoever runs the collection writes the
 * environment back after every run (`dinero-conformance live` persists every rotation itself).
 */
export const ALLOW_REFRESH = 'allowRefresh'
export const PERSISTED = 'persisted'

/**
 * Environment key that lets a destructive check replay a consumed refresh token against a
 * non-loopback Connect, only when exactly REVOKE_ALL: Visma then revokes ALL access of the client
 * and user, so a Postman user running the whole collection live must not do it unasked.
 * `dinero-conformance live --destructive` sets it; login's throw-away grants are marked `pooled`.
 */
export const ALLOW_REVOKE_ALL = 'allowRevokeAll'
export const REVOKE_ALL = 'revoke-all-access'
const REVOKE_ALL_MESSAGE = `not sent: this check replays a consumed refresh token on purpose, and Visma Connect answers a replay by revoking ALL access of the client and user, every grant. Live, it runs through dinero-conformance login (a throw-away grant) or live --destructive; from Postman, set ${ALLOW_REVOKE_ALL} to ${REVOKE_ALL} in the environment.`
const NOT_PERSISTED_MESSAGE = `not sent: this would present the run’s refresh token to a live Visma Connect from an environment that is not marked persisted (${ALLOW_REFRESH} is not "${PERSISTED}"). A refresh token is one-time: the rotated token and the spent marker live in the environment, so unless Postman/Newman writes the environment back after every run (newman run … -e live.json --export-environment live.json), the next run replays a consumed token and Visma revokes ALL access of the client and user. Export the environment after every run and set ${ALLOW_REFRESH} to ${PERSISTED}; for read-only checks paste an access token into accessToken and leave refreshToken empty instead.`

function computeScript(c: Compute): string {
  const set = (expr: string) => `${scopeOf(c.set)}.set(${lit(c.set)}, ${expr});`
  switch (c.fn) {
    case 'random':
      return set(`pm.variables.replaceIn('{{$guid}}')`)
    case 'pkce-verifier':
      return `(function () { var a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~', s = ''; for (var i = 0; i < 64; i++) s += a.charAt(Math.floor(Math.random() * a.length)); ${set('s')} })();`
    case 's256':
      return `(function () { var C = require('crypto-js'); var h = C.SHA256(pm.variables.get(${lit(c.of)})).toString(C.enc.Base64).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''); ${set('h')} })();`
    case 'basic':
      return `(function () { function enc(s) { return encodeURIComponent(s).replace(/%20/g, '+'); } var id = pm.variables.replaceIn(${lit(c.id)}), secret = pm.variables.replaceIn(${lit(c.secret)}); var pair = ${c.encode ? "enc(id) + ':' + enc(secret)" : "id + ':' + secret"}; var b64 = typeof btoa === 'function' ? btoa : require('btoa'); ${set("'Basic ' + b64(unescape(encodeURIComponent(pair)))")} })();`
  }
}

/**
 * The parsers the plain assertions cannot do in one line (a Location's parameters, a form_post
 * field, a JWT's parts), taken verbatim from portable.js — the code the vitest runner runs — one
 * named function at a time, so a request embeds only what it calls.
 */
function kitFunction(name: string): string {
  const found = new RegExp(`^ {2}function ${name}\\([^)]*\\) \\{$[\\s\\S]*?^ {2}\\}$`, 'm').exec(
    PORTABLE_SOURCE,
  )
  if (!found) throw new Error(`portable.js has no function ${name}`)
  return found[0].replace(/^ {2}/gm, '')
}
const KIT_FUNCTIONS = [
  'decodeComponent',
  'parseQuery',
  'locationParams',
  'htmlDecode',
  'formPostField',
  'jwtPart',
]

/** The named kit functions `used` call, with what they call in turn, in dependency order. */
function kitSource(used: ReadonlySet<string>): string[] {
  const wanted = new Set<string>()
  const visit = (name: string) => {
    if (wanted.has(name)) return
    for (const other of KIT_FUNCTIONS)
      if (other !== name && new RegExp(`\\b${other}\\(`).test(kitFunction(name))) visit(other)
    wanted.add(name)
  }
  for (const name of used) visit(name)
  if (wanted.size === 0) return []
  // Declarations are hoisted: they close the script, so the Tests tab opens with the tests.
  const lines = ['// Parsers from collections/kit/portable.js, the code the vitest runner runs.']
  for (const name of KIT_FUNCTIONS) if (wanted.has(name)) lines.push(kitFunction(name))
  if (wanted.has('jwtPart'))
    lines.push("function atobFn(s) { return (typeof atob === 'function' ? atob : require('atob'))(s); }")
  return lines
}

/** What the kit's parsers read: the answer's headers (null when absent) and text. */
const REPLY =
  'var reply = { header: function (n) { var v = pm.response.headers.get(n); return v === undefined ? null : v; }, text: pm.response.text() };'

/** A value as JS source; strings holding `{{var}}` are resolved by Postman when the test runs. */
function valueSource(value: unknown): string {
  if (typeof value === 'string')
    return value.includes('{{') ? `pm.variables.replaceIn(${lit(value)})` : lit(value)
  if (Array.isArray(value)) return `[${value.map(valueSource).join(', ')}]`
  if (value !== null && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${lit(k)}: ${valueSource(v)}`)
      .join(', ')} }`
  return lit(value)
}

/** A dotted JSON path (`0.Id`, `Pagination.Page`) as a safe property access on `body`. */
function pathSource(path: string): string {
  if (path === '') return 'body'
  return `body${path
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? `?.[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `?.${p}` : `?.[${lit(p)}]`))
    .join('')}`
}

const regex = (pattern: string) => `new RegExp(${lit(pattern)})`
const header = (name: string) => `pm.response.headers.get(${lit(name)})`

const LOCATION_KINDS = new Set(['location-param', 'location-param-absent', 'location-param-matches'])

/** The body of one `pm.test`: plain `pm.expect`, with kit functions only where a parser is needed. */
function assertionSource(a: Assertion, uses: Set<string>): string {
  switch (a.kind) {
    case 'status':
      return `pm.response.to.have.status(${a.equals});`
    case 'status-in':
      return `pm.expect(pm.response.code).to.be.oneOf(${lit(a.values)});`
    case 'header':
      return `pm.expect(${header(a.name)}).to.equal(${valueSource(a.equals)});`
    case 'header-matches':
      return `pm.expect(${header(a.name)}).to.be.a('string').and.match(${regex(a.pattern)});`
    case 'header-absent':
      return `pm.response.to.not.have.header(${lit(a.name)});`
    case 'body-equals':
      return `pm.expect(pm.response.text()).to.equal(${valueSource(a.text)});`
    case 'body-contains':
      return `pm.expect(pm.response.text()).to.include(${valueSource(a.text)});`
    case 'json-equals':
      return `pm.expect(body).to.eql(${valueSource(a.value)});`
    case 'json-path-equals':
      return `pm.expect(${pathSource(a.path)}).to.eql(${valueSource(a.value)});`
    case 'json-path-matches':
      return `pm.expect(${pathSource(a.path)}).to.be.a('string').and.match(${regex(a.pattern)});`
    case 'json-path-not-equals-var':
      return `pm.expect(${pathSource(a.path)}).to.be.a('string').and.not.equal(pm.variables.get(${lit(a.variable)}));`
    case 'json-path-absent':
      return `pm.expect(${pathSource(a.path)}).to.be.undefined;`
    case 'json-keys':
      return `pm.expect(Object.keys(${pathSource(a.path)}).sort()).to.eql(${lit([...a.keys].sort())});`
    case 'json-array-length-between':
      return `pm.expect(${pathSource(a.path)}).to.be.an('array').with.lengthOf.within(${a.min}, ${a.max});`
    case 'schema': {
      const schema = z.toJSONSchema(checkSchemas[a.schema as keyof typeof checkSchemas], {
        target: 'draft-7',
      })
      return `pm.response.to.have.jsonSchema(${JSON.stringify(schema)});`
    }
    case 'location-origin-path':
      return `var location = ${header('Location')}; pm.expect(location, 'Location').to.be.a('string'); pm.expect(location.split(/[?#]/)[0]).to.equal(${valueSource(a.equals)});`
    case 'location-param':
      return `pm.expect((params || {})[${lit(a.name)}]).to.equal(${valueSource(a.equals)});`
    case 'location-param-absent':
      return `pm.expect(params, 'Location').to.be.an('object').that.does.not.have.own.property(${lit(a.name)});`
    case 'location-param-matches':
      return `pm.expect((params || {})[${lit(a.name)}]).to.be.a('string').and.match(${regex(a.pattern)});`
    case 'form-post-field':
      uses.add('formPostField')
      return `pm.expect(formPostField(reply, ${lit(a.name)})).to.equal(${valueSource(a.equals)});`
    case 'form-post-field-matches':
      uses.add('formPostField')
      return `pm.expect(formPostField(reply, ${lit(a.name)})).to.be.a('string').and.match(${regex(a.pattern)});`
    case 'jwt-header':
      uses.add('jwtPart')
      return `pm.expect((jwtPart(${pathSource(a.path)}, 0) || {})[${lit(a.name)}]).to.equal(${valueSource(a.equals)});`
    case 'jwt-claim':
      uses.add('jwtPart')
      return `pm.expect((jwtPart(${pathSource(a.path)}, 1) || {})[${lit(a.name)}]).to.eql(${valueSource(a.equals)});`
    case 'jwt-claim-var':
      uses.add('jwtPart')
      return `pm.expect((jwtPart(${pathSource(a.path)}, 1) || {})[${lit(a.name)}]).to.equal(pm.variables.get(${lit(a.variable)}));`
  }
}

function captureSource(c: Capture, uses: Set<string>): string {
  const value = (() => {
    switch (c.from) {
      case 'json':
        return pathSource(c.path)
      case 'location-param':
        return `(params || {})[${lit(c.name)}]`
      case 'location':
        return `(${header('Location')} || undefined)?.replace(/^[a-z]+:\\/\\/[^/]+/i, '')`
      case 'form-post':
        uses.add('formPostField')
        return `formPostField(reply, ${lit(c.name)})`
      case 'header':
        return header(c.name)
      case 'jwt-header':
        uses.add('jwtPart')
        return `(jwtPart(${pathSource(c.path)}, 0) || {})[${lit(c.name)}]`
    }
  })()
  return `save(${scopeOf(c.set)}, ${lit(c.set)}, ${value});`
}

const needsBody = (step: Step) =>
  step.expect.some((a) => a.kind.startsWith('json') || a.kind.startsWith('jwt')) ||
  (step.capture ?? []).some((c) => c.from === 'json' || c.from === 'jwt-header')

function testScript(step: Step): string[] {
  const uses = new Set<string>()
  const locations =
    step.expect.some((a) => LOCATION_KINDS.has(a.kind)) ||
    (step.capture ?? []).some((c) => c.from === 'location-param')
  if (locations) uses.add('locationParams')
  const tests = step.expect.map(
    (a) => `pm.test(${lit(describeAssertion(a))}, function () { ${assertionSource(a, uses)} });`,
  )
  const captures = (step.capture ?? []).map((c) => captureSource(c, uses))
  return [
    ...(needsBody(step) ? ['var body; try { body = pm.response.json(); } catch (e) {}'] : []),
    ...(uses.has('locationParams') || uses.has('formPostField') ? [REPLY] : []),
    ...(locations ? ['var params = locationParams(reply);'] : []),
    ...tests,
    ...captures,
    ...(captures.length > 0
      ? [
          "function save(scope, name, v) { if (v !== undefined && v !== null) scope.set(name, typeof v === 'string' ? v : JSON.stringify(v)); }",
        ]
      : []),
    ...kitSource(uses),
  ]
}

function checkScopedVariables(steps: readonly Step[]): string[] {
  const names = new Set<string>()
  for (const s of steps) {
    for (const c of s.compute ?? []) names.add(c.set)
    for (const c of s.capture ?? []) names.add(c.set)
  }
  for (const chain of CHAIN_VARIABLES) names.delete(chain)
  return [...names].sort()
}

function stepItem(prefix: string, step: Step, index: number, clear: string[]): PostmanItem {
  const pre = [
    ...(index === 0 ? clear.map((n) => `pm.collectionVariables.unset(${lit(n)});`) : []),
    ...(step.compute ?? []).map(computeScript),
  ]
  const event: NonNullable<PostmanItem['event']> = []
  if (pre.length > 0) event.push({ listen: 'prerequest', script: { type: 'text/javascript', exec: pre } })
  const presentsRefreshToken =
    step.request.form !== undefined && Object.hasOwn(step.request.form, 'refresh_token')
  event.push({
    listen: 'test',
    script: {
      type: 'text/javascript',
      exec: [...(presentsRefreshToken ? GRANT_TEST : []), ...testScript(step)],
    },
  })
  return {
    name: `${prefix}${ITEM_SEPARATOR}${index + 1}. ${step.name}`,
    event,
    // Redirects carry the code and errors under test: never follow them; cookies would hide the login page.
    protocolProfileBehavior: { followRedirects: false, disableCookies: true },
    request: requestOf(step.request),
  }
}

const usesChain = (steps: readonly Step[]) =>
  steps.some((s) => /\{\{(refreshToken|accessToken)\}\}/.test(JSON.stringify(s.request)))

/** The spent marker's fingerprint of a refresh token (expression over the script variable `v`). */
const fingerprintOf = (v: string) => `require('crypto-js').SHA256(${v}).toString().slice(0, 16)`
const FINGERPRINT = `function fingerprint(token) { return ${fingerprintOf('token')}; }`
const PRESENTED =
  "var form = pm.request.body && pm.request.body.mode === 'urlencoded' ? pm.request.body.urlencoded : undefined;\nvar presented = form && form.get('refresh_token') ? pm.variables.replaceIn(form.get('refresh_token')) : undefined;"

/**
 * Before every request, at the collection level, for the run's grant (the chain variables):
 * - a request that needs the grant and finds none obtains one on the mock (controlUrl set and a
 *   loopback connectUrl), the
 *   way the setup folder does, so any folder runs alone; against the live services it never
 *   starts a grant by itself (that takes a person: dinero-conformance login) and is refused;
 * - a refresh token seen rotated is never sent again: Visma Connect answers a replay by revoking
 *   all access of the client and user (visma-connect-tokens, RFC 9700 §4.14.2). Only the
 *   destructive checks, which observe exactly that, may replay.
 */
function grantPrerequest(replayers: readonly string[]): string[] {
  return [
    FINGERPRINT,
    PRESENTED,
    // Only a mock starts a grant by itself, and a mock is always on loopback: an environment
    // that lost its controlUrl (the collection default applies) still never sends the mock's
    // consent shortcut to the real Visma Connect.
    "var loopbackConnect = /^https?:\\/\\/(localhost|127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\])(:\\d+)?(\\/|$)/i.test(pm.variables.get('connectUrl'));",
    `var replayer = ${lit(replayers)}.some(function (id) { return pm.info.requestName.indexOf(id + ${lit(ITEM_SEPARATOR)}) === 0; });`,
    // Live, a replay revokes every grant of the client and user: only a run that asked for it.
    `var replayAllowed = replayer && (loopbackConnect || !!pm.environment.get('pooled') || pm.environment.get(${lit(ALLOW_REVOKE_ALL)}) === ${lit(REVOKE_ALL)});`,
    'var requestText = JSON.stringify(pm.request.toJSON());',
    // A pasted access token alone serves the read-only checks: no refresh token is needed for them.
    "var pastedAccess = !loopbackConnect && !/\\{\\{refreshToken\\}\\}/.test(requestText) && pm.variables.get('accessToken');",
    // Live, the run's refresh token is sent only from an environment that is written back after
    // the run: Postman and Newman keep the rotated token and the spent marker in the environment,
    // so a run whose environment is not persisted leaves the consumed token in the file, and the
    // next run replays it (Visma then revokes all access; visma-connect-tokens, RFC 9700 §4.14.2).
    // A destructive check that may not replay is not started at all: refused only at its replay,
    // its first step had already rotated the grant and its last rotated it again into a token the
    // environment kept nowhere, so a Postman run of the whole collection lost the grant.
    'if (replayer && !replayAllowed) {',
    "  pm.test('revoking all access needs the opt-in', function () {",
    `    throw new Error(${lit(REVOKE_ALL_MESSAGE)});`,
    '  });',
    '  pm.execution.skipRequest();',
    `} else if (presented && !loopbackConnect && presented === pm.variables.get('refreshToken') && pm.environment.get(${lit(ALLOW_REFRESH)}) !== ${lit(PERSISTED)}) {`,
    "  pm.test('the run’s refresh token is sent only from a persisted environment', function () {",
    `    throw new Error(${lit(NOT_PERSISTED_MESSAGE)});`,
    '  });',
    '  pm.execution.skipRequest();',
    `} else if (presented && !replayAllowed && (pm.environment.get(${lit(SPENT_MARKER)}) || '').split(' ').indexOf(fingerprint(presented)) >= 0) {`,
    "  pm.test('the run’s refresh token was not already rotated', function () {",
    // A destructive check gets here only when it may replay (the branch above): never replayer.
    `    throw new Error('this refresh token was already exchanged for a new one: sending it again is a replay, which revokes all access of the client and user. Put the newest refresh token in the environment’s refreshToken, or run dinero-conformance login again.');`,
    '  });',
    '  pm.execution.skipRequest();',
    "} else if (/\\{\\{(refreshToken|accessToken)\\}\\}/.test(requestText) && !pm.variables.get('refreshToken') && !pastedAccess) {",
    "  if (pm.variables.get('controlUrl') && loopbackConnect) {",
    '    var v = function (name) { return encodeURIComponent(pm.variables.get(name)); };',
    "    var fail = function (why) { pm.test('the run’s grant is obtained from the mock', function () { throw new Error(why); }); };",
    "    var authorize = '/connect/authorize?response_type=code&response_mode=form_post&client_id=' + v('clientId') + '&redirect_uri=' + v('redirectUri') + '&scope=' + v('scopes');",
    "    pm.sendRequest({ url: pm.variables.get('connectUrl') + authorize, header: { 'X-Mock-Consent': 'accept' } }, function (err, authorized) {",
    "      var code = !err && /name='code' value='([^']*)'/.exec(authorized.text());",
    "      if (!code) return fail('the mock’s authorize answered no code: ' + (err || authorized.code));",
    "      var body = 'grant_type=authorization_code&code=' + code[1] + '&redirect_uri=' + v('redirectUri') + '&client_id=' + v('clientId') + '&client_secret=' + v('clientSecret');",
    "      pm.sendRequest({ url: pm.variables.get('connectUrl') + '/connect/token', method: 'POST', header: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: { mode: 'raw', raw: body } }, function (err2, exchanged) {",
    '        var tokens = !err2 && exchanged.code === 200 ? exchanged.json() : undefined;',
    "        if (!tokens) return fail('the mock’s token endpoint refused the code: ' + (err2 || exchanged.code));",
    "        pm.environment.set('refreshToken', tokens.refresh_token);",
    "        pm.environment.set('accessToken', tokens.access_token);",
    '      });',
    '    });',
    '  } else {',
    "    pm.test('the run’s grant is in the environment', function () {",
    `      throw new Error('refreshToken is empty: put the refresh token dinero-conformance login stored in the environment’s refreshToken (and set allowRefresh to persisted, exporting the environment after every run), or for read-only checks an access token in accessToken (on the mock, run the folder "${SETUP_FOLDER}" first).');`,
    '    });',
    '    pm.execution.skipRequest();',
    '  }',
    '}',
  ]
}

/**
 * How many spent fingerprints the environment keeps (17 characters each, ~17 KB). The marker is
 * what refuses the obvious mistake, a consumed token pasted back (the one `dinero-conformance
 * login` stored, after Postman rotated it), so it must outlive many runs: one run of the
 * live-safe checks rotates the grant 16 times, and the 20 kept before forgot the first pasted
 * token during the second run, after which it was sent again (a replay: Visma revokes all access).
 */
const SPENT_KEPT = 1000

/**
 * After each request whose form carries a `refresh_token`, before that request's own tests and
 * captures: when the chain's refresh token was presented and the answer rotated it, the presented
 * token is spent (RFC 6749 §6), so its fingerprint joins the environment's marker at once.
 * It opens those items' own test scripts rather than running as a collection-level script after
 * every request: each script a request runs costs Newman a sandbox execution (the context and
 * the response copied in and out), and the recorder after all 287 requests was a quarter of a
 * whole run's CPU (docs/BENCH.md "npm test time"); on every other request it did nothing. The
 * guard before requests stays at the collection level: it refuses, so it covers any request.
 */
const GRANT_TEST = [
  `(function () { ${PRESENTED.replace('\n', ' ')}`,
  'var answer; try { answer = pm.response.json(); } catch (e) {}',
  "if (!presented || presented !== pm.variables.get('refreshToken') || !answer || typeof answer.refresh_token !== 'string' || answer.refresh_token === presented) return;",
  `pm.environment.set(${lit(SPENT_MARKER)}, (pm.environment.get(${lit(SPENT_MARKER)}) || '').split(' ').filter(Boolean).concat(${fingerprintOf('presented')}).slice(-${SPENT_KEPT}).join(' '));`,
  '})();',
]

function checkDescription(check: Check): string {
  const sources = check.sources.map((cited) => {
    const { url } = resolveSource(cited)
    return `- [${cited}](${url})`
  })
  return [
    `**${check.title}**`,
    '',
    `Check \`${check.id}\` (${check.area}, ${check.target}).`,
    ...(usesChain(mockSteps(check))
      ? [
          '',
          'Uses the run’s grant (`refreshToken` in the environment); on the mock this folder obtains one itself when it is empty, so it runs alone.',
        ]
      : []),
    '',
    'Sources:',
    ...sources,
  ].join('\n')
}

function checkFolder(check: Check): PostmanItem {
  const steps = mockSteps(check)
  const clear = checkScopedVariables(steps)
  return {
    name: check.id,
    description: checkDescription(check),
    item: steps.map((s, i) =>
      i < (check.mockPrelude?.length ?? 0)
        ? poolable(stepItem(check.id, s, i, clear))
        : stepItem(check.id, s, i, clear),
    ),
  }
}

/**
 * A prelude step stands in for the pool: when `dinero-conformance login` hands the check its
 * pooled code (environment `pooled`), the step is not sent and the pooled values are used.
 */
function poolable(item: PostmanItem): PostmanItem {
  const skip = "if (pm.environment.get('pooled')) { pm.execution.skipRequest(); }"
  const event = [...(item.event ?? [])]
  const pre = event.find((e) => e.listen === 'prerequest')
  if (pre) pre.script = { ...pre.script, exec: [skip, ...pre.script.exec] }
  else event.unshift({ listen: 'prerequest', script: { type: 'text/javascript', exec: [skip] } })
  return { ...item, event }
}

export interface BuildCollectionOptions {
  /** The checks to include, in run order; the whole catalogue by default. */
  checks?: readonly Check[]
}

export function buildCollection(options: BuildCollectionOptions = {}): Record<string, unknown> {
  const areas = new Map<Area, PostmanItem[]>()
  const checks = options.checks ?? catalogue
  // The destructive checks replay a spent token on purpose: that replay is what they observe.
  const replayers = checks.filter((c) => c.target === 'live-destructive').map((c) => c.id)
  for (const check of checks) {
    const list = areas.get(check.area) ?? []
    list.push(checkFolder(check))
    areas.set(check.area, list)
  }
  const defaults = mockVariables({
    connect: 'http://127.0.0.1:4010',
    api: 'http://127.0.0.1:4010',
    control: 'http://127.0.0.1:4010',
  })
  return {
    info: {
      _postman_id: COLLECTION_ID,
      name: 'Dinero conformance (Visma Connect + Dinero API)',
      description:
        'Generated by `npm run collection:build` from collections/catalogue/ — do not edit by hand. Every check is a folder; run a folder to run one check (on the mock a folder that needs the run’s grant obtains one itself; run "setup (mock only)" first to share one grant across folders). Defaults point at `npm run mock` on 127.0.0.1:4010 (environment: mock.postman_environment.json). Against the live services, use live.postman_environment.template.json with the refresh token `dinero-conformance login` stored, and only the live-safe checks: every rotated token is written to the environment at once, and a token already rotated is never sent again.',
      schema: SCHEMA_URL,
    },
    item: [
      {
        name: SETUP_FOLDER,
        description: 'Obtains the run’s grant from the mock (X-Mock-Consent stands in for the person).',
        item: mockSetup.map((s, i) => stepItem('setup', s, i, [])),
      },
      ...[...areas].map(([area, item]) => ({ name: AREA_NAMES[area], item })),
    ],
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: grantPrerequest(replayers) } }],
    variable: Object.entries(defaults).map(([key, value]) => ({ key, value, type: 'string' })),
  }
}

/** Descriptions of the variables a user fills in or the scripts keep, shown beside them in Postman. */
const ENVIRONMENT_DESCRIPTIONS: Record<string, string> = {
  refreshToken:
    'SECRET, one-time: sending a refresh token that was already exchanged makes Visma revoke ALL access of the client and user. The run’s grant. Empty on the mock: the "setup (mock only)" folder, or any check folder run alone, obtains one. Live: the refresh token `dinero-conformance login` stored (`refreshToken` in its token store, ~/.config/dinero-conformance/tokens.json by default); `dinero-conformance live` supplies it itself. Every rotation is written back here at once. After Postman rotated it, the token store’s copy is spent: run `dinero-conformance login` again before the next `dinero-conformance live`.',
  accessToken:
    'SECRET. The access token of the last rotation; the scripts keep it. Live, for read-only checks without the refresh danger: paste an access token here and leave refreshToken empty. Anyone holding it can call the Dinero API as you until it expires: never share or commit this environment.',
  [ALLOW_REFRESH]:
    'Live only. Set to exactly `persisted` to let the collection send refreshToken to Visma Connect, and only if the environment is written back after every run (Newman: `--export-environment live.json`; Postman: keep the current values). Otherwise the rotated token is lost, the next run replays the consumed one, and Visma revokes all access. `dinero-conformance live` sets it itself.',
  [ALLOW_REVOKE_ALL]:
    'Live only, and leave it empty: set to exactly `revoke-all-access` only to let the destructive check (connect.refresh.replay-revokes-grant) replay a consumed refresh token, which makes Visma revoke ALL access of the client and user — every grant, every app using it — until someone signs in again. `dinero-conformance live --destructive` sets it itself after a typed confirmation.',
  [SPENT_MARKER]:
    'Fingerprints (SHA-256 prefixes) of refresh tokens already rotated, the last 1,000: a request about to present one of them is refused instead of sent, since a replay revokes the whole grant. Kept by the scripts; never empty it by hand.',
}

export function buildEnvironment(name: string, values: Record<string, string>, secretKeys: string[] = []) {
  return {
    id: name === 'mock' ? '4b7e2f8c-9a51-4d3b-8f0e-6c2d1a9b7e01' : '4b7e2f8c-9a51-4d3b-8f0e-6c2d1a9b7e02',
    name: `dinero-conformance ${name}`,
    values: Object.entries(values).map(([key, value]) => ({
      key,
      value,
      type: secretKeys.includes(key) ? 'secret' : 'default',
      enabled: true,
      ...(ENVIRONMENT_DESCRIPTIONS[key] ? { description: ENVIRONMENT_DESCRIPTIONS[key] } : {}),
    })),
    _postman_variable_scope: 'environment',
  }
}

/** The chain starts empty in every environment file; the scripts write each rotation here. */
const CHAIN_DEFAULTS = { refreshToken: '', accessToken: '', [SPENT_MARKER]: '' }

export function buildMockEnvironment() {
  return buildEnvironment('mock', {
    ...mockVariables({
      connect: 'http://127.0.0.1:4010',
      api: 'http://127.0.0.1:4010',
      control: 'http://127.0.0.1:4010',
    }),
    ...CHAIN_DEFAULTS,
  })
}

/** The live template: no secrets, only placeholders the user fills in (or the live runner supplies). */
export function buildLiveEnvironmentTemplate() {
  return buildEnvironment(
    'live',
    {
      connectUrl: 'https://connect.visma.com',
      apiUrl: 'https://api.dinero.dk',
      controlUrl: '',
      clientId: 'isv_your_client_id',
      clientSecret: '',
      pkceClientId: '',
      refreshClientId: '',
      redirectUri: 'http://127.0.0.1:8976/callback',
      scopes: 'dineropublicapi:read dineropublicapi:write offline_access',
      organizationId: '',
      nonProOrganizationId: '',
      [ALLOW_REFRESH]: '',
      [ALLOW_REVOKE_ALL]: '',
      ...CHAIN_DEFAULTS,
    },
    ['clientSecret', 'refreshToken', 'accessToken'],
  )
}

export const COLLECTION_FILES = {
  collection: 'collections/dinero-conformance.postman_collection.json',
  mock: 'collections/mock.postman_environment.json',
  live: 'collections/live.postman_environment.template.json',
} as const

export function serialise(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}
