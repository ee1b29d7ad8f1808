import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  CreatedPaymentResponse,
  CreatedResponseModel,
  DeletedPaymentResponse,
  DineroErrorBody,
  generated,
  PaymentReadModel,
} from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { type Reply, TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { createsThenUpdates, maybe, num, property } from '../support/dinero-properties.ts'
import { dineroSuite } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:1`)
const PurchaseCreditNoteReadModel = generated.schema('PurchaseCreditNoteReadModel')
const Payments = z.array(PaymentReadModel)
/** 125 incl. VAT on office supplies (I25): 100 excl. */
const line = { AccountNumber: 3600, Amount: 125, Description: 'Kontorartikler' }
const payment = { DepositAccountNumber: 55000, Description: 'Betaling', RemainderIsFee: false }

interface Created {
  Guid: string
  TimeStamp: string
}
interface Note {
  Guid: string
  Timestamp: string
  Status: string
  CreditNoteNumber: number | null
  CreditNoteFor: string | null
  Date: string
  Lines: { AccountNumber: number; AmountInclVatValue: number }[]
}

const codeOf = (reply: Reply) => DineroErrorBody.parse(reply.json()).code

/**
 * dinero-openapi (PurchaseCreditNote, PurchaseVoucherCreditPayments, PurchaseVouchers
 * generate-creditnote), dinero-api-errors: purchase credit notes are drafts until booked (which
 * needs a contact), booked ones cannot change; the credit notes of one voucher cannot credit more
 * than it; credit payments go on booked credit purchases and credit notes, never beyond what is
 * outstanding, each a new version of the voucher.
 */
describe.each(TARGET_KINDS)('Dinero purchase credit notes and credit payments (%s)', (kind) => {
  const api = dineroSuite(kind)
  const create = async (body: Record<string, unknown> = {}) => {
    const reply = await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, {
      ContactGuid: CONTACT,
      Lines: [line],
      ...body,
    })
    expect(reply.status, reply.text).toBe(200)
    expect(CreatedResponseModel.safeParse(reply.json()).success).toBe(true)
    return reply.json<Created>()
  }
  const get = async (guid: string) => {
    const reply = await api.get(`/v1/${ORG}/vouchers/purchase/creditnotes/${guid}`)
    expect(reply.status).toBe(200)
    expect(PurchaseCreditNoteReadModel.safeParse(reply.json()).error?.issues ?? []).toEqual([])
    return reply.json<Note>()
  }
  const book = (guid: string, timestamp: string) =>
    api.post(`/v1/${ORG}/vouchers/purchase/creditnotes/${guid}/book`, { Timestamp: timestamp })
  const booked = async () => {
    const note = await create()
    const reply = await book(note.Guid, note.TimeStamp)
    expect(reply.status, reply.text).toBe(200)
    return reply.json<Note>()
  }
  /** A booked purchase voucher (credit with a contact, or cash) of 125 incl. VAT. */
  const voucher = async (type: 'credit' | 'cash', bookIt = true) => {
    const created = await api.post(`/v1.2/${ORG}/vouchers/purchase`, {
      PurchaseType: type,
      ...(type === 'credit' ? { ContactGuid: CONTACT } : {}),
      Lines: [line],
    })
    expect(created.status, created.text).toBe(200)
    const v = created.json<{ Guid: string; Timestamp: string }>()
    if (!bookIt) return { guid: v.Guid, version: v.Timestamp }
    const reply = await api.post(`/v1/${ORG}/vouchers/purchase/${v.Guid}/book`, { Timestamp: v.Timestamp })
    expect(reply.status).toBe(200)
    return { guid: v.Guid, version: reply.json<{ Timestamp: string }>().Timestamp }
  }

  it('a new purchase credit note is a draft with a date-time Date; an update (200) replaces its lines', async () => {
    const note = await create({ Date: '2031-05-16' })
    const draft = await get(note.Guid)
    expect([draft.Status, draft.CreditNoteNumber, draft.Date]).toEqual(['Draft', null, '2031-05-16T00:00:00'])
    const updated = await api.put(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`, {
      Timestamp: note.TimeStamp,
      Lines: [line, { ...line, Amount: 250 }],
    })
    expect(updated.status).toBe(200)
    expect((await get(note.Guid)).Lines.map((l) => l.AmountInclVatValue)).toEqual([125, 250])
  })

  it('no lines → 400 code 45; an unknown account or a Date that is not a date → 400 code 42 naming them; an unknown property → 42', async () => {
    const empty = await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, { Lines: [] })
    expect(codeOf(empty)).toBe(45)
    const bad = await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, {
      Date: 'someday',
      Lines: [{ ...line, AccountNumber: 9999 }],
    })
    expect(bad.status).toBe(400)
    expect(Object.keys(DineroErrorBody.parse(bad.json()).validationErrors ?? {}).sort()).toEqual([
      'Date',
      'Lines[0].AccountNumber',
    ])
    const extra = await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, { Lines: [line], Nickname: 1 })
    expect(DineroErrorBody.parse(extra.json()).validationErrors).toHaveProperty(['Nickname'])
  })

  it('booking without a contact → 400 code 42; booked ones are numbered in sequence (200)', async () => {
    const bare = await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, { Lines: [line] })
    const note = bare.json<Created>()
    const refused = await book(note.Guid, note.TimeStamp)
    expect(refused.status).toBe(400)
    expect(DineroErrorBody.parse(refused.json()).validationErrors).toHaveProperty(['ContactGuid'])
    const first = await booked()
    const second = await booked()
    expect(first.Status).toBe('Booked')
    expect(PurchaseCreditNoteReadModel.safeParse(first).success).toBe(true)
    expect(second.CreditNoteNumber).toBe((first.CreditNoteNumber ?? 0) + 1)
  })

  it('a booked purchase credit note cannot be updated or deleted (400 code 45); a stale Timestamp → 400 code 58', async () => {
    const note = await booked()
    const update = await api.put(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`, {
      Timestamp: note.Timestamp,
      Lines: [line],
    })
    expect(codeOf(update)).toBe(45)
    const removed = await api.delete(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`, {
      Timestamp: note.Timestamp,
    })
    expect(codeOf(removed)).toBe(45)
    const draft = await create()
    await api.put(`/v1/${ORG}/vouchers/purchase/creditnotes/${draft.Guid}`, {
      Timestamp: draft.TimeStamp,
      Lines: [line],
    })
    const stale = await api.delete(`/v1/${ORG}/vouchers/purchase/creditnotes/${draft.Guid}`, {
      Timestamp: draft.TimeStamp,
    })
    expect(codeOf(stale)).toBe(58)
  })

  it('deleting a draft (200) removes it: then 404 code 40', async () => {
    const note = await create()
    const removed = await api.delete(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`, {
      Timestamp: note.TimeStamp,
    })
    expect(removed.status).toBe(200)
    const gone = await api.get(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`)
    expect(gone.status).toBe(404)
    expect(codeOf(gone)).toBe(40)
  })

  it('generate-creditnote drafts a booked voucher’s lines (200); a draft voucher → 400 code 59; a stale Timestamp → 400 code 58', async () => {
    const v = await voucher('credit')
    const reply = await api.post(`/v1/${ORG}/vouchers/purchase/${v.guid}/generate-creditnote`, {
      Timestamp: { Timestamp: v.version },
      VoucherDate: '2031-06-01',
    })
    expect(reply.status, reply.text).toBe(200)
    const note = await get(reply.json<Created>().Guid)
    expect([note.Status, note.CreditNoteFor, note.Date]).toEqual(['Draft', v.guid, '2031-06-01T00:00:00'])
    expect(note.Lines.map((l) => [l.AccountNumber, l.AmountInclVatValue])).toEqual([[3600, 125]])
    const stale = await api.post(`/v1/${ORG}/vouchers/purchase/${v.guid}/generate-creditnote`, {
      Timestamp: { Timestamp: '0000000000000001' },
    })
    expect(codeOf(stale)).toBe(58)
    const draft = await voucher('credit', false)
    const fromDraft = await api.post(`/v1/${ORG}/vouchers/purchase/${draft.guid}/generate-creditnote`, {
      Timestamp: {},
    })
    expect(codeOf(fromDraft)).toBe(59)
  })

  it('the credit notes of one purchase voucher cannot credit more than its total: 400 code 45', async () => {
    const v = await voucher('credit')
    await create({ CreditNoteFor: v.guid, Lines: [{ ...line, Amount: 100 }] })
    const beyond = await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, {
      CreditNoteFor: v.guid,
      Lines: [{ ...line, Amount: 25.01 }],
    })
    expect(beyond.status).toBe(400)
    expect(codeOf(beyond)).toBe(45)
  })

  it('credit payments on a booked credit purchase: listed (200), more than outstanding → 400 code 45, each a new voucher version; delete with the path timestamp (stale → 58)', async () => {
    const v = await voucher('credit')
    const paid = await api.post(`/v1/${ORG}/purchase-vouchers/${v.guid}/payments`, {
      ...payment,
      Timestamp: v.version,
      Amount: 100,
    })
    expect(paid.status, paid.text).toBe(200)
    const created = CreatedPaymentResponse.parse(paid.json())
    expect(created.RelatedVoucherGuid).toBe(v.guid)
    expect(created.TimeStamp).not.toBe(v.version)
    const tooMuch = await api.post(`/v1/${ORG}/purchase-vouchers/${v.guid}/payments`, {
      ...payment,
      Timestamp: created.TimeStamp,
      Amount: 25.01,
    })
    expect(codeOf(tooMuch)).toBe(45)
    const listed = Payments.parse((await api.get(`/v1/${ORG}/purchase-vouchers/${v.guid}/payments`)).json())
    expect(listed.map((p) => [p.Guid, p.Amount])).toEqual([[created.Guid, 100]])
    const stale = await api.delete(
      `/v1/${ORG}/purchase-vouchers/${v.guid}/payments/${created.Guid}/${v.version}`,
    )
    expect(codeOf(stale)).toBe(58)
    const removed = await api.delete(
      `/v1/${ORG}/purchase-vouchers/${v.guid}/payments/${created.Guid}/${created.TimeStamp}`,
    )
    expect(removed.status).toBe(200)
    expect(DeletedPaymentResponse.safeParse(removed.json()).success).toBe(true)
    expect(Payments.parse((await api.get(`/v1/${ORG}/purchase-vouchers/${v.guid}/payments`)).json())).toEqual(
      [],
    )
  })

  it('paid in full by credit payments, a booked credit purchase and a purchase credit note read as Paid', async () => {
    const v = await voucher('credit')
    await api.post(`/v1/${ORG}/purchase-vouchers/${v.guid}/payments`, {
      ...payment,
      Timestamp: v.version,
      Amount: 125,
    })
    const read = await api.get(`/v1/${ORG}/vouchers/purchase/${v.guid}`)
    expect(read.json<{ Status: string }>().Status).toBe('Paid')
    const note = await booked()
    await api.post(`/v1/${ORG}/purchase-vouchers/${note.Guid}/payments`, {
      ...payment,
      Timestamp: note.Timestamp,
      Amount: 100,
    })
    expect((await get(note.Guid)).Status).toBe('Booked')
    const partly = await get(note.Guid)
    await api.post(`/v1/${ORG}/purchase-vouchers/${note.Guid}/payments`, {
      ...payment,
      Timestamp: partly.Timestamp,
      Amount: 25,
    })
    expect((await get(note.Guid)).Status).toBe('Paid')
  })

  it('credit payments: a cash purchase → 400 code 45, a draft → 400 code 59, an unknown voucher → 404 code 40; a booked purchase credit note takes them (200)', async () => {
    const cash = await voucher('cash')
    const onCash = await api.post(`/v1/${ORG}/purchase-vouchers/${cash.guid}/payments`, {
      ...payment,
      Timestamp: cash.version,
      Amount: 10,
    })
    expect(codeOf(onCash)).toBe(45)
    const draft = await voucher('credit', false)
    expect(codeOf(await api.get(`/v1/${ORG}/purchase-vouchers/${draft.guid}/payments`))).toBe(59)
    const unknown = await api.get(
      `/v1/${ORG}/purchase-vouchers/00000000-0000-0000-0000-000000000001/payments`,
    )
    expect(unknown.status).toBe(404)
    expect(codeOf(unknown)).toBe(40)
    const note = await booked()
    const onNote = await api.post(`/v1/${ORG}/purchase-vouchers/${note.Guid}/payments`, {
      ...payment,
      Timestamp: note.Timestamp,
      Amount: 125,
    })
    expect(onNote.status, onNote.text).toBe(200)
  })
})

