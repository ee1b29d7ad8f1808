import type { Assertion, Capture, Compute, RequestSpec, Step } from '../model/types.ts'

/**
 * Building blocks shared by the check definitions: the requests an integrator's app makes,
 * written once so every check spells them the same way.
 */
export const FORM_JSON = 'application/json; charset=UTF-8'
export const NO_STORE = 'no-store, no-cache, max-age=0'
export const HEX64 = '^[0-9A-F]{64}$'

export const status = (equals: number): Assertion => ({ kind: 'status', equals })
export const oauthError = (error: string, code = 400): Assertion[] => [
  status(code),
  { kind: 'json-equals', value: { error } },
]

export function step(
  name: string,
  request: RequestSpec,
  expect: Assertion[],
  extra: { compute?: Compute[]; capture?: Capture[] } = {},
): Step {
  return { name, request, expect, ...extra }
}

export interface AuthorizeOptions {
  clientId?: string
  scope?: string
  responseMode?: 'query' | 'form_post' | 'fragment'
  redirectUri?: string
  consent?: 'accept' | 'deny' | 'none'
  extra?: Record<string, string>
}

/** The authorize request an app's browser makes; on the mock, X-Mock-Consent stands in for the person. */
export function authorizeRequest(o: AuthorizeOptions = {}): RequestSpec {
  const consent = o.consent ?? 'accept'
  return {
    method: 'GET',
    url: '{{connectUrl}}/connect/authorize',
    query: {
      client_id: o.clientId ?? '{{clientId}}',
      redirect_uri: o.redirectUri ?? '{{redirectUri}}',
      response_type: 'code',
      response_mode: o.responseMode ?? 'query',
      scope: o.scope ?? '{{scopes}}',
      ...o.extra,
    },
    ...(consent === 'none' ? {} : { headers: { 'X-Mock-Consent': consent } }),
  }
}

/** Authorize with consent and capture the code from the query redirect into `codeVar`. */
export function obtainCode(codeVar = 'code', o: AuthorizeOptions = {}): Step {
  return step(
    'authorize and receive a code',
    authorizeRequest(o),
    [status(302), { kind: 'location-param-matches', name: 'code', pattern: HEX64 }],
    { capture: [{ set: codeVar, from: 'location-param', name: 'code' }] },
  )
}

export function tokenForm(
  form: Record<string, string>,
  auth: 'post' | 'none' | { clientId: string; secret?: string } = 'post',
): RequestSpec {
  const credentials =
    auth === 'none'
      ? {}
      : auth === 'post'
        ? { client_id: '{{clientId}}', client_secret: '{{clientSecret}}' }
        : { client_id: auth.clientId, client_secret: auth.secret ?? '{{clientSecret}}' }
  return { method: 'POST', url: '{{connectUrl}}/connect/token', form: { ...form, ...credentials } }
}

export function exchange(
  codeVar = 'code',
  extra: Record<string, string> = {},
  clientId?: string,
): RequestSpec {
  return tokenForm(
    { grant_type: 'authorization_code', code: `{{${codeVar}}}`, redirect_uri: '{{redirectUri}}', ...extra },
    clientId === undefined ? 'post' : { clientId },
  )
}

/** Rotate the run's refresh-token chain (the live runner persists every rotation at once). */
export function refreshChain(): Step {
  return step(
    'refresh the run’s grant',
    tokenForm({ grant_type: 'refresh_token', refresh_token: '{{refreshToken}}' }),
    [status(200)],
    {
      capture: [
        { set: 'refreshToken', from: 'json', path: 'refresh_token' },
        { set: 'accessToken', from: 'json', path: 'access_token' },
      ],
    },
  )
}

export const control = {
  settings: (body: Record<string, unknown>): Step =>
    step('mock: apply settings', { method: 'POST', url: '{{controlUrl}}/__mock/settings', json: body }, [
      status(200),
    ]),
  advance: (seconds: number): Step =>
    step(
      `mock: advance the clock ${seconds} s`,
      { method: 'POST', url: '{{controlUrl}}/__mock/clock', json: { advanceSeconds: seconds } },
      [status(200)],
    ),
  /** Every check that advances the clock ends with this, so a run leaves the mock's time where it found it. */
  rewind: (seconds: number): Step =>
    step(
      `mock: move the clock back ${seconds} s`,
      { method: 'POST', url: '{{controlUrl}}/__mock/clock', json: { advanceSeconds: -seconds } },
      [status(200)],
    ),
}

export const bearer = { Authorization: 'Bearer {{accessToken}}' }

