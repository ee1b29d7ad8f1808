import { afterAll, beforeAll, expect } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { codeFlow } from '../../scripts/targets/oauth.ts'
import { type Reply, startTarget, type Target, type TargetKind } from '../../scripts/targets/targets.ts'
import { targetPerTest } from './target-per-test.ts'

/**
 * A Dinero API session the way an integrator gets one: the authorization code flow against the
 * mock's Visma Connect (consent accepted through `x-mock-consent`), then bearer calls to the API.
 */
/**
 * The invoice or trade-offer line the Dinero specs create documents with: 2 hours at 1,000 with
 * 10 % off, account 1000 (2,000 − 200 = 1,800 excl. VAT).
 */
export const SAMPLE_LINE = {
  BaseAmountValue: 1000,
  Quantity: 2,
  AccountNumber: 1000,
  Discount: 10,
  Description: 'Rådgivning',
  Unit: 'hours',
} as const

/** A ledger item as create, update and book answer it (dinero-openapi LedgerItemReadModel). */
export interface LedgerItem {
  Id: string
  Version: string
}

/** A ledger item as /ledgeritems/status answers it: its status and, once booked, its number. */
export interface LedgerItemStatus extends LedgerItem {
  Status: string
  VoucherNumber: number | null
}

/**
 * An entry as /entries and /entries/changes answer it (dinero-openapi EntryReadModel; Date,
 * EntryGuid and Type, nullable in the model, are always set by the mock's ledger).
 */
export interface LedgerEntry {
  AccountNumber: number
  AccountName: string | null
  Date: string
  VoucherNumber: number | null
  VoucherGuid: string | null
  VoucherType: string | null
  Description: string | null
  VatCode: string | null
  Amount: number
  EntryGuid: string
  Type: string
}

/** A manual voucher as create, update and book answer it (dinero-openapi ManuelVoucherReadModel). */
export interface ManualVoucher {
  Guid: string
  Timestamp: string
  Status: string
  VoucherNumber: number | null
}

/** A Dinero error reply's body, checked against the error model (dinero-api-errors). */
export const dineroError = (reply: Reply) => DineroErrorBody.parse(reply.json())

/** `reply`, once its status is 200 (the start of its body in the message when not). */
export const ok = (reply: Reply): Reply => {
  expect(reply.status, reply.text.slice(0, 300)).toBe(200)
  return reply
}

export const ALL_SCOPES = ['dineropublicapi:read', 'dineropublicapi:write'] as const

export async function tokenFor(
  target: Target,
  options: { scopes?: readonly string[] } = {},
): Promise<string> {
  const scopes = ['openid', ...(options.scopes ?? ALL_SCOPES), 'offline_access']
  return (await codeFlow(target, { scope: scopes.join(' '), state: 's' })).access_token
}

export interface DineroApi {
  get(path: string, headers?: Record<string, string>): Promise<Reply>
  post(path: string, body?: unknown): Promise<Reply>
  put(path: string, body?: unknown): Promise<Reply>
  delete(path: string, body?: unknown): Promise<Reply>
  /** A body sent as is (for malformed JSON). */
  raw(method: string, path: string, body: string): Promise<Reply>
}

/** Calls to the Dinero API with `token` (or none, when undefined). */
export function dineroApi(target: Target, token: string | undefined): DineroApi {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
  const send = (method: string, path: string, body?: string) =>
    target.call('api', path, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    })
  const encode = (body: unknown) => (body === undefined ? undefined : JSON.stringify(body))
  return {
    get: (path, headers = {}) => target.call('api', path, { headers: { ...auth, ...headers } }),
    post: (path, body) => send('POST', path, encode(body)),
    put: (path, body) => send('PUT', path, encode(body)),
    delete: (path, body) => send('DELETE', path, encode(body)),
    raw: (method, path, body) => send(method, path, body),
  }
}

export async function dineroSession(
  target: Target,
  options: { scopes?: readonly string[] } = {},
): Promise<DineroApi> {
  return dineroApi(target, await tokenFor(target, options))
}

type StartOptions = NonNullable<Parameters<typeof startTarget>[1]>

/** A describe block's target and its full-scope session; read them inside tests and hooks. */
export interface DineroTarget {
  readonly target: Target
  readonly token: string
  readonly api: DineroApi
  /** A new session, for when the mock clock has moved past the access token's lifetime. */
  renew(): Promise<void>
}

/**
 * For a describe block: a fresh mock of this kind (with `options`, e.g. the rate limit off for a
 * property run's hundreds of calls) with a full-scope session, started before the block's tests
 * and closed after them.
 */
export function dineroTarget(kind: TargetKind, options: StartOptions = {}): DineroTarget {
  let state: { target: Target; token: string; api: DineroApi } | undefined
  beforeAll(async () => {
    const target = await startTarget(kind, options)
    const token = await tokenFor(target)
    state = { target, token, api: dineroApi(target, token) }
  })
  afterAll(() => state?.target.close())
  const started = () => {
    if (state === undefined) throw new Error('dineroTarget: the target starts in beforeAll')
    return state
  }
  return {
    get target() {
      return started().target
    },
    get token() {
      return started().token
    },
    get api() {
      return started().api
    },
    async renew() {
      const now = started()
      now.token = await tokenFor(now.target)
      now.api = dineroApi(now.target, now.token)
    },
  }
}

/** `dineroTarget`'s session as an API of its own, for blocks that only call Dinero. */
export function dineroSuite(kind: TargetKind, options: StartOptions = {}): DineroApi {
  const run = dineroTarget(kind, options)
  return {
    get: (path, headers) => run.api.get(path, headers),
    post: (path, body) => run.api.post(path, body),
    put: (path, body) => run.api.put(path, body),
    delete: (path, body) => run.api.delete(path, body),
    raw: (method, path, body) => run.api.raw(method, path, body),
  }
}

/**
 * For a file whose every test needs a target of its own, so each request belongs to the test that
 * asserts on it (Stryker credits a `beforeAll` request to the first test only): the returned
 * function starts a frozen-clock target of `kind` with `options` and a full-scope session, runs
 * `run` with them, and the target closes after that test.
 */
export function dineroPerTest(
  kind: TargetKind,
  options: StartOptions = {},
): (run: (api: DineroApi, target: Target) => Promise<void>) => Promise<void> {
  const start = targetPerTest(kind)
  return async (run) => {
    const target = await start(options)
    await run(await dineroSession(target), target)
  }
}
