/**
 * The conformance check model: each check is data — requests, expectations and
 * captures in a small vocabulary that both runners implement, the vitest runner in TypeScript
 * (scripts/engine/run.ts) and the Newman runner as generated Postman scripts (collections/build.ts). Parity
 * between the two is proven by specs, not assumed.
 */

/** Where a check may run. */
export type TargetClass = 'mock-only' | 'live-safe' | 'live-interactive' | 'live-destructive'

/** In run order: both runners execute areas in this order, and `destructive` (it ends the grant) last. */
export const AREAS = [
  'token-endpoint',
  'client-auth',
  'authorize',
  'code',
  'pkce',
  'refresh',
  'discovery',
  'dinero',
  'destructive',
] as const
export type Area = (typeof AREAS)[number]

/** Values computed before a step, in both runners. Templates like `{{clientId}}` are expanded first. */
export type Compute =
  | { set: string; fn: 'random' }
  | { set: string; fn: 'pkce-verifier' }
  | { set: string; fn: 's256'; of: string }
  | { set: string; fn: 'basic'; id: string; secret: string; encode: boolean }

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'
  /** Absolute URL template: `{{connectUrl}}/connect/token`. */
  url: string
  /** Query parameters, values are templates; encoded by the runner. */
  query?: Record<string, string>
  headers?: Record<string, string>
  /** `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>
  /** JSON body; string values are templates. */
  json?: unknown
  /** A body sent as-is with this content type. */
  raw?: { contentType: string; body: string }
}

/** One assertion; each becomes one `pm.test` in the collection and one `expect` in vitest. */
export type Assertion =
  | { kind: 'status'; equals: number }
  | { kind: 'status-in'; values: number[] }
  | { kind: 'header'; name: string; equals: string }
  | { kind: 'header-matches'; name: string; pattern: string }
  | { kind: 'header-absent'; name: string }
  | { kind: 'body-equals'; text: string }
  | { kind: 'json-equals'; value: unknown }
  | { kind: 'json-path-equals'; path: string; value: unknown }
  | { kind: 'json-path-matches'; path: string; pattern: string }
  | { kind: 'json-path-not-equals-var'; path: string; variable: string }
  | { kind: 'json-path-absent'; path: string }
  | { kind: 'json-keys'; path: string; keys: string[] }
  | { kind: 'json-array-length-between'; path: string; min: number; max: number }
  | { kind: 'schema'; schema: string }
  | { kind: 'location-origin-path'; equals: string }
  | { kind: 'location-param'; name: string; equals: string }
  | { kind: 'location-param-absent'; name: string }
  | { kind: 'location-param-matches'; name: string; pattern: string }
  | { kind: 'form-post-field'; name: string; equals: string }
  | { kind: 'form-post-field-matches'; name: string; pattern: string }
  | { kind: 'body-contains'; text: string }
  | { kind: 'jwt-header'; path: string; name: string; equals: string }
  | { kind: 'jwt-claim'; path: string; name: string; equals: unknown }
  | { kind: 'jwt-claim-var'; path: string; name: string; variable: string }

/** Where a captured value comes from. `path` is a dotted JSON path (`0.Id`, `Pagination.Page`). */
export type Capture =
  | { set: string; from: 'json'; path: string }
  | { set: string; from: 'location-param'; name: string }
  | { set: string; from: 'location'; part: 'path-and-query' }
  | { set: string; from: 'form-post'; name: string }
  | { set: string; from: 'header'; name: string }
  | { set: string; from: 'jwt-header'; path: string; name: string }

export interface Step {
  name: string
  compute?: Compute[]
  request: RequestSpec
  expect: Assertion[]
  capture?: Capture[]
}

export interface Check {
  /** Stable id: `connect.token.json-body-rejected`. */
  id: string
  /** One line that states the behaviour, with status and error code. */
  title: string
  area: Area
  /**
   * Where the behaviour comes from: RFC sections (`RFC 6749 §4.1.3`) or ids from
   * collections/sources.ts (`duende-token-endpoint`, `oidc-core §3.1.3.7`); each must resolve.
   */
  sources: string[]
  target: TargetClass
  /**
   * Steps that stand in, on the mock, for what a person provides live: a `live-interactive`
   * check gets its fresh `{{code}}` from `npm run login`; on the mock this prelude obtains one.
   */
  mockPrelude?: Step[]
  steps: Step[]
}

/** The steps a check runs against the mock: its prelude, then its own steps. */
export function mockSteps(check: Check): Step[] {
  return [...(check.mockPrelude ?? []), ...check.steps]
}

/** Variables every run provides (collection variables in Postman). */
export const BASE_VARIABLES = [
  'connectUrl',
  'apiUrl',
  'controlUrl',
  'clientId',
  'clientSecret',
  'pkceClientId',
  'refreshClientId',
  'redirectUri',
  'scopes',
  'organizationId',
  'nonProOrganizationId',
] as const
export type BaseVariable = (typeof BASE_VARIABLES)[number]
