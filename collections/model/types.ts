/**
 * The conformance check model: each check is data — requests, expectations and
 * captures in a small vocabulary that both runners implement, the vitest runner in TypeScript
 * (scripts/engine/run.ts) and the Newman runner as generated Postman scripts (collections/build.ts). Parity
 * between the two is proven by specs, not assumed.
 */

/** Where a check may run; derived from what it needs (`targetOf`). */
export type TargetClass = 'mock-only' | 'live-safe' | 'live-interactive' | 'live-destructive'

/**
 * What a check needs from a run. A runner runs a check when it has every one of them: the mock has
 * them all; `dinero-conformance login` has the pooled codes and throw-away grants of one sign-in;
 * `dinero-conformance live` has the stored grant (docs/LIVE.md lists who provides what).
 */
export const NEEDS = {
  grant: 'the grant dinero-conformance login stored (live rotates it)',
  organisation: 'an organisation of that grant (the one login saved, or --organization)',
  code: 'a fresh authorization code of the signed-in user (login pools them by silent authorize)',
  'read-only-code': 'a pooled code for the dineropublicapi:read scope only',
  'form-post-code': 'a pooled code delivered by response_mode=form_post',
  'throwaway-grant': 'a grant from a pooled code exchanged for this check alone',
  'revokes-all-access':
    'replays a refresh token: Visma revokes all access of the client and user (login runs it before it takes the grant it stores; live only with --destructive)',
  'control-surface': 'the mock’s control surface (/__mock/settings, faults)',
  'virtual-clock': 'the mock’s clock, moved forward instead of waiting',
  'mock-client': 'a client configured only on the mock (PKCE required, odd client id)',
  'mock-pages':
    'the mock’s own IdP pages (error details behind an errorId, the logout page), which Visma’s UI does not publish',
  person: 'a person answering a page (refusing consent)',
  'non-pro-organisation': 'an organisation without Dinero Pro',
  'write-test-organisation': 'writes: live --allow-writes and an organisation in DINERO_TEST_ORGANIZATIONS',
  slow: 'waits out a pooled code’s 300 s lifetime: login --slow (the mock moves its clock instead)',
} as const
export type Need = keyof typeof NEEDS

/** Needs only the mock can meet. */
export const MOCK_ONLY_NEEDS: readonly Need[] = [
  'control-surface',
  'virtual-clock',
  'mock-client',
  'mock-pages',
  'person',
]
/** Needs met by the codes and throw-away grants `login` pools from one sign-in. */
export const POOL_NEEDS: readonly Need[] = ['code', 'read-only-code', 'form-post-code', 'throwaway-grant']

/** Needs a live run meets only when asked to (a flag, or an account that has one). */
export const OPT_IN_NEEDS: readonly Need[] = ['non-pro-organisation', 'write-test-organisation', 'slow']

/** `mock-only` here means: not run live with default flags (it needs the mock, or an opt-in). */
export function targetOf(needs: readonly Need[]): TargetClass {
  if (needs.some((n) => MOCK_ONLY_NEEDS.includes(n) || OPT_IN_NEEDS.includes(n))) return 'mock-only'
  if (needs.includes('revokes-all-access')) return 'live-destructive'
  if (needs.some((n) => POOL_NEEDS.includes(n))) return 'live-interactive'
  return 'live-safe'
}

/**
 * The code a pooled check consumes, requested by `login` with prompt=none in the signed-in
 * browser session. It always carries a fresh `state`; the pool hands the check, as environment
 * values, `code`, `state`, `nonce`, `verifier`, `challenge` and the callback's fields as received.
 */
export interface CodeRequest {
  /** Scope template; `{{scopes}}` by default. */
  scope?: string
  responseMode?: 'query' | 'form_post'
  /** Send an S256 challenge of a fresh `verifier`. */
  pkce?: boolean
  /** Send a fresh `nonce`. */
  nonce?: boolean
  /**
   * Exchange the code for this check alone and hand its refresh token in this variable instead of
   * the code (a throw-away grant).
   */
  grantInto?: string
}

/** In run order: both runners execute areas in this order, and `destructive` (it ends the grant) last. */
export const AREAS = [
  'token-endpoint',
  'client-auth',
  'authorize',
  'code',
  'pkce',
  'refresh',
  'session',
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
  /** The documented behaviours it pins: ids from collections/behaviours.ts. */
  pins?: string[]
  /** Derived from `needs` (targetOf). */
  target: TargetClass
  /** What a run must have to run this check (NEEDS). */
  needs: Need[]
  /** The pooled code (or throw-away grant) `login` obtains for this check. */
  pool?: CodeRequest
  /**
   * Steps that stand in, on the mock, for what the pool provides live: a pooled check gets its
   * fresh `{{code}}` from `login`; on the mock this prelude obtains one. Its assertions on the
   * authorize answer are checked live against the callback's fields as received.
   */
  mockPrelude?: Step[]
  steps: Step[]
}

/** A check as the catalogue files write it: `target` is derived from `needs`. */
export type CheckDefinition = Omit<Check, 'target'>

export function defineChecks(defs: CheckDefinition[]): Check[] {
  return defs.map((d) => ({ ...d, target: targetOf(d.needs) }))
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

/** What `dinero-conformance login` offers a pooled check (the organisation once it is chosen). */
export const LOGIN_PROVIDES: readonly Need[] = [...POOL_NEEDS, 'revokes-all-access', 'organisation']
/** What `dinero-conformance live` offers with default flags. */
export const LIVE_PROVIDES: readonly Need[] = ['grant', 'organisation']

/**
 * Whether `login` runs this check on its pool: a pooled check whose needs the pool meets (a
 * `grant` it needs is a throw-away one, handed in as `grantInto`). `--no-destructive` leaves out
 * those that revoke all access; `--slow` adds those that wait out a code's lifetime.
 */
export function runsInLogin(check: Check, destructive = true, slow = false): boolean {
  if (check.pool === undefined) return false
  const has = new Set<Need>([...LOGIN_PROVIDES, ...(check.pool.grantInto ? (['grant'] as const) : [])])
  if (!destructive) has.delete('revokes-all-access')
  if (slow) has.add('slow')
  return check.needs.every((n) => has.has(n))
}

/** Whether `live` runs this check with the stored grant, given what the run has. */
export function runsInLive(check: Check, has: readonly Need[] = LIVE_PROVIDES): boolean {
  return check.needs.every((n) => has.includes(n)) && !check.needs.some((n) => POOL_NEEDS.includes(n))
}

/** `login` followed by `live`, both with default flags, runs it against the real services. */
export function liveByDefault(check: Check): boolean {
  return runsInLogin(check) || runsInLive(check)
}
