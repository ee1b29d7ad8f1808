import { describe, expect, it } from 'vitest'
import {
  CreatedPaymentResponse,
  CreatedResponseModel,
  InvoicePaymentsModel,
  InvoiceReadModel,
} from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { dineroError, dineroTarget, SAMPLE_LINE } from '../support/dinero-session.ts'
import { readPdf } from '../support/pdf-check.ts'

/**
 * Invoice edges (dinero-openapi: Invoices, Reminders; dinero-api-errors): payment terms and the due
 * date they give, the defaults a bare create body takes, payment status from the payments
 * (RemainderIsFee, overpaid), deleting one payment of several, the error codes and messages of a
 * duplicate Guid, an unknown member, an unknown or deleted invoice or payment, a draft's PDF, and
 * the reminder fee and interest an invoice carries. Each request is made inside the test that
 * judges it (docs/MUTATION.md).
 */
const ORG = PRO_ORGANISATION_ID
/** Seeded contact 1: Netto, 8 days; seeded contact 3: Netto, 14 days. */
const CONTACT = seededGuid(`${ORG}:contact:1`)
const CONTACT_14_DAYS = seededGuid(`${ORG}:contact:3`)
/** A frozen clock (2026-06-15), so due dates and overdue-ness do not move with the day the suite runs. */
const NOW = Date.UTC(2026, 5, 15, 12)
/** SAMPLE_LINE on account 1000 (U25): 1,800 excl. VAT, 2,250 incl. */
const TOTAL = 2250