const purchaseCreditNotes = {
  create: `/v1/${ORG}/vouchers/purchase/creditnotes`,
  read: (guid: string) => `/v1/${ORG}/vouchers/purchase/creditnotes/${guid}`,
  update: (guid: string) => `/v1/${ORG}/vouchers/purchase/creditnotes/${guid}`,
}

describe('Dinero purchase credit note bodies under arbitrary input (in-process)', () => {
  const api = dineroSuite('in-process', { dinero: { rateLimitPerMinute: 0 } })

  it('POST and PUT purchase credit notes: a 4xx in Dinero format or a note that parses as PurchaseCreditNoteReadModel, never a 5xx', async () => {
    const noteLine = fc.record(
      {
        AccountNumber: maybe(fc.constantFrom(3600, 4000, 9999)),
        Amount: maybe(num),
        Description: maybe(fc.string({ maxLength: 6 })),
        VatCode: maybe(fc.constantFrom('I25', 'none', 'U25')),
      },
      { requiredKeys: [] },
    )
    const body = fc.record(
      {
        ContactGuid: maybe(fc.constantFrom(CONTACT, '00000000-0000-0000-0000-000000000000', 'not-a-guid')),
        CreditNoteFor: maybe(
          fc.constantFrom(seededGuid(`${ORG}:purchase:0`), '00000000-0000-0000-0000-000000000000'),
        ),
        Date: maybe(fc.constantFrom('2024-02-29', '2024-13-01', '2022-05-16T10:00:00Z', '')),
        Currency: maybe(fc.constantFrom('DKK', 'EUR')),
        FileGuid: maybe(fc.string({ maxLength: 4 })),
        Lines: maybe(fc.array(noteLine, { maxLength: 3 })),
        Nickname: fc.constant(1),
      },
      { requiredKeys: [] },
    )
    await property(body, async (sent) => {
      await createsThenUpdates(api, purchaseCreditNotes, PurchaseCreditNoteReadModel, sent)
    })
  })
})
