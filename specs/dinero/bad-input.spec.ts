import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroSession } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const errorOf = (text: string) => DineroErrorBody.parse(JSON.parse(text))
const contact = { Name: 'Strict Kunde', CountryKey: 'DK', IsPerson: false, IsMember: false, UseCvr: false }

/**
 * dinero-openapi, dinero-api-errors: request models are additionalProperties:false; bad bodies store nothing.
 */
describe.each(TARGET_KINDS)('Dinero request bodies (%s)', (kind) => {
  let target: Target
  let api: DineroApi
  const contactCount = () => target.mock.store.dinero.contacts(ORG).all().length
  const invoiceCount = () => target.mock.store.dinero.invoices(ORG).all().length
  beforeAll(async () => {
    target = await startTarget(kind)
    api = await dineroSession(target)
  })
  afterAll(() => target.close())

  it('400 code 44 for a body that is not JSON, and nothing is stored', async () => {
    const before = contactCount()
    const reply = await api.raw('POST', `/v1/${ORG}/contacts`, '{"Name": "half')
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(44)
    expect(contactCount()).toBe(before)
  })

  it('400 code 42 for an unknown property, naming it in validationErrors, and nothing is stored', async () => {
    const before = contactCount()
    const reply = await api.post(`/v1/${ORG}/contacts`, { ...contact, Nickname: 'x' })
    expect(reply.status).toBe(400)
    const error = errorOf(reply.text)
    expect(error.code).toBe(42)
    expect(error.validationErrors).toHaveProperty('Nickname')
    expect(contactCount()).toBe(before)
  })

  it('400 code 42 for a wrong type and for a missing required property, one entry each', async () => {
    const reply = await api.post(`/v1/${ORG}/contacts`, {
      Name: 'X',
      CountryKey: 'DK',
      IsPerson: 'yes',
      IsMember: false,
    })
    expect(reply.status).toBe(400)
    expect(Object.keys(errorOf(reply.text).validationErrors ?? {}).sort()).toEqual(['IsPerson', 'UseCvr'])
  })

  it('400 code 42 for a read-model name in an invoice line (ProductLines[0].TotalAmount), nothing stored', async () => {
    const before = invoiceCount()
    const reply = await api.post(`/v1/${ORG}/invoices`, {
      ProductLines: [
        {
          BaseAmountValue: 1,
          Quantity: 1,
          AccountNumber: 1000,
          Discount: 0,
          Description: 'x',
          TotalAmount: 1,
        },
      ],
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).validationErrors).toHaveProperty(['ProductLines[0].TotalAmount'])
    expect(invoiceCount()).toBe(before)
  })

  it('400 code 42 for an empty body on a create', async () => {
    const reply = await api.post(`/v1/${ORG}/contacts`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(42)
  })

  it('400 code 42 for an account number that does not exist', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices`, {
      ProductLines: [{ BaseAmountValue: 1, Quantity: 1, AccountNumber: 9999, Discount: 0, Description: 'x' }],
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).validationErrors).toHaveProperty(['ProductLines[0].AccountNumber'])
  })
})

/** apaq-dinero-error-handler, dinero-api-errors: no such endpoint is not the same answer as no such entity. */
describe.each(TARGET_KINDS)('Dinero unknown routes (%s)', (kind) => {
  let target: Target
  let api: DineroApi
  beforeAll(async () => {
    target = await startTarget(kind)
    api = await dineroSession(target)
  })
  afterAll(() => target.close())

  it.each([`/v1/${ORG}/nonexistent`, `/v1/${ORG}/contacts/a/b/c`, '/v9/organizations'])(
    'GET %s (no such route) → 404 text/html, not JSON code 40',
    async (path) => {
      const reply = await api.get(path)
      expect(reply.status).toBe(404)
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/)
      expect(() => JSON.parse(reply.text)).toThrow()
    },
  )

  it('GET a missing invoice on a known route → 404 JSON code 40, unlike an unknown route', async () => {
    const reply = await api.get(`/v1/${ORG}/invoices/00000000-0000-0000-0000-000000000000`)
    expect(reply.status).toBe(404)
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/)
    expect(errorOf(reply.text).code).toBe(40)
  })

  it('a known route with a method it does not take → 405 code 45, not a 404', async () => {
    const reply = await api.raw('PATCH', `/v1/${ORG}/contacts`, '{}')
    expect(reply.status).toBe(405)
    expect(errorOf(reply.text).code).toBe(45)
  })
})
