import { describe, expect, it } from 'vitest'
import { CreatedResponseModel, InvoiceReadModel } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { dineroError, dineroTarget, SAMPLE_LINE } from '../support/dinero-session.ts'

/**
 * Line pricing and the route gate (dinero-openapi: InvoiceReadModel, InvoiceLinesCreateModel):
 * a Text line carries no amount; with ShowLinesInclVat the line's BaseAmountValue includes VAT and
 * the excl.-VAT base is taken out of it; every organisation call is journalled with its
 * organisation; under deviation dinero.changes-since-ignored a list takes any changesSince and
 * lists everything.
 */
const ORG = PRO_ORGANISATION_ID

describe('line pricing and the route gate (in-process)', () => {
  const run = dineroTarget('in-process', { dinero: { rateLimitPerMinute: 0 } })

  const created = async (body: Record<string, unknown>) => {
    const reply = await run.api.post(`/v1/${ORG}/invoices`, body)
    expect(reply.status, reply.text).toBe(200)
    const guid = CreatedResponseModel.parse(reply.json()).Guid
    const read = await run.api.get(`/v1/${ORG}/invoices/${guid}`)
    expect(read.status, read.text).toBe(200)
    return InvoiceReadModel.parse(read.json())
  }

  it('a Text line (500 × 1 on account 1000) adds nothing: its amounts are 0, it keeps its AccountName, the totals are the product line’s (1,800 + 450 VAT)', async () => {
    const text = {
      LineType: 'Text',
      Description: 'Levering efter aftale',
      BaseAmountValue: 500,
      Quantity: 1,
      AccountNumber: 1000,
      Discount: 0,
    }
    const invoice = await created({ ProductLines: [SAMPLE_LINE, text] })
    expect(invoice).toMatchObject({ TotalExclVat: 1800, TotalVat: 450, TotalInclVat: 2250 })
    expect(invoice.ProductLines?.[1]).toMatchObject({
      LineType: 'Text',
      AccountName: 'Salg af varer/ydelser m/moms',
      BaseAmountValue: 0,
      BaseAmountValueInclVat: 0,
      TotalAmount: 0,
      TotalAmountInclVat: 0,
    })
  })

  it('ShowLinesInclVat: a line of 1,250 incl. 25 % VAT is 1,000 excl.: BaseAmountValue 1,000, totals 1,000 + 250 = 1,250', async () => {
    const line = {
      BaseAmountValue: 1250,
      Quantity: 1,
      AccountNumber: 1000,
      Discount: 0,
      Description: 'Ydelse',
    }
    const invoice = await created({ ShowLinesInclVat: true, ProductLines: [line] })
    expect(invoice).toMatchObject({ TotalExclVat: 1000, TotalVat: 250, TotalInclVat: 1250 })
    expect(invoice.ProductLines?.[0]).toMatchObject({
      BaseAmountValue: 1000,
      BaseAmountValueInclVat: 1250,
      TotalAmount: 1000,
      TotalAmountInclVat: 1250,
    })
  })

  it('an organisation call is journalled with its organizationId', async () => {
    const reply = await run.api.get(`/v1/${ORG}/invoices?fields=Guid`)
    expect(reply.status).toBe(200)
    const entry = run.target.mock.journal.entries({ service: 'dinero', method: 'GET' }).at(-1)
    expect(entry?.details).toMatchObject({ organizationId: ORG })
  })

  it('400 code 44 on a malformed changesSince; under dinero.changes-since-ignored 200 with every invoice', async () => {
    const path = `/v1/${ORG}/invoices?fields=Guid&pageSize=1000`
    const malformed = await run.api.get(`${path}&changesSince=yesterday`)
    expect(malformed.status).toBe(400)
    expect(dineroError(malformed).code).toBe(44)
    const all = (await run.api.get(path)).json<{ Collection: { Guid: string }[] }>().Collection
    run.target.mock.deviations.enable('dinero.changes-since-ignored')
    try {
      const ignored = await run.api.get(`${path}&changesSince=yesterday`)
      expect(ignored.status, ignored.text).toBe(200)
      expect(ignored.json<{ Collection: { Guid: string }[] }>().Collection).toEqual(all)
    } finally {
      run.target.mock.deviations.disable('dinero.changes-since-ignored')
    }
  })
})
