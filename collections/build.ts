import { z } from 'zod'
import { CHAIN_VARIABLES, catalogue, mockSetup } from './catalogue/index.ts'
import { PORTABLE_SOURCE } from './kit/portable.ts'
import { describeAssertion } from './model/describe.ts'
import { checkSchemas } from './model/schemas.ts'
import { type Area, type Check, type Compute, mockSteps, type RequestSpec, type Step } from './model/types.ts'
import { mockVariables } from './model/variables.ts'

/**
 * Runner 2's input: the catalogue as a Postman v2.1 collection (folders per area, a folder per
 * check, an item per step). Assertions become `pm.test` calls that run portable.js — the same
 * code the vitest runner uses — and JSON Schemas are draft-07 from the zod contract.
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
  discovery: 'Discovery and JWKS',
  dinero: 'Dinero API',
  destructive: 'Destructive (ends the run’s grant)',
}

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
      urlencoded: Object.entries(spec.form).map(([key, value]) => ({ key, value, type: 'text' })),
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

function computeScript(c: Compute): string {
  const set = (expr: string) => `pm.collectionVariables.set(${lit(c.set)}, ${expr});`
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

const KIT = PORTABLE_SOURCE.replace(/^\s*\/\*[\s\S]*?\*\/\s*/m, '')
  .split('\n')
  .filter((l) => !/^\s*\/\//.test(l))
  .join('\n')

function testScript(step: Step): string[] {
  const lines = [
    `var kit = (function () {\n${KIT}\nreturn conformanceKit(typeof atob === 'function' ? atob : require('atob')); })();`,
    'var vars = pm.variables.toObject();',
    'var reply = { status: pm.response.code, header: function (n) { var v = pm.response.headers.get(n); return v === undefined ? null : v; }, text: pm.response.text() };',
  ]
  for (const a of step.expect) {
    const name = describeAssertion(a)
    if (a.kind === 'schema') {
      const schema = z.toJSONSchema(checkSchemas[a.schema as keyof typeof checkSchemas], {
        target: 'draft-7',
      })
      lines.push(
        `pm.test(${lit(name)}, function () { pm.response.to.have.jsonSchema(${JSON.stringify(schema)}); });`,
      )
    } else {
      lines.push(
        `pm.test(${lit(name)}, function () { var d = kit.evaluate(${lit(a)}, reply, vars); if (d !== undefined) throw new Error(d); });`,
      )
    }
  }
  for (const c of step.capture ?? []) {
    lines.push(
      `(function () { var v = kit.capture(${lit(c)}, reply); if (v !== undefined) pm.collectionVariables.set(${lit(c.set)}, v); })();`,
    )
  }
  return lines
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
  event.push({ listen: 'test', script: { type: 'text/javascript', exec: testScript(step) } })
  return {
    name: `${prefix}${ITEM_SEPARATOR}${index + 1}. ${step.name}`,
    event,
    // Redirects carry the code and errors under test: never follow them; cookies would hide the login page.
    protocolProfileBehavior: { followRedirects: false, disableCookies: true },
    request: requestOf(step.request),
  }
}

function checkFolder(check: Check): PostmanItem {
  const clear = checkScopedVariables(mockSteps(check))
  return {
    name: check.id,
    description: `${check.title}\n\nTarget: ${check.target}\nSources: ${check.sources.join('; ')}`,
    item: mockSteps(check).map((s, i) => stepItem(check.id, s, i, clear)),
  }
}

export const SETUP_FOLDER = 'setup (mock only)'

export interface BuildCollectionOptions {
  /** The checks to include, in run order; the whole catalogue by default. */
  checks?: readonly Check[]
}

export function buildCollection(options: BuildCollectionOptions = {}): Record<string, unknown> {
  const areas = new Map<Area, PostmanItem[]>()
  for (const check of options.checks ?? catalogue) {
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
        'Generated by `npm run collection:build` from collections/catalogue/ — do not edit by hand. Every check is a folder; run a folder to run one check. Defaults point at `npm run mock` on 127.0.0.1:4010. Against the live services, use live.postman_environment.template.json and only the live-safe checks.',
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
    variable: Object.entries(defaults).map(([key, value]) => ({ key, value, type: 'string' })),
  }
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
    })),
    _postman_variable_scope: 'environment',
  }
}

export function buildMockEnvironment() {
  return buildEnvironment(
    'mock',
    mockVariables({
      connect: 'http://127.0.0.1:4010',
      api: 'http://127.0.0.1:4010',
      control: 'http://127.0.0.1:4010',
    }),
  )
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
    },
    ['clientSecret'],
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