/** The refresh checks' own grant: the refresh client's, so a revoke-all there spares the run's grant. */
export function refreshClientGrant(): Step[] {
  return [
    obtainCode('code', { clientId: '{{refreshClientId}}' }),
    step('exchange', exchange('code', {}, '{{refreshClientId}}'), [status(200)], {
      capture: [{ set: 'rt1', from: 'json', path: 'refresh_token' }],
    }),
  ]
}

/** A refresh_token grant of the refresh client presenting `{{variable}}`. */
export function refreshAs(variable: string): RequestSpec {
  return tokenForm(
    { grant_type: 'refresh_token', refresh_token: `{{${variable}}}` },
    { clientId: '{{refreshClientId}}' },
  )
}

/** A refresh token no server issued: obviously fake, so no scanner mistakes it for a secret. */
export const BOGUS_REFRESH_TOKEN = 'not-a-real-refresh-token'
export const bogusRefresh = { grant_type: 'refresh_token', refresh_token: BOGUS_REFRESH_TOKEN }

/**
 * Not the client's secret, for requests refused for their format before any secret is read: a fake
 * one tests the same behaviour, and the real one never lands in a URL (RFC 6749 §2.3.1 forbids
 * credentials in the query) or in a non-form body an intermediary might log. The reports redact
 * every value sent as a secret, and any 16 characters of one: no run of ordinary words in it, or
 * the redaction cuts through report text (`fake-client-secret-…` redacted the source id
 * `duende-client-secret-validator`).
 */
export const FAKE_CLIENT_SECRET = 'fake~7Qx9~not~the~real~one'

/** The authorize error page: a 302 to /home/error with an errorId, never a code. */
export const errorPage = [
  status(302),
  { kind: 'location-origin-path', equals: '{{connectUrl}}/home/error' },
  { kind: 'location-param-matches', name: 'errorId', pattern: '^\\S+$' },
  { kind: 'location-param-absent', name: 'code' },
] as const

/** A refusal in Dinero's error format (dinero-api-errors): the status, the error body and its code. */
export const dineroError = (code: number, httpStatus = 400): Assertion[] => [
  status(httpStatus),
  { kind: 'schema', schema: 'DineroErrorBody' },
  { kind: 'json-path-equals', path: 'code', value: code },
]

/**
 * Creates a business contact (dinero-openapi ContactCreateModel: not a person, no CVR lookup) for
 * a document to be about; its ContactGuid lands in `{{into}}`. `fields` adds to the body (an Email).
 */
export function createContact(
  o: { title?: string; name?: string; into?: string; fields?: Record<string, unknown> } = {},
): Step {
  return step(
    o.title ?? 'create a contact',
    {
      method: 'POST',
      url: '{{apiUrl}}/v1/{{organizationId}}/contacts',
      headers: bearer,
      json: {
        Name: o.name ?? 'Conformance check ApS',
        CountryKey: 'DK',
        IsPerson: false,
        IsMember: false,
        UseCvr: false,
        ...o.fields,
      },
    },
    [status(200)],
    { capture: [{ set: o.into ?? 'contactGuid', from: 'json', path: 'ContactGuid' }] },
  )
}

/** Where a check keeps a draft invoice's Guid and its latest TimeStamp. */
export interface InvoiceVariables {
  guid: string
  timestamp: string
}
const INVOICE: InvoiceVariables = { guid: 'invoiceGuid', timestamp: 'invoiceTimestamp' }

/** POSTs a draft invoice of `json`, capturing its Guid and TimeStamp for the steps after it. */
export function createInvoice(
  title: string,
  json: Record<string, unknown>,
  expect: Assertion[] = [status(200)],
  into: InvoiceVariables = INVOICE,
): Step {
  return step(
    title,
    { method: 'POST', url: '{{apiUrl}}/v1/{{organizationId}}/invoices', headers: bearer, json },
    expect,
    {
      capture: [
        { set: into.guid, from: 'json', path: 'Guid' },
        { set: into.timestamp, from: 'json', path: 'TimeStamp' },
      ],
    },
  )
}

/** Books the draft invoice `createInvoice` made, with the Timestamp it answered (dinero-openapi). */
export function bookInvoice(
  expect: Assertion[] = [status(200)],
  from: InvoiceVariables = INVOICE,
  capture?: Capture[],
): Step {
  return step(
    'book it',
    {
      method: 'POST',
      url: `{{apiUrl}}/v1/{{organizationId}}/invoices/{{${from.guid}}}/book`,
      headers: bearer,
      json: { Timestamp: `{{${from.timestamp}}}` },
    },
    expect,
    capture === undefined ? {} : { capture },
  )
}
