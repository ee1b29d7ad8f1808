import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  CreatedPaymentResponse,
  CreatedResponseModel,
  collectionOf,
  DeletedPaymentResponse,
  DineroErrorBody,
  EmailSentModel,
  generated,
  InvoicePaymentsModel,
  InvoiceReadModel,
} from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { type Reply, TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { createsThenUpdates, maybe, num, property } from '../support/dinero-properties.ts'
import { dineroSuite } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:1`)
const SalesCreditNoteReadModel = generated.schema('SalesCreditNoteReadModel')
const SalesCreditNoteFetchReadModel = generated.schema('SalesCreditNoteFetchReadModel')
const MailoutTemplateReadModel = generated.schema('MailoutTemplateReadModel')
const Mailouts = z.array(generated.schema('VoucherMailoutReadModel'))
const Entries = z.array(generated.schema('EntryReadModel'))
/** Items hold only the `fields=` projection (dinero-openapi), so the envelope is what is parsed. */
const List = collectionOf(z.looseObject({}))
/** 100 excl. VAT on the 25 % sales account: 125 incl. VAT. */
const line = { BaseAmountValue: 100, Quantity: 1, AccountNumber: 1000, Discount: 0, Description: 'Ydelse' }

interface Created {
  Guid: string
  TimeStamp: string
}
interface Note {
  Guid: string
  TimeStamp: string
  Status: string
  Number: number
  CreditNoteFor: string | null
  TotalInclVat: number
  ProductLines: { Description: string; Quantity: number; BaseAmountValue: number }[]
  PaymentStatus: string
  MailOutStatus: string
}

const codeOf = (reply: Reply) => DineroErrorBody.parse(reply.json()).code

/**
 * dinero-openapi (SalesCreditNotes, Invoices generate-creditnote), dinero-api-errors: credit notes
 * are drafts until booked, booked ones are numbered, posted to the ledger and cannot be changed;
 * the credit notes of one invoice cannot credit more than it; PDFs, e-mail and payments only for
 * booked ones.
 */
describe.each(TARGET_KINDS)('Dinero sales credit notes (%s)', (kind) => {
  const api = dineroSuite(kind)
  const invoice = async (booked = true, lines: unknown[] = [line]) => {
    const created = await api.post(`/v1/${ORG}/invoices`, { ContactGuid: CONTACT, ProductLines: lines })
    expect(created.status).toBe(200)
    const { Guid, TimeStamp } = created.json<Created>()
    if (!booked) return { guid: Guid, version: TimeStamp }
    const reply = await api.post(`/v1/${ORG}/invoices/${Guid}/book`, { Timestamp: TimeStamp })
    expect(reply.status).toBe(200)
    return { guid: Guid, version: reply.json<{ TimeStamp: string }>().TimeStamp }
  }
  const create = async (body: Record<string, unknown> = {}) => {
    const reply = await api.post(`/v1/${ORG}/sales/creditnotes`, {
      ContactGuid: CONTACT,
      ProductLines: [line],
      ...body,
    })
    expect(reply.status, reply.text).toBe(200)
    expect(CreatedResponseModel.safeParse(reply.json()).success).toBe(true)
    return reply.json<Created>()
  }
  const get = async (guid: string) => {
    const reply = await api.get(`/v1/${ORG}/sales/creditnotes/${guid}`)
    expect(reply.status).toBe(200)
    expect(SalesCreditNoteReadModel.safeParse(reply.json()).error?.issues ?? []).toEqual([])
    return reply.json<Note>()
  }
  const book = (note: Created, body: Record<string, unknown> = {}) =>
    api.post(`/v1/${ORG}/sales/creditnotes/${note.Guid}/book`, { Timestamp: note.TimeStamp, ...body })
  const booked = async (body: Record<string, unknown> = {}) => {
    const reply = await book(await create(body))
    expect(reply.status, reply.text).toBe(200)
    return reply.json<Note>()
  }

  it('the seeded booked credit note (number 1) credits seeded invoice 1; the seeded draft is listed too (200)', async () => {
    const note = await get(seededGuid(`${ORG}:credit-note:0`))
    expect(note.Status).toBe('Booked')
    expect(note.Number).toBe(1)
    expect(note.CreditNoteFor).toBe(seededGuid(`${ORG}:invoice:4`))
    const list = await api.get(`/v1/${ORG}/sales/creditnotes?statusFilter=Draft&fields=Guid,Type,Number`)
    expect(list.status).toBe(200)
    const items = List.parse(list.json()).Collection
    expect(items).toContainEqual({
      Guid: seededGuid(`${ORG}:credit-note:1`),
      Type: 'CreditNote',
      Number: Number('9223372036854775807'),
    })
  })

  it('a new credit note is a draft (200, Number long.MaxValue); the list answers the default fields Guid,ContactName,Date,Description,Type', async () => {
    const created = await create()
    const note = await get(created.Guid)
    expect(note.Status).toBe('Draft')
    expect(note.TotalInclVat).toBe(125)
    const list = await api.get(`/v1/${ORG}/sales/creditnotes`)
    const items = List.parse(list.json()).Collection ?? []
    expect(Object.keys(items[0] ?? {})).toEqual(['Guid', 'ContactName', 'Date', 'Description', 'Type'])
  })

  it('GET /v1/:org/sales lists credit notes beside the invoices, with Type CreditNote (200)', async () => {
    const note = await create({ Description: 'Listed in sales' })
    const reply = await api.get(`/v1/${ORG}/sales?fields=Guid,Type,Description&pageSize=1000`)
    expect(reply.status).toBe(200)
    const items = List.parse(reply.json()).Collection ?? []
    expect(items).toContainEqual({ Guid: note.Guid, Type: 'CreditNote', Description: 'Listed in sales' })
    expect(items.some((i) => i.Type === 'Invoice')).toBe(true)
  })

  it('no lines → 400 code 45; an unknown account → 400 code 42 naming ProductLines[0].AccountNumber', async () => {
    const empty = await api.post(`/v1/${ORG}/sales/creditnotes`, { ProductLines: [] })
    expect(empty.status).toBe(400)
    expect(codeOf(empty)).toBe(45)
    const unknown = await api.post(`/v1/${ORG}/sales/creditnotes`, {
      ProductLines: [{ ...line, AccountNumber: 9999 }],
    })
    expect(unknown.status).toBe(400)
    expect(DineroErrorBody.parse(unknown.json()).validationErrors).toHaveProperty([
      'ProductLines[0].AccountNumber',
    ])
  })

  it('an unknown property → 400 code 42 naming it; malformed JSON → 400 code 44', async () => {
    const extra = await api.post(`/v1/${ORG}/sales/creditnotes`, { ProductLines: [line], Nickname: 'x' })
    expect(extra.status).toBe(400)
    expect(DineroErrorBody.parse(extra.json()).validationErrors).toHaveProperty(['Nickname'])
    const broken = await api.raw('POST', `/v1/${ORG}/sales/creditnotes`, '{"ProductLines": [')
    expect(broken.status).toBe(400)
    expect(codeOf(broken)).toBe(44)
  })

  it('CreditNoteFor a draft invoice → 400 code 59; an unknown invoice → 400 code 42 naming CreditNoteFor', async () => {
    const draft = await invoice(false)
    const reply = await api.post(`/v1/${ORG}/sales/creditnotes`, {
      CreditNoteFor: draft.guid,
      ProductLines: [line],
    })
    expect(reply.status).toBe(400)
    expect(codeOf(reply)).toBe(59)
    const unknown = await api.post(`/v1/${ORG}/sales/creditnotes`, {
      CreditNoteFor: '00000000-0000-0000-0000-000000000001',
      ProductLines: [line],
    })
    expect(DineroErrorBody.parse(unknown.json()).validationErrors).toHaveProperty(['CreditNoteFor'])
  })

  it('credit notes may credit an invoice up to its total (200) but not beyond it: 400 code 45, on create and on update', async () => {
    const inv = await invoice()
    const half = { ...line, BaseAmountValue: 50 }
    const first = await create({ CreditNoteFor: inv.guid, ProductLines: [half] })
    await create({ CreditNoteFor: inv.guid, ProductLines: [half] })
    const beyond = await api.post(`/v1/${ORG}/sales/creditnotes`, {
      CreditNoteFor: inv.guid,
      ProductLines: [{ ...line, BaseAmountValue: 0.01 }],
    })
    expect(beyond.status).toBe(400)
    expect(codeOf(beyond)).toBe(45)
    const raised = await api.put(`/v1.2/${ORG}/sales/creditnotes/${first.Guid}`, {
      Timestamp: first.TimeStamp,
      CreditNoteFor: inv.guid,
      ProductLines: [line],
    })
    expect(raised.status).toBe(400)
    expect(codeOf(raised)).toBe(45)
  })

  it('booking numbers credit notes in sequence after the seeded one and answers InvoiceReadModel (200)', async () => {
    const first = await booked()
    const second = await booked()
    expect(InvoiceReadModel.safeParse(first).success).toBe(true)
    expect(first.Status).toBe('Booked')
    expect(second.Number).toBe(first.Number + 1)
    expect(first.Number).toBeGreaterThan(1)
  })

  it('a booked credit note reverses a sale under its number (GET entries): its line’s account and output VAT debited, the debtors credited the total; the entries sum to 0', async () => {
    const note = await booked({ Date: '2030-04-01' })
    const reply = await api.get(`/v1/${ORG}/entries?fromDate=2030-01-01&toDate=2030-12-31`)
    expect(reply.status).toBe(200)
    const mine = Entries.parse(reply.json()).filter(
      (e) => (e as { VoucherGuid: string }).VoucherGuid === note.Guid,
    ) as { AccountNumber: number; Amount: number; VoucherNumber: number; VoucherType: string }[]
    expect(
      mine
        .map((e) => [e.AccountNumber, e.Amount, e.VoucherNumber, e.VoucherType])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual([
      [1000, 100, note.Number, 'CreditNote'],
      [57000, -125, note.Number, 'CreditNote'],
      [66000, 25, note.Number, 'CreditNote'],
    ])
  })

  it('a booked credit note cannot be updated (400 code 45), deleted (400 code 45) or booked again (400 code 45)', async () => {
    const note = await booked()
    const update = await api.put(`/v1.2/${ORG}/sales/creditnotes/${note.Guid}`, {
      Timestamp: note.TimeStamp,
      ProductLines: [line],
    })
    expect(update.status).toBe(400)
    expect(codeOf(update)).toBe(45)
    const removed = await api.delete(`/v1/${ORG}/sales/creditnotes/${note.Guid}`, {
      Timestamp: note.TimeStamp,
    })
    expect(removed.status).toBe(400)
    expect(codeOf(removed)).toBe(45)
    expect(codeOf(await book({ Guid: note.Guid, TimeStamp: note.TimeStamp }))).toBe(45)
  })

  it('booking without a ContactGuid → 400 code 42; a stale Timestamp on update → 400 code 58', async () => {
    const reply = await api.post(`/v1/${ORG}/sales/creditnotes`, { ProductLines: [line] })
    const note = reply.json<Created>()
    const noContact = await book(note)
    expect(noContact.status).toBe(400)
    expect(DineroErrorBody.parse(noContact.json()).validationErrors).toHaveProperty(['ContactGuid'])
    const updated = await api.put(`/v1.2/${ORG}/sales/creditnotes/${note.Guid}`, {
      Timestamp: note.TimeStamp,
      ContactGuid: CONTACT,
      ProductLines: [line],
    })
    expect(updated.status).toBe(200)
    const stale = await api.put(`/v1.2/${ORG}/sales/creditnotes/${note.Guid}`, {
      Timestamp: note.TimeStamp,
      ProductLines: [line],
    })
    expect(stale.status).toBe(400)
    expect(codeOf(stale)).toBe(58)
  })

  it('deleting a draft (200) leaves it deleted: listed with deletedOnly=true, then 404 code 65 on update', async () => {
    const note = await create()
    const removed = await api.delete(`/v1/${ORG}/sales/creditnotes/${note.Guid}`, {
      Timestamp: note.TimeStamp,
    })
    expect(removed.status).toBe(200)
    const list = await api.get(`/v1/${ORG}/sales/creditnotes?deletedOnly=true&fields=Guid`)
    expect(List.parse(list.json()).Collection).toContainEqual({
      Guid: note.Guid,
    })
    const update = await api.put(`/v1.2/${ORG}/sales/creditnotes/${note.Guid}`, {
      Timestamp: 'x',
      ProductLines: [line],
    })
    expect(update.status).toBe(404)
    expect(codeOf(update)).toBe(65)
  })

  it('generate-creditnote makes a draft of a booked invoice with its lines (200); a draft invoice → 400 code 59; a second full one → 400 code 45', async () => {
    const inv = await invoice(true, [line, { ...line, Description: 'Mere', Quantity: 2 }])
    const reply = await api.post(`/v1/${ORG}/invoices/${inv.guid}/generate-creditnote`, {
      Timestamp: inv.version,
    })
    expect(reply.status, reply.text).toBe(200)
    const note = await get(reply.json<Created>().Guid)
    expect(note.Status).toBe('Draft')
    expect(note.CreditNoteFor).toBe(inv.guid)
    expect(note.ProductLines.map((l) => [l.Description, l.Quantity, l.BaseAmountValue])).toEqual([
      ['Ydelse', 1, 100],
      ['Mere', 2, 100],
    ])
    const again = await api.post(`/v1/${ORG}/invoices/${inv.guid}/generate-creditnote`, {})
    expect(again.status).toBe(400)
    expect(codeOf(again)).toBe(45)
    const draft = await invoice(false)
    const fromDraft = await api.post(`/v1/${ORG}/invoices/${draft.guid}/generate-creditnote`, {})
    expect(fromDraft.status).toBe(400)
    expect(codeOf(fromDraft)).toBe(59)
  })

  it('fetch answers the totals (SalesCreditNoteFetchReadModel) and stores nothing', async () => {
    const count = async () =>
      List.parse((await api.get(`/v1/${ORG}/sales/creditnotes`)).json()).Pagination.ResultWithoutFilter
    const before = await count()
    const reply = await api.post(`/v1/${ORG}/sales/creditnotes/fetch`, { ProductLines: [line, line] })
    expect(reply.status).toBe(200)
    expect(SalesCreditNoteFetchReadModel.safeParse(reply.json()).success).toBe(true)
    expect(reply.json<{ TotalInclVat: number; TotalVat: number }>()).toMatchObject({
      TotalInclVat: 250,
      TotalVat: 50,
    })
    expect(await count()).toBe(before)
  })

  it('the PDF of a draft → 400 code 59; of a booked one: a one-page PDF naming "Kreditnota <number>" (…/pdf and Accept: application/pdf)', async () => {
    const draft = await create()
    const refused = await api.get(`/v1/${ORG}/sales/creditnotes/${draft.Guid}/pdf`)
    expect(refused.status).toBe(400)
    expect(codeOf(refused)).toBe(59)
    const note = await booked()
    for (const reply of [
      await api.get(`/v1/${ORG}/sales/creditnotes/${note.Guid}/pdf`),
      await api.get(`/v1/${ORG}/sales/creditnotes/${note.Guid}`, { accept: 'application/pdf' }),
    ]) {
      expect(reply.status).toBe(200)
      expect(reply.headers.get('content-type')).toBe('application/pdf')
      expect(reply.text.startsWith('%PDF-1.7')).toBe(true)
      expect(reply.text.trimEnd().endsWith('%%EOF')).toBe(true)
      expect(reply.text).toContain(`(Kreditnota ${note.Number}) Tj`)
      expect(reply.text).toContain('/Count 1')
    }
  })

  it('e-mail: a draft → 400 code 59; a booked one → EmailSentModel (200), recorded in mailouts with the e-creditNote', async () => {
    const draft = await create()
    const refused = await api.post(`/v1/${ORG}/sales/creditnotes/${draft.Guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
    })
    expect(codeOf(refused)).toBe(59)
    const note = await booked()
    const template = await api.get(`/v1/${ORG}/sales/creditnotes/${note.Guid}/email/template`)
    expect(MailoutTemplateReadModel.safeParse(template.json()).success).toBe(true)
    expect(template.json<{ Message: string }>().Message).toContain('[link-to-pdf]')
    const sent = await api.post(`/v1/${ORG}/sales/creditnotes/${note.Guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
      Receiver: 'kunde@example.dk',
    })
    expect(sent.status).toBe(200)
    expect(EmailSentModel.parse(sent.json())).toEqual({ Recipients: [{ Email: 'kunde@example.dk' }] })
    const e = await api.post(`/v3/${ORG}/sales/creditnotes/${note.Guid}/e-creditNote`, {
      PaymentMeanEnum: 'Domestic',
    })
    expect(e.status).toBe(200)
    const mailouts = await api.get(`/v1/${ORG}/sales/creditnotes/${note.Guid}/mailouts`)
    const listed = Mailouts.parse(mailouts.json()) as { Type: string; Receiver: string | null }[]
    expect(listed.map((m) => m.Type)).toEqual(['CreditNote', 'ECreditNote'])
    expect(listed[0]?.Receiver).toBe('kunde@example.dk')
    expect((await get(note.Guid)).MailOutStatus).toBe('Sent')
  })

  it('e-creditNote to a contact without EAN, SE, P or CVR number → 400 code 56', async () => {
    const note = await booked({ ContactGuid: seededGuid(`${ORG}:contact:0`) })
    const reply = await api.post(`/v3/${ORG}/sales/creditnotes/${note.Guid}/e-creditNote`, {
      PaymentMeanEnum: 'Domestic',
    })
    expect(reply.status).toBe(400)
    expect(codeOf(reply)).toBe(56)
  })

  it('payments: a draft → 400 code 59; more than outstanding → 400 code 45; paid in full → Paid; a deleted payment is gone (200), an unknown one → 404 code 40', async () => {
    const payment = { DepositAccountNumber: 55000, Description: 'Refusion', RemainderIsFee: false }
    const draft = await create()
    const onDraft = await api.post(`/v1/${ORG}/sales/creditnotes/${draft.Guid}/payments`, {
      ...payment,
      Timestamp: draft.TimeStamp,
      Amount: 10,
    })
    expect(codeOf(onDraft)).toBe(59)
    const note = await booked()
    const tooMuch = await api.post(`/v1/${ORG}/sales/creditnotes/${note.Guid}/payments`, {
      ...payment,
      Timestamp: note.TimeStamp,
      Amount: 125.01,
    })
    expect(tooMuch.status).toBe(400)
    expect(codeOf(tooMuch)).toBe(45)
    const paid = await api.post(`/v1/${ORG}/sales/creditnotes/${note.Guid}/payments`, {
      ...payment,
      Timestamp: note.TimeStamp,
      Amount: 125,
    })
    expect(paid.status).toBe(200)
    const created = CreatedPaymentResponse.parse(paid.json())
    expect((await get(note.Guid)).PaymentStatus).toBe('Paid')
    const listed = InvoicePaymentsModel.parse(
      (await api.get(`/v1/${ORG}/sales/creditnotes/${note.Guid}/payments`)).json(),
    )
    expect([listed.PaidAmount, listed.RemainingAmount]).toEqual([125, 0])
    const removed = await api.delete(`/v1/${ORG}/sales/creditnotes/${note.Guid}/payments/${created.Guid}`, {
      Timestamp: created.TimeStamp,
    })
    expect(removed.status).toBe(200)
    expect(DeletedPaymentResponse.safeParse(removed.json()).success).toBe(true)
    const again = await api.delete(`/v1/${ORG}/sales/creditnotes/${note.Guid}/payments/${created.Guid}`, {})
    expect(again.status).toBe(404)
    expect(codeOf(again)).toBe(40)
  })
})

const creditNotes = {
  create: `/v1/${ORG}/sales/creditnotes`,
  read: (guid: string) => `/v1/${ORG}/sales/creditnotes/${guid}`,
  update: (guid: string) => `/v1.2/${ORG}/sales/creditnotes/${guid}`,
}

describe('Dinero sales credit note bodies under arbitrary input (in-process)', () => {
  const api = dineroSuite('in-process', { dinero: { rateLimitPerMinute: 0 } })
  let invoiceGuid: string
  beforeAll(async () => {
    const created = (
      await api.post(`/v1/${ORG}/invoices`, { ContactGuid: CONTACT, ProductLines: [line] })
    ).json<Created>()
    await api.post(`/v1/${ORG}/invoices/${created.Guid}/book`, { Timestamp: created.TimeStamp })
    invoiceGuid = created.Guid
  })

  it('POST and PUT v1.2 credit notes: a 4xx in Dinero format or a credit note that parses as SalesCreditNoteReadModel, never a 5xx', async () => {
    const noteLine = fc.record(
      {
        BaseAmountValue: maybe(num),
        Quantity: maybe(num),
        AccountNumber: maybe(fc.constantFrom(1000, 1100, 9999)),
        Discount: maybe(fc.double({ min: 0, max: 100, noNaN: true })),
        Description: maybe(fc.string({ maxLength: 6 })),
        LineType: maybe(fc.constantFrom('Product', 'Text', 'Other')),
      },
      { requiredKeys: [] },
    )
    const body = fc.record(
      {
        CreditNoteFor: maybe(fc.constantFrom(invoiceGuid, '00000000-0000-0000-0000-000000000000')),
        ContactGuid: maybe(fc.constantFrom(CONTACT, 'not-a-guid')),
        Date: maybe(fc.constantFrom('2024-02-29', '2024-13-01', '')),
        Language: maybe(fc.constantFrom('da-DK', 'en-GB', 'xx')),
        Currency: maybe(fc.constantFrom('DKK', 'EUR')),
        ShowLinesInclVat: maybe(fc.boolean()),
        ProductLines: maybe(fc.array(noteLine, { maxLength: 3 })),
        Nickname: fc.constant(1),
      },
      { requiredKeys: [] },
    )
    await property(body, async (sent) => {
      const guid = await createsThenUpdates(api, creditNotes, SalesCreditNoteReadModel, sent)
      // Each accepted draft goes again so the invoice's credit stays available to the next run.
      if (guid !== undefined) await api.delete(`/v1/${ORG}/sales/creditnotes/${guid}`, {})
    })
  })
})
