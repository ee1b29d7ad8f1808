import { describe, expect, it } from 'vitest'
import type { DeviationId } from '../../mocks/deviations.ts'
import { CreatedResponseModel } from '../../mocks/dinero/contract/index.ts'
import { NON_PRO_ORGANISATION_ID, PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { DEFAULT_CLIENT_ID } from '../../mocks/options.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { dineroApi, tokenFor } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const contact = { Name: 'Deviation Kunde', CountryKey: 'DK', IsPerson: false, IsMember: false, UseCvr: false }

/** Each Dinero deviation makes the mock wrong in exactly the way it names. */
describe.each(TARGET_KINDS)('Dinero deviations (%s)', (kind) => {
  const withDeviation = (id: DeviationId, body: (target: Target) => Promise<void>) => async () => {
    const target = await startTarget(kind, {
      deviations: [id],
      clock: { frozen: true },
      dinero: { rateLimitPerMinute: 3 },
    })
    try {
      await body(target)
    } finally {
      await target.close()
    }
  }

  it(
    'dinero.ignore-fields: /v1/organizations answers Id, Name, IsPro whatever fields asks for; off → fields honoured',
    withDeviation('dinero.ignore-fields', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      const [deviated] = (await api.get('/v1/organizations?fields=email')).json<Record<string, unknown>[]>()
      expect(Object.keys(deviated ?? {})).toEqual(['Id', 'Name', 'IsPro'])
      target.mock.deviations.disable('dinero.ignore-fields')
      const [faithful] = (await api.get('/v1/organizations?fields=email')).json<Record<string, unknown>[]>()
      expect(Object.keys(faithful ?? {})).toEqual(['email'])
    }),
  )

  it(
    'dinero.skip-pro-check: an organisation without Pro answers 200; off → 403 code 90',
    withDeviation('dinero.skip-pro-check', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      expect((await api.get(`/v1/${NON_PRO_ORGANISATION_ID}/contacts`)).status).toBe(200)
      target.mock.deviations.disable('dinero.skip-pro-check')
      const faithful = await api.get(`/v1/${NON_PRO_ORGANISATION_ID}/contacts`)
      expect(faithful.status).toBe(403)
      expect(faithful.json().code).toBe(90)
    }),
  )

  it(
    'dinero.ignore-scopes: a read-only token may POST; off → 403 code 41',
    withDeviation('dinero.ignore-scopes', async (target) => {
      const api = dineroApi(target, await tokenFor(target, { scopes: ['dineropublicapi:read'] }))
      expect((await api.post(`/v1/${ORG}/contacts`, contact)).status).toBe(200)
      target.mock.deviations.disable('dinero.ignore-scopes')
      const faithful = await api.post(`/v1/${ORG}/contacts`, contact)
      expect(faithful.status).toBe(403)
      expect(faithful.json().code).toBe(41)
    }),
  )

  it(
    'dinero.paging-ignored: pageSize=5 still gives 100 rows; off → 5',
    withDeviation('dinero.paging-ignored', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      const rows = async () =>
        (await api.get(`/v1/${ORG}/contacts?pageSize=5`)).json<{ Collection: unknown[] }>().Collection.length
      expect(await rows()).toBe(100)
      target.mock.deviations.disable('dinero.paging-ignored')
      expect(await rows()).toBe(5)
    }),
  )

  it(
    'dinero.errors-pascal-case: error bodies use {Code, Message}; off → {code, message}',
    withDeviation('dinero.errors-pascal-case', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      expect((await api.get('/v1/999999/contacts')).json()).toHaveProperty('Code', 40)
      target.mock.deviations.disable('dinero.errors-pascal-case')
      expect((await api.get('/v1/999999/contacts')).json()).toHaveProperty('code', 40)
    }),
  )

  it(
    'dinero.no-token-expiry: an expired token is accepted; off → 401',
    withDeviation('dinero.no-token-expiry', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      target.mock.clock.advance(3601_000)
      expect((await api.get('/v1/organizations')).status).toBe(200)
      target.mock.deviations.disable('dinero.no-token-expiry')
      expect((await api.get('/v1/organizations')).status).toBe(401)
    }),
  )

  it(
    'dinero.no-token-expiry ignores expiry only: an expired token from before a reset or of a revoked grant stays 401',
    withDeviation('dinero.no-token-expiry', async (target) => {
      const beforeReset = dineroApi(target, await tokenFor(target))
      target.mock.control.reset()
      const revoked = dineroApi(target, await tokenFor(target))
      target.mock.control.lifecycle({ event: 'revoke-consent', clientId: DEFAULT_CLIENT_ID })
      const standing = dineroApi(target, await tokenFor(target))
      target.mock.clock.advance(3601_000)
      expect((await beforeReset.get('/v1/organizations')).status).toBe(401)
      expect((await revoked.get('/v1/organizations')).status).toBe(401)
      expect((await standing.get('/v1/organizations')).status).toBe(200)
    }),
  )

  it(
    'dinero.anonymous-access: no token is served as the default user; off → 401',
    withDeviation('dinero.anonymous-access', async (target) => {
      const api = dineroApi(target, undefined)
      expect((await api.get('/v1/organizations')).status).toBe(200)
      target.mock.deviations.disable('dinero.anonymous-access')
      expect((await api.get('/v1/organizations')).status).toBe(401)
    }),
  )

  it(
    'dinero.no-rate-limit: past the limit still 200; off → 429',
    withDeviation('dinero.no-rate-limit', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      for (let i = 0; i < 4; i++) expect((await api.get(`/v1/${ORG}/accounts/deposit`)).status).toBe(200)
      target.mock.deviations.disable('dinero.no-rate-limit')
      for (let i = 0; i < 3; i++) await api.get(`/v1/${ORG}/accounts/deposit`)
      expect((await api.get(`/v1/${ORG}/accounts/deposit`)).status).toBe(429)
    }),
  )

  it(
    'dinero.rate-limit-retry-after: the 429 carries Retry-After; off → 429 without it',
    withDeviation('dinero.rate-limit-retry-after', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      for (let i = 0; i < 3; i++) await api.get(`/v1/${ORG}/accounts/deposit`)
      const deviated = await api.get(`/v1/${ORG}/accounts/deposit`)
      expect(deviated.status).toBe(429)
      expect(deviated.headers.get('retry-after')).toBe('60')
      target.mock.deviations.disable('dinero.rate-limit-retry-after')
      expect((await api.get(`/v1/${ORG}/accounts/deposit`)).headers.get('retry-after')).toBeNull()
    }),
  )

  it(
    'dinero.unknown-route-json: an unknown route answers 404 JSON code 40 like a missing entity; off → HTML 404',
    withDeviation('dinero.unknown-route-json', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      const deviated = await api.get(`/v1/${ORG}/nonexistent`)
      expect(deviated.status).toBe(404)
      expect(deviated.json()).toEqual({ code: 40, message: 'Not found' })
      target.mock.deviations.disable('dinero.unknown-route-json')
      const faithful = await api.get(`/v1/${ORG}/nonexistent`)
      expect(faithful.headers.get('content-type')).toMatch(/^text\/html/)
    }),
  )

  it(
    'dinero.ignore-timestamp: a stale Timestamp is accepted; off → 400 code 58',
    withDeviation('dinero.ignore-timestamp', async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      const draft = {
        ProductLines: [
          { BaseAmountValue: 1, Quantity: 1, AccountNumber: 1000, Discount: 0, Description: 'x' },
        ],
      }
      const created = CreatedResponseModel.parse((await api.post(`/v1/${ORG}/invoices`, draft)).json())
      const stale = { ...draft, Timestamp: '0000000000000001' }
      expect((await api.put(`/v1.2/${ORG}/invoices/${created.Guid}`, stale)).status).toBe(200)
      target.mock.deviations.disable('dinero.ignore-timestamp')
      const faithful = await api.put(`/v1.2/${ORG}/invoices/${created.Guid}`, stale)
      expect(faithful.status).toBe(400)
      expect(faithful.json().code).toBe(58)
    }),
  )
})