describe('invoice edges (in-process)', () => {
  const run = dineroTarget('in-process', { clock: { start: NOW }, dinero: { rateLimitPerMinute: 0 } })

  const create = async (body: Record<string, unknown>) => {
    const reply = await run.api.post(`/v1/${ORG}/invoices`, { ProductLines: [SAMPLE_LINE], ...body })
    expect(reply.status, reply.text).toBe(200)
    const created = CreatedResponseModel.parse(reply.json())
    return { guid: created.Guid, stamp: created.TimeStamp ?? '' }
  }
  const read = async (guid: string) => {
    const reply = await run.api.get(`/v1/${ORG}/invoices/${guid}`)
    expect(reply.status, reply.text).toBe(200)
    return InvoiceReadModel.parse(reply.json())
  }
  const booked = async (body: Record<string, unknown> = {}) => {
    const draft = await create({ ContactGuid: CONTACT, ...body })
    const reply = await run.api.post(`/v1/${ORG}/invoices/${draft.guid}/book`, { Timestamp: draft.stamp })
    expect(reply.status, reply.text).toBe(200)
    const invoice = InvoiceReadModel.parse(reply.json())
    return { guid: draft.guid, stamp: invoice.TimeStamp ?? '', number: invoice.Number }
  }
  const pay = async (guid: string, stamp: string, Amount: number, RemainderIsFee = false) => {
    const reply = await run.api.post(`/v1/${ORG}/invoices/${guid}/payments`, {
      Timestamp: stamp,
      DepositAccountNumber: 55000,
      RemainderIsFee,
      Description: 'Indbetaling',
      Amount,
      PaymentDate: '2026-06-15',
    })
    expect(reply.status, reply.text).toBe(200)
    const payment = CreatedPaymentResponse.parse(reply.json())
    return { paymentGuid: payment.Guid, stamp: payment.TimeStamp ?? '' }
  }
  const payments = async (guid: string) => {
    const reply = await run.api.get(`/v2/${ORG}/invoices/${guid}/payments`)
    expect(reply.status, reply.text).toBe(200)
    return InvoicePaymentsModel.parse(reply.json())
  }

  it('a bare draft (no contact, no terms, no texts) reads back Draft, Netto 8 days, due 8 days after its Date, DKK, da-DK, described "Faktura", MobilePay and PensoPay off', async () => {
    const { guid } = await create({ Date: '2026-03-10' })
    expect(await read(guid)).toMatchObject({
      Status: 'Draft',
      PaymentStatus: 'Draft',
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 8,
      PaymentDate: '2026-03-18',
      Currency: 'DKK',
      Language: 'da-DK',
      Description: 'Faktura',
      IsMobilePayInvoiceEnabled: false,
      IsPensoPayEnabled: false,
      ContactGuid: null,
    })
  })

  it('an en-GB draft without a Description is described "Invoice"', async () => {
    const { guid } = await create({ Language: 'en-GB' })
    expect(await read(guid)).toMatchObject({ Language: 'en-GB', Description: 'Invoice' })
  })

  it('Netto with PaymentConditionNumberOfDays 14 in the body and no contact: 14 days, due 14 days after the Date', async () => {
    const { guid } = await create({
      Date: '2026-03-10',
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 14,
    })
    expect(await read(guid)).toMatchObject({
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 14,
      PaymentDate: '2026-03-24',
    })
  })

  it('a draft without terms takes its contact’s (seeded contact 3: Netto, 14 days)', async () => {
    const { guid } = await create({ Date: '2026-03-10', ContactGuid: CONTACT_14_DAYS })
    expect(await read(guid)).toMatchObject({
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 14,
      PaymentDate: '2026-03-24',
    })
  })

  it('CurrentMonthOut 8 days on 2026-02-10: due 8 days after the end of February (2026-03-08), the type kept as sent', async () => {
    const { guid } = await create({
      Date: '2026-02-10',
      PaymentConditionType: 'CurrentMonthOut',
      PaymentConditionNumberOfDays: 8,
    })
    expect(await read(guid)).toMatchObject({
      PaymentConditionType: 'CurrentMonthOut',
      PaymentConditionNumberOfDays: 8,
      PaymentDate: '2026-03-08',
    })
  })

  it('NettoCash with 14 days in the body: 0 days, due on its own Date', async () => {
    const { guid } = await create({
      Date: '2026-03-10',
      PaymentConditionType: 'NettoCash',
      PaymentConditionNumberOfDays: 14,
    })
    expect(await read(guid)).toMatchObject({
      PaymentConditionType: 'NettoCash',
      PaymentConditionNumberOfDays: 0,
      PaymentDate: '2026-03-10',
    })
  })

  it('Paid with 14 days in the body: 0 days, due on its own Date', async () => {
    const { guid } = await create({
      Date: '2026-03-10',
      PaymentConditionType: 'Paid',
      PaymentConditionNumberOfDays: 14,
    })
    expect(await read(guid)).toMatchObject({
      PaymentConditionType: 'Paid',
      PaymentConditionNumberOfDays: 0,
      PaymentDate: '2026-03-10',
    })
  })

  it('400 code 42 on POST with a Guid already used: validationErrors.Guid "An invoice with this Guid already exists"', async () => {
    const { guid } = await create({})
    const reply = await run.api.post(`/v1/${ORG}/invoices`, { Guid: guid, ProductLines: [SAMPLE_LINE] })
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toEqual({
      code: 42,
      message: 'Validation Error',
      validationErrors: { Guid: 'An invoice with this Guid already exists' },
    })
  })

  it('POST with a Guid creates the invoice under that Guid and journals it as invoiceGuid', async () => {
    const wanted = '3f1c6a52-8d0e-4c1b-9a57-0c2f1e9b7d11'
    const { guid } = await create({ Guid: wanted })
    expect(guid).toBe(wanted)
    const entry = run.target.mock.journal.entries({ service: 'dinero', method: 'POST' }).at(-1)
    expect(entry?.details).toMatchObject({ invoiceGuid: wanted })
  })

  it('400 code 42 on POST with a member InvoiceCreateModel does not have: "Could not find member … on object of type \'InvoiceCreateModel\'"', async () => {
    const reply = await run.api.post(`/v1/${ORG}/invoices`, { ProductLines: [SAMPLE_LINE], Colour: 'red' })
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({
      code: 42,
      validationErrors: { Colour: "Could not find member 'Colour' on object of type 'InvoiceCreateModel'." },
    })
  })

  it('200 on GET /v1/:org/invoices lists a new draft', async () => {
    const { guid } = await create({ Description: 'listed' })
    const reply = await run.api.get(`/v1/${ORG}/invoices?fields=Guid,Description&pageSize=1000`)
    expect(reply.status).toBe(200)
    const list = reply.json<{ Collection: { Guid: string; Description: string }[] }>().Collection
    expect(list).toContainEqual({ Guid: guid, Description: 'listed' })
  })

  it('404 code 40 "Invoice was not found" on GET of an unknown invoice', async () => {
    const reply = await run.api.get(`/v1/${ORG}/invoices/0b7e3c55-0000-4000-8000-000000000000`)
    expect(reply.status).toBe(404)
    expect(dineroError(reply)).toMatchObject({ code: 40, message: 'Invoice was not found' })
  })

  it('400 code 59 "Voucher not booked: a PDF needs a booked invoice" on GET of a draft as a PDF', async () => {
    const { guid } = await create({})
    const reply = await run.api.get(`/v1/${ORG}/invoices/${guid}`, { accept: 'application/pdf' })
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toEqual({
      code: 59,
      message: 'Voucher not booked: a PDF needs a booked invoice',
    })
  })

  it('200 PDF of a booked invoice titled "Faktura <number>" in da-DK and "Invoice <number>" in en-GB', async () => {
    const pdfTitle = async (guid: string) => {
      const res = await fetch(`${run.target.api}/v1/${ORG}/invoices/${guid}`, {
        headers: { authorization: `Bearer ${run.token}`, accept: 'application/pdf' },
      })
      expect(res.status).toBe(200)
      return readPdf(new Uint8Array(await res.arrayBuffer())).title
    }
    const danish = await booked({})
    expect(await pdfTitle(danish.guid)).toBe(`Faktura ${danish.number}`)
    const english = await booked({ Language: 'en-GB' })
    expect(await pdfTitle(english.guid)).toBe(`Invoice ${english.number}`)
  })

  it('200 on DELETE /v1/:org/invoices/:guid of a draft: gone from the list; its payments then answer 404 code 65 naming InvoiceGuid', async () => {
    const { guid, stamp } = await create({})
    const deleted = await run.api.delete(`/v1/${ORG}/invoices/${guid}`, { Timestamp: stamp })
    expect(deleted.status).toBe(200)
    const list = (await run.api.get(`/v1/${ORG}/invoices?fields=Guid&pageSize=1000`))
      .json<{ Collection: { Guid: string }[] }>()
      .Collection.map((i) => i.Guid)
    expect(list).not.toContain(guid)
    const reply = await run.api.delete(`/v1/${ORG}/invoices/${guid}/payments/${guid}`, { Timestamp: stamp })
    expect(reply.status).toBe(404)
    expect(dineroError(reply)).toMatchObject({
      code: 65,
      validationErrors: { message: 'Invalid InvoiceGuid, the item is deleted.' },
    })
  })

  it('OverPaid when the payments exceed the total (3,000 on 2,250)', async () => {
    const invoice = await booked({})
    await pay(invoice.guid, invoice.stamp, 3000)
    expect((await read(invoice.guid)).PaymentStatus).toBe('OverPaid')
  })

  it('a part payment leaves the invoice Booked with RemainingAmount total − paid; a later payment with RemainderIsFee makes it Paid with RemainingAmount 0', async () => {
    const invoice = await booked({ Date: '2026-06-10' })
    const first = await pay(invoice.guid, invoice.stamp, 1000)
    expect((await read(invoice.guid)).PaymentStatus).toBe('Booked')
    expect(await payments(invoice.guid)).toMatchObject({
      PaidAmount: 1000,
      RemainingAmount: TOTAL - 1000,
      InvoiceTotalIncludingReminderExpenses: TOTAL,
      RemainderAsFeeAvailable: true,
    })
    await pay(invoice.guid, first.stamp, 500, true)
    expect((await read(invoice.guid)).PaymentStatus).toBe('Paid')
    expect(await payments(invoice.guid)).toMatchObject({ PaidAmount: 1500, RemainingAmount: 0 })
  })

  it('200 on DELETE …/payments/:paymentGuid of one of two payments: only that one goes (Guid matched in any case); an unknown one → 404 code 40 "Payment was not found"', async () => {
    const invoice = await booked({})
    const first = await pay(invoice.guid, invoice.stamp, 1000)
    const second = await pay(invoice.guid, first.stamp, 250)
    const path = `/v1/${ORG}/invoices/${invoice.guid}/payments`
    const unknown = await run.api.delete(`${path}/${invoice.guid}`, { Timestamp: second.stamp })
    expect(unknown.status).toBe(404)
    expect(dineroError(unknown)).toMatchObject({ code: 40, message: 'Payment was not found' })
    const deleted = await run.api.delete(`${path}/${first.paymentGuid.toUpperCase()}`, {
      Timestamp: second.stamp,
    })
    expect(deleted.status, deleted.text).toBe(200)
    const left = await payments(invoice.guid)
    expect(left.Payments?.map((p) => p.Guid)).toEqual([second.paymentGuid])
    expect(left).toMatchObject({ PaidAmount: 250, RemainingAmount: TOTAL - 250 })
  })

  it('400 code 42 on DELETE …/payments/:paymentGuid with a member RequiredTimestampObject does not have', async () => {
    const invoice = await booked({})
    const payment = await pay(invoice.guid, invoice.stamp, 100)
    const reply = await run.api.delete(
      `/v1/${ORG}/invoices/${invoice.guid}/payments/${payment.paymentGuid}`,
      {
        Timestamp: payment.stamp,
        Colour: 'red',
      },
    )
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({
      code: 42,
      validationErrors: {
        Colour: "Could not find member 'Colour' on object of type 'RequiredTimestampObject'.",
      },
    })
  })

  it('the next reminder of an overdue invoice charges its ReminderFee (50) and ReminderInterestRate (2 % a started month: 6 months on 2,250 = 270)', async () => {
    // Due 2026-01-09 (Netto 8); on 2026-06-15 that is 157 days, 6 started months of 30 days.
    const invoice = await booked({ Date: '2026-01-01', ReminderFee: 50, ReminderInterestRate: 2 })
    const reply = await run.api.get(`/v1/${ORG}/invoices/${invoice.guid}/reminders/next`)
    expect(reply.status, reply.text).toBe(200)
    expect(reply.json()).toMatchObject({ FeeAmount: 50, InterestAmount: 270 })
  })
})
