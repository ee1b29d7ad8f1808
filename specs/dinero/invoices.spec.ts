import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  CreatedPaymentResponse,
  CreatedResponseModel,
  collectionOf,
  DineroErrorBody,
  InvoicePaymentsModel,
  InvoiceReadModel,
  UpdatedResponseModel,
} from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroSuite, SAMPLE_LINE } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:1`)
const errorOf = (text: string) => DineroErrorBody.parse(JSON.parse(text))
const line = SAMPLE_LINE
const draft = { ContactGuid: CONTACT, Date: '2026-01-15', ProductLines: [line] }

/** dinero-openapi, dinero-api-errors: draft → update (Timestamp) → book → payments; booked is final. */
describe.each(TARGET_KINDS)('invoice lifecycle (%s)', (kind) => {
  const api = dineroSuite(kind)
  let guid: string
  let stamp: string

  it('200 on POST /v1/:org/invoices creates a draft and returns {Guid, TimeStamp} (16 hex digits)', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices`, draft)
    expect(reply.status).toBe(200)
    const created = CreatedResponseModel.parse(reply.json())
    expect(created.TimeStamp).toMatch(/^[0-9A-F]{16}$/)
    guid = created.Guid
    stamp = created.TimeStamp ?? ''
  })

  it('200 on GET /v1/:org/invoices/:guid: InvoiceReadModel, Draft, TimeStamp (capital S), amounts derived', async () => {
    const reply = await api.get(`/v1/${ORG}/invoices/${guid}`)
    expect(reply.status).toBe(200)
    const invoice = InvoiceReadModel.parse(reply.json())
    expect(invoice).toMatchObject({ Guid: guid, Status: 'Draft', TimeStamp: stamp, ContactGuid: CONTACT })
    expect(invoice).not.toHaveProperty('Timestamp')
    expect(invoice).toMatchObject({ TotalExclVat: 1800, TotalVat: 450, TotalInclVat: 2250 })
    expect(reply.text).toContain('"Number":9223372036854775807')
  })

  it('400 code 45 on POST without product lines', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices`, { ...draft, ProductLines: [] })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text)).toMatchObject({
      code: 45,
      message: 'Invoices must have at least one invoice line',
    })
  })

  it('200 on PUT /v1.2/:org/invoices/:guid with the current Timestamp: a new, larger TimeStamp', async () => {
    const reply = await api.put(`/v1.2/${ORG}/invoices/${guid}`, {
      ...draft,
      Timestamp: stamp,
      Description: 'Faktura for januar',
    })
    expect(reply.status).toBe(200)
    const updated = UpdatedResponseModel.parse(reply.json())
    expect(updated.Guid).toBe(guid)
    expect(BigInt(`0x${updated.TimeStamp}`) > BigInt(`0x${stamp}`)).toBe(true)
    const previous = stamp
    stamp = updated.TimeStamp ?? ''
    // The old one is stale now.
    const stale = await api.put(`/v1.2/${ORG}/invoices/${guid}`, { ...draft, Timestamp: previous })
    expect(stale.status).toBe(400)
    expect(errorOf(stale.text).code).toBe(58)
  })

  it('400 code 58 on PUT with a stale Timestamp, and the invoice is unchanged', async () => {
    const reply = await api.put(`/v1.2/${ORG}/invoices/${guid}`, {
      ...draft,
      Timestamp: '0000000000000001',
      Description: 'should not stick',
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(58)
    const invoice = InvoiceReadModel.parse((await api.get(`/v1/${ORG}/invoices/${guid}`)).json())
    expect(invoice).toMatchObject({ Description: 'Faktura for januar', TimeStamp: stamp })
  })

  it('400 code 42 on book without a ContactGuid', async () => {
    const created = CreatedResponseModel.parse(
      (await api.post(`/v1/${ORG}/invoices`, { ProductLines: [line] })).json(),
    )
    const reply = await api.post(`/v1/${ORG}/invoices/${created.Guid}/book`, { Timestamp: created.TimeStamp })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text)).toMatchObject({
      code: 42,
      validationErrors: { ContactGuid: expect.any(String) },
    })
  })

  it('400 code 59 on a payment to a draft invoice', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices/${guid}/payments`, {
      Timestamp: stamp,
      DepositAccountNumber: 55000,
      RemainderIsFee: false,
      Description: 'Indbetaling',
      Amount: 100,
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(59)
  })

  it('200 on POST …/book: Booked, the next invoice number (seed booked 1–6 → 7), a new TimeStamp', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices/${guid}/book`, { Timestamp: stamp })
    expect(reply.status).toBe(200)
    const invoice = InvoiceReadModel.parse(reply.json())
    expect(invoice).toMatchObject({ Status: 'Booked', Number: 7, PaymentStatus: expect.any(String) })
    expect(invoice.TimeStamp).not.toBe(stamp)
    stamp = invoice.TimeStamp ?? ''
  })

  it('400 code 45 on PUT of a booked invoice', async () => {
    const reply = await api.put(`/v1.2/${ORG}/invoices/${guid}`, { ...draft, Timestamp: stamp })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(45)
  })

  it('400 code 45 on DELETE of a booked invoice', async () => {
    const reply = await api.delete(`/v1/${ORG}/invoices/${guid}`, { Timestamp: stamp })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(45)
    expect((await api.get(`/v1/${ORG}/invoices/${guid}`)).status).toBe(200)
  })

  it('400 code 58 on a payment with a stale Timestamp', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices/${guid}/payments`, {
      Timestamp: '0000000000000001',
      DepositAccountNumber: 55000,
      RemainderIsFee: false,
      Description: 'Indbetaling',
      Amount: 2250,
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(58)
  })

  it('200 on POST …/payments of the full amount: CreatedPaymentResponse, invoice Paid, listed in /v2 payments', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices/${guid}/payments`, {
      Timestamp: stamp,
      DepositAccountNumber: 55000,
      RemainderIsFee: false,
      Description: 'Indbetaling',
      Amount: 2250,
      PaymentDate: '2026-01-20',
    })
    expect(reply.status).toBe(200)
    const payment = CreatedPaymentResponse.parse(reply.json())
    const payments = await api.get(`/v2/${ORG}/invoices/${guid}/payments`)
    expect(payments.status).toBe(200)
    expect(InvoicePaymentsModel.parse(payments.json())).toMatchObject({
      PaidAmount: 2250,
      RemainingAmount: 0,
      Payments: [{ Guid: payment.Guid, Amount: 2250, DepositAccountNumber: 55000 }],
    })
    const invoice = InvoiceReadModel.parse((await api.get(`/v1/${ORG}/invoices/${guid}`)).json())
    expect(invoice.PaymentStatus).toBe('Paid')
    expect(invoice.TimeStamp).toBe(payment.TimeStamp)
  })

  it('200 on GET /v1/:org/invoices?statusFilter=Paid lists the paid invoice, Draft does not', async () => {
    const listOf = async (status: string) =>
      collectionOf(z.strictObject({ Guid: z.guid(), Status: z.string(), Number: z.number() })).parse(
        (await api.get(`/v1/${ORG}/invoices?statusFilter=${status}&fields=Guid,Status,Number`)).json(),
      ).Collection ?? []
    const paid = await listOf('Paid')
    expect(paid.map((i) => i.Guid)).toContain(guid)
    expect(paid.every((i) => i.Status === 'Paid')).toBe(true)
    const drafts = await listOf('Draft')
    expect(drafts.length).toBeGreaterThan(0)
    expect(drafts.map((i) => i.Guid)).not.toContain(guid)
    const both = await listOf('Draft,Paid')
    expect(both.length).toBe(paid.length + drafts.length)
  })

  it('200 on DELETE of a draft with its Timestamp: gone from the list, shown with deletedOnly=true', async () => {
    const created = CreatedResponseModel.parse((await api.post(`/v1/${ORG}/invoices`, draft)).json())
    const stale = await api.delete(`/v1/${ORG}/invoices/${created.Guid}`, { Timestamp: '0000000000000001' })
    expect(stale.status).toBe(400)
    expect(errorOf(stale.text).code).toBe(58)
    expect(
      (await api.delete(`/v1/${ORG}/invoices/${created.Guid}`, { Timestamp: created.TimeStamp })).status,
    ).toBe(200)
    const guids = async (q: string) =>
      (await api.get(`/v1/${ORG}/invoices?fields=Guid&pageSize=1000${q}`))
        .json<{ Collection: { Guid: string }[] }>()
        .Collection.map((i) => i.Guid)
    expect(await guids('')).not.toContain(created.Guid)
    expect(await guids('&deletedOnly=true')).toContain(created.Guid)
  })

  it('200 on DELETE …/payments/:paymentGuid with the invoice’s Timestamp: the payment and its bank entry go, the invoice is unpaid again; unknown payment → 404 code 40, stale → 400 code 58', async () => {
    const created = CreatedResponseModel.parse((await api.post(`/v1/${ORG}/invoices`, draft)).json())
    const booked = (
      await api.post(`/v1/${ORG}/invoices/${created.Guid}/book`, { Timestamp: created.TimeStamp })
    ).json<{ TimeStamp: string }>()
    const paid = CreatedPaymentResponse.parse(
      (
        await api.post(`/v1/${ORG}/invoices/${created.Guid}/payments`, {
          Timestamp: booked.TimeStamp,
          DepositAccountNumber: 55000,
          RemainderIsFee: false,
          Description: 'Indbetaling',
          Amount: 2250,
          PaymentDate: '2026-01-20',
        })
      ).json(),
    )
    const bankEntries = async () =>
      (await api.get(`/v1/${ORG}/entries?fromDate=2026-01-01&toDate=2026-12-31&includePrimo=false`))
        .json<{ AccountNumber: number; VoucherGuid?: string | null }[]>()
        .filter((e) => e.AccountNumber === 55000 && e.VoucherGuid?.toLowerCase() === paid.Guid.toLowerCase())
    expect(await bankEntries()).toHaveLength(1)
    const path = `/v1/${ORG}/invoices/${created.Guid}/payments`
    const unknown = await api.delete(`${path}/${created.Guid}`, { Timestamp: paid.TimeStamp })
    expect([unknown.status, errorOf(unknown.text).code]).toEqual([404, 40])
    const stale = await api.delete(`${path}/${paid.Guid}`, { Timestamp: booked.TimeStamp })
    expect([stale.status, errorOf(stale.text).code]).toEqual([400, 58])
    const deleted = await api.delete(`${path}/${paid.Guid}`, { Timestamp: paid.TimeStamp })
    expect(deleted.status).toBe(200)
    expect(deleted.json<{ TimeStamp: string }>().TimeStamp).toMatch(/^[0-9A-F]{16}$/)
    expect(
      InvoicePaymentsModel.parse((await api.get(`/v2/${ORG}/invoices/${created.Guid}/payments`)).json()),
    ).toMatchObject({
      PaidAmount: 0,
      RemainingAmount: 2250,
      Payments: [],
    })
    expect(await bankEntries()).toEqual([])
  })
})

/** dinero-openapi: the invoice list's parameters. */
describe.each(TARGET_KINDS)('GET /v1/:org/invoices parameters (%s)', (kind) => {
  const api = dineroSuite(kind)

  it('200 with default fields Guid, ContactName, Date, Description', async () => {
    const reply = await api.get(`/v1/${ORG}/invoices`)
    expect(reply.status).toBe(200)
    const body = collectionOf(
      z.strictObject({
        Guid: z.guid(),
        ContactName: z.string().nullable(),
        Date: z.string(),
        Description: z.string(),
      }),
    ).parse(reply.json())
    expect(body.Pagination.ResultWithoutFilter).toBe(10)
  })

  it('400 code 45 with startDate but no endDate', async () => {
    const reply = await api.get(`/v1/${ORG}/invoices?startDate=2024-01-01`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(45)
  })

  it('200 with startDate and endDate: booked ones in range, drafts unaffected', async () => {
    const all = (await api.get(`/v1/${ORG}/invoices?fields=Status,Date`)).json<{
      Collection: { Status: string; Date: string }[]
    }>()
    const ranged = (
      await api.get(`/v1/${ORG}/invoices?fields=Status,Date&startDate=2024-03-01&endDate=2024-03-31`)
    ).json<{ Collection: { Status: string; Date: string }[] }>()
    const drafts = all.Collection.filter((i) => i.Status === 'Draft').length
    const inRange = all.Collection.filter(
      (i) => i.Status !== 'Draft' && i.Date >= '2024-03-01' && i.Date <= '2024-03-31',
    )
    expect(ranged.Collection).toHaveLength(drafts + inRange.length)
  })

  it('200 sorted by VoucherNumber descending by default, ascending on request', async () => {
    const numbers = async (q: string) =>
      (await api.get(`/v1/${ORG}/invoices?fields=Number&statusFilter=Paid,Overdue,Booked${q}`))
        .json<{ Collection: { Number: number }[] }>()
        .Collection.map((i) => i.Number)
    expect(await numbers('')).toEqual([6, 5, 4, 3, 2, 1])
    expect(await numbers('&sortOrder=ascending')).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('400 code 45 for an unknown statusFilter value', async () => {
    const reply = await api.get(`/v1/${ORG}/invoices?statusFilter=Lost`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(45)
  })
})

/**
 * Optimistic concurrency (dinero-openapi, dinero-api-errors, manyfold-dinero-tests): of writers sending the
 * same Timestamp exactly one wins.
 */
describe.each(TARGET_KINDS)('concurrent invoice updates (%s)', (kind) => {
  const api = dineroSuite(kind)

  it('10 concurrent PUTs with the same Timestamp: exactly one 200, nine 400 code 58', async () => {
    const created = CreatedResponseModel.parse((await api.post(`/v1/${ORG}/invoices`, draft)).json())
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.put(`/v1.2/${ORG}/invoices/${created.Guid}`, {
          ...draft,
          Timestamp: created.TimeStamp,
          Comment: `writer ${i}`,
        }),
      ),
    )
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1)
    const losers = replies.filter((r) => r.status !== 200)
    expect(losers).toHaveLength(9)
    expect(losers.every((r) => r.status === 400 && errorOf(r.text).code === 58)).toBe(true)
    const winner = replies.findIndex((r) => r.status === 200)
    const invoice = InvoiceReadModel.parse((await api.get(`/v1/${ORG}/invoices/${created.Guid}`)).json())
    expect(invoice.Comment).toBe(`writer ${winner}`)
  })

  it('10 concurrent bookings with the same Timestamp: exactly one 200 and one number used', async () => {
    const created = CreatedResponseModel.parse((await api.post(`/v1/${ORG}/invoices`, draft)).json())
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.post(`/v1/${ORG}/invoices/${created.Guid}/book`, { Timestamp: created.TimeStamp }),
      ),
    )
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1)
    expect(replies.filter((r) => r.status === 400)).toHaveLength(9)
  })
})
