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
