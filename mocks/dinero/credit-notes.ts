import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, errorMap, LONG_MAX, optionalTimestamp, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import {
  ApiMailoutModel,
  BookModel,
  EInvoiceSendModel,
  PaymentCreateModel,
  SalesCreditNoteCreateFetchModel,
  SalesCreditNoteCreateModel,
  SalesCreditNoteUpdateModel,
} from './contract/index.ts'
import {
  bookDraft,
  documentFields,
  mailOutState,
  namedContact,
  newPayment,
  paymentList,
  storedLines,
  storedTexts,
} from './documents.ts'
import { orgRoute } from './endpoint.ts'
import { invalidRequest, notFound, validationError, voucherNotBooked } from './errors.ts'
import { checkVersion, listMailouts, mailTemplate, sendEDocument, sendMail } from './mailouts.ts'
import { documentPdf } from './pdf.ts'
import { invoiceTotals, round2 } from './pricing.ts'
import { isoDay, recordStamps } from './query.ts'
import { resource } from './resource.ts'
import { type SalesListItem, type SalesSource, salesFields, salesList } from './sales-list.ts'
import type { CreditNoteData, InvoiceData, Organisation, Row } from './store.ts'

/**
 * Sales credit notes (dinero-openapi, SalesCreditNotes, and Invoices' generate-creditnote), all
 * fifteen operations hand-written, with the domain rules the extraction states:
 * - POST /v1/:org/sales/creditnotes `SalesCreditNoteCreateModel` → CreatedResponseModel: a draft;
 *   no lines → 400 code 45 (as invoices); `CreditNoteFor` names the invoice it credits: unknown →
 *   400 code 42 naming CreditNoteFor, a draft invoice → 400 code 59;
 * - the credited total (incl. VAT) of all live credit notes naming one invoice cannot exceed
 *   that invoice's TotalInclVat → 400 code 45 (create, update, generate-creditnote);
 * - GET /v1/:org/sales/creditnotes: the sales list (sales-list.ts) over the credit notes, `fields`
 *   default `Guid,ContactName,Date,Description,Type`, `PaymentDate` null on credit notes;
 * - GET …/:guid → SalesCreditNoteReadModel (`TimeStamp`; a draft's Number is long.MaxValue), or
 *   with Accept application/pdf or octet-stream the PDF ("PDFs only for booked": draft → 59);
 * - PUT /v1.2/…/:guid `SalesCreditNoteUpdateModel` and DELETE …/:guid (`TimestampObject`,
 *   optional): drafts only, booked → 400 code 45; stale Timestamp → 58; delete is soft;
 * - POST …/:guid/book `BookModel` → InvoiceReadModel (as the spec declares): needs a ContactGuid
 *   (42), numbered in the credit notes' own series (a requested number in use → 45); its lines are
 *   posted to the ledger (ledger.ts) so GET /v1/:org/entries shows them;
 * - POST …/fetch → SalesCreditNoteFetchReadModel, nothing stored;
 * - GET …/:guid/email/template → MailoutTemplateReadModel; POST …/:guid/email `ApiMailoutModel`
 *   ("Must be booked": 59) → EmailSentModel; POST /v3/…/:guid/e-creditNote `EInvoiceSendModel`
 *   (booked, 59) → 200; GET …/:guid/mailouts lists them — sent, recorded and listed as invoices'
 *   are (mailouts.ts: receiver, sender, electronic address and Timestamp rules);
 * - GET …/:guid/pdf: a one-page PDF naming the credit note's number (booked only, 59);
 * - payments: POST …/:guid/payments `PaymentCreateModel` (booked only, 59; an unknown deposit
 *   account → 42; more than the outstanding amount → 45), GET → InvoicePaymentsModel, DELETE
 *   …/payments/:paymentGuid `TimestampObject` → DeletedPaymentResponse (unknown payment → 40);
 * - POST /v1/:org/invoices/:guid/generate-creditnote `TimestampObject` (optional): "a creditnote
 *   draft of a given booked invoice" (draft → 59) with its contact, texts and lines.
 * assumption: open-dinero-unlisted-responses — the code for a credit note that would credit more
 * than its invoice, and for a payment beyond what is outstanding, is not published: 45 "Invalid
 * request", the code the API gives other refusals of a well-formed body by a business rule
 * ("Invoices must have at least one invoice line", apaq-dinero-fixtures); 42 is kept for
 * property-level validation with `validationErrors`. Credit notes keep their own number series
 * (not the invoices'), and a credit note is Paid once its payments reach its total.
 */
const LIST_FIELDS = salesFields('Guid,ContactName,Date,Description,Type')
const LANGUAGES = ['da-DK', 'en-GB']
const EPSILON = 0.005
const CREDIT_NOTE = { the: 'The credit note', a: 'A credit note', series: 'Credit note' }

/** How a credit note reads: totals, status, contact name and mail-out state (routes and lists share it). */
function views(ctx: DineroContext) {
  const accountsOf = (org: Organisation) => ctx.store.entryAccounts(org.Id)
  const totalsOf = (org: Organisation, d: Pick<CreditNoteData, 'ProductLines' | 'ShowLinesInclVat'>) =>
    invoiceTotals(org, accountsOf(org), d)
  const contactOf = (org: Organisation, guid: string | null) =>
    guid === null ? undefined : ctx.store.contacts(org.Id).get(guid)
  const paymentStatus = (org: Organisation, row: Row<CreditNoteData>) => {
    if (row.data.Status === 'Draft') return 'Draft'
    const total = totalsOf(org, row.data).TotalInclVat
    const paid = round2(row.data.Payments.reduce((s, p) => s + p.Amount, 0))
    if (row.data.Payments.length > 0 && paid >= total - EPSILON) return 'Paid'
    return 'Booked'
  }

  const listItem = (org: Organisation, row: Row<CreditNoteData>) => {
    const t = totalsOf(org, row.data)
    return {
      Number: row.data.Number ?? LONG_MAX,
      Guid: row.guid,
      ExternalReference: row.data.ExternalReference,
      Date: row.data.Date,
      PaymentDate: null,
      Description: row.data.Description,
      Status: paymentStatus(org, row),
      Type: 'CreditNote',
      ContactName: contactOf(org, row.data.ContactGuid)?.data.Name ?? null,
      ContactGuid: row.data.ContactGuid,
      TotalInclVat: t.TotalInclVat,
      TotalExclVat: t.TotalExclVat,
      // assumption: no exchange rates are modelled (as for invoices); foreign totals count 1:1 in DKK.
      TotalInclVatInDkk: t.TotalInclVat,
      TotalExclVatInDkk: t.TotalExclVat,
      ...mailOutState(ctx, org, row.guid),
      Currency: row.data.Currency,
      ...recordStamps(row),
    }
  }

  return { accountsOf, totalsOf, contactOf, paymentStatus, listItem }
}

/** A credit note as an item of the sales lists (SalesVoucherReadListModel, `Type` CreditNote). */
export function creditNoteListItem(
  ctx: DineroContext,
  org: Organisation,
  row: Row<CreditNoteData>,
): SalesListItem {
  return views(ctx).listItem(org, row)
}

/** The credit notes as a sales-list source (sales-list.ts). */
export const creditNoteSource = (ctx: DineroContext, org: Organisation): SalesSource<CreditNoteData> => ({
  rows: ctx.store.creditNotes(org.Id).all(),
  dateOf: (row) => ({ Date: row.data.Date, Draft: row.data.Status === 'Draft' }),
  item: (row) => creditNoteListItem(ctx, org, row),
})

/** The sales credit note routes, and generate-creditnote on invoices. */
export function creditNoteRoutes(ctx: DineroContext): Route[] {
  const notes = resource(ctx, 'Sales credit note', (id) => ctx.store.creditNotes(id))
  const invoices = resource(ctx, 'Invoice', (id) => ctx.store.invoices(id))
  const { accountsOf, totalsOf, contactOf, paymentStatus } = views(ctx)
  /** What the read model, the totals preview and the book answer share. */
  const document = (org: Organisation, d: Omit<CreditNoteData, 'Payments' | 'BookedAt'>) => ({
    CreditNoteFor: d.CreditNoteFor,
    ContactGuid: d.ContactGuid,
    Number: d.Number ?? LONG_MAX,
    ContactName: contactOf(org, d.ContactGuid)?.data.Name ?? null,
    ...documentFields(ctx, org, d),
  })

  const readModel = (org: Organisation, row: Row<CreditNoteData>) => ({
    ...mailOutState(ctx, org, row.guid),
    PaymentStatus: paymentStatus(org, row),
    Status: row.data.Status,
    Guid: row.guid,
    TimeStamp: row.version,
    ...recordStamps(row),
    ...document(org, row.data),
  })

  /** The booking answer: InvoiceReadModel, as the spec declares for this operation. */
  const bookedModel = (org: Organisation, row: Row<CreditNoteData>) => ({
    ...readModel(org, row),
    PaymentDate: null,
    PaymentConditionNumberOfDays: 0,
    PaymentConditionType: null,
    FikCode: null,
    DepositAccountNumber: null,
    IsSentToDebtCollection: false,
    IsMobilePayInvoiceEnabled: false,
    IsPensoPayEnabled: false,
  })

  /** The credited total of the live credit notes naming `invoiceGuid`, `except` one of them. */
  const credited = (org: Organisation, invoiceGuid: string, except?: string) =>
    round2(
      notes
        .table(org)
        .all()
        .filter((r) => r.deletedAt === null && r.guid !== except)
        .filter((r) => r.data.CreditNoteFor?.toLowerCase() === invoiceGuid.toLowerCase())
        // A note with a negative total debits rather than credits: counted as nothing, not as room
        // for more credit (a −1,250 note let a 125 invoice be credited 1,375).
        .reduce((s, r) => s + Math.max(0, totalsOf(org, r.data).TotalInclVat), 0),
    )

  /** Refuses a credit note that would take the credited total of its invoice past the invoice's. */
  const checkCreditable = (org: Organisation, data: CreditNoteData, except?: string) => {
    if (data.CreditNoteFor === null || ctx.deviations.has('dinero.credit-note-exceeds-invoice')) return
    const invoice = ctx.store.invoices(org.Id).get(data.CreditNoteFor)
    if (invoice === undefined) return
    const total = invoiceTotals(org, accountsOf(org), invoice.data).TotalInclVat
    const already = credited(org, invoice.guid, except)
    const asked = totalsOf(org, data).TotalInclVat
    if (already + asked > total + EPSILON)
      throw invalidRequest(
        `The credit notes of invoice ${invoice.data.Number ?? ''} would credit ${round2(already + asked)}, more than its total of ${total}`,
      )
  }

  /** The invoice a credit note names: it must exist, be live and booked. */
  const creditedInvoice = (org: Organisation, guid: string): Row<InvoiceData> => {
    const row = ctx.store.invoices(org.Id).get(guid)
    if (row === undefined || row.deletedAt !== null)
      throw validationError({ CreditNoteFor: `Invoice '${guid}' was not found` })
    if (row.data.Status !== 'Booked') throw voucherNotBooked('only a booked invoice can be credited')
    return row
  }

  /** The stored credit note for a create/update body; what it refers to must exist (400 code 42). */
  const noteData = (org: Organisation, body: SalesCreditNoteCreateModel): CreditNoteData => {
    if (body.ProductLines.length === 0)
      throw invalidRequest('Credit notes must have at least one credit note line')
    const errors = errorMap()
    const contact = namedContact(ctx, org, body.ContactGuid, errors)
    if (body.Language != null && !LANGUAGES.includes(body.Language))
      errors.Language = `Language must be one of ${LANGUAGES.join(', ')}`
    const lines = storedLines(ctx, org, body.ProductLines, errors)
    if (Object.keys(errors).length > 0) throw validationError(errors)
    const invoice = body.CreditNoteFor == null ? undefined : creditedInvoice(org, body.CreditNoteFor)
    const fallback = {
      Currency: invoice?.data.Currency ?? 'DKK',
      Language: invoice?.data.Language ?? 'da-DK',
    }
    return {
      Number: null,
      Status: 'Draft',
      CreditNoteFor: invoice?.guid ?? null,
      ContactGuid: contact?.guid ?? invoice?.data.ContactGuid ?? null,
      ...storedTexts(ctx, body, fallback, ['Credit note', 'Kreditnota']),
      ProductLines: lines,
      Payments: [],
      BookedAt: null,
    }
  }

  const pdf = (org: Organisation, row: Row<CreditNoteData>) => {
    if (row.data.Status !== 'Booked') throw voucherNotBooked('a PDF is made only of a booked credit note')
    const english = row.data.Language === 'en-GB'
    const t = totalsOf(org, row.data)
    const bytes = documentPdf(`${english ? 'Credit note' : 'Kreditnota'} ${row.data.Number}`, [
      org.Name,
      `${english ? 'Date' : 'Dato'}: ${row.data.Date}`,
      ...(contactOf(org, row.data.ContactGuid)
        ? [contactOf(org, row.data.ContactGuid)?.data.Name ?? '']
        : []),
      ...row.data.ProductLines.map((l) => `${l.Quantity} x ${l.Description ?? ''}: ${l.BaseAmountValue}`),
      `Total ${row.data.Currency} ${t.TotalInclVat}`,
    ])
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: { 'content-type': 'application/pdf' },
    })
  }

  /** What an e-mail or e-document about the credit note is called and whom it goes to (mailouts.ts). */
  const mailSubject = (row: Row<CreditNoteData>, type: 'CreditNote' | 'ECreditNote') => {
    const noun = row.data.Language === 'en-GB' ? 'Credit note' : 'Kreditnota'
    return {
      voucherGuid: row.guid,
      type,
      contactGuid: row.data.ContactGuid,
      title: row.data.Number === null ? noun : `${noun} ${row.data.Number}`,
    }
  }

  const createNote = (org: Organisation, data: CreditNoteData, guid: string) => {
    checkCreditable(org, data)
    const row = notes.table(org).insert(guid, data)
    if (row === undefined) throw validationError({ Guid: 'A credit note with this Guid already exists' })
    return row
  }

  return [
    orgRoute(ctx, 'POST', '/v1/:organizationId/sales/creditnotes/fetch', async ({ req, org }) => {
      const body = validate(
        SalesCreditNoteCreateFetchModel,
        await readJson(req.request),
        'SalesCreditNoteCreateFetchModel',
      )
      return dineroJson(document(org, noteData(org, body)))
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales/creditnotes', ({ req, org }) =>
      salesList(ctx, req.url, LIST_FIELDS, [creditNoteSource(ctx, org)]),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/sales/creditnotes', async ({ req, org }) => {
      const body = validate(
        SalesCreditNoteCreateModel,
        await readJson(req.request),
        'SalesCreditNoteCreateModel',
      )
      const row = createNote(org, noteData(org, body), body.Guid ?? randomUUID())
      req.note({ creditNoteGuid: row.guid })
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales/creditnotes/:guid', ({ req, org }) => {
      const row = notes.find(org, req.params.guid)
      const accept = req.request.headers.get('accept') ?? ''
      if (/application\/(pdf|octet-stream)/i.test(accept)) return pdf(org, row)
      return dineroJson(readModel(org, row))
    }),
    orgRoute(ctx, 'PUT', '/v1.2/:organizationId/sales/creditnotes/:guid', async ({ req, org }) => {
      const body = validate(
        SalesCreditNoteUpdateModel,
        await readJson(req.request),
        'SalesCreditNoteUpdateModel',
      )
      const current = notes.live(org, req.params.guid, 'CreditNoteGuid')
      if (current.data.Status === 'Booked' && !ctx.deviations.has('dinero.credit-note-booked-editable'))
        throw invalidRequest('A booked credit note cannot be updated')
      const { Timestamp, Guid: _guid, ...fields } = body
      const data = { ...noteData(org, fields), Number: current.data.Number, Status: current.data.Status }
      checkCreditable(org, data, current.guid)
      const row = notes.modify(org, current.guid, Timestamp, (r) => ({
        data: { ...data, Payments: r.data.Payments, BookedAt: r.data.BookedAt },
      }))
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/sales/creditnotes/:guid', async ({ req, org }) => {
      const body = await optionalTimestamp(req.request)
      const current = notes.live(org, req.params.guid, 'CreditNoteGuid')
      if (current.data.Status === 'Booked' && !ctx.deviations.has('dinero.credit-note-booked-editable'))
        throw invalidRequest('A booked credit note cannot be deleted')
      notes.modify(org, current.guid, body.Timestamp, () => ({ deletedAt: ctx.clock.now() }))
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/sales/creditnotes/:guid/book', async ({ req, org }) => {
      const body = validate(BookModel, await readJson(req.request), 'BookModel')
      const current = notes.live(org, req.params.guid, 'CreditNoteGuid')
      const row = bookDraft(ctx, notes, org, current, body, CREDIT_NOTE)
      req.note({ creditNoteNumber: row.data.Number ?? 0 })
      return dineroJson(bookedModel(org, row))
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales/creditnotes/:guid/pdf', ({ req, org }) =>
      pdf(org, notes.find(org, req.params.guid)),
    ),
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales/creditnotes/:guid/email/template', ({ req, org }) =>
      dineroJson(mailTemplate(ctx, org, mailSubject(notes.find(org, req.params.guid), 'CreditNote'))),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/sales/creditnotes/:guid/email', async ({ req, org }) => {
      const body = validate(ApiMailoutModel, await readJson(req.request), 'ApiMailoutModel')
      const current = notes.live(org, req.params.guid, 'CreditNoteGuid')
      if (current.data.Status !== 'Booked')
        throw voucherNotBooked('only a booked credit note can be e-mailed')
      checkVersion(ctx, current.version, body.Timestamp)
      return dineroJson(sendMail(ctx, org, mailSubject(current, 'CreditNote'), body))
    }),
    orgRoute(
      ctx,
      'POST',
      '/v3/:organizationId/sales/creditnotes/:guid/e-creditNote',
      async ({ req, org }) => {
        const body = validate(EInvoiceSendModel, await readJson(req.request), 'EInvoiceSendModel')
        const current = notes.live(org, req.params.guid, 'CreditNoteGuid')
        if (current.data.Status !== 'Booked')
          throw voucherNotBooked('only a booked credit note can be sent electronically')
        checkVersion(ctx, current.version, body.Timestamp)
        sendEDocument(ctx, org, mailSubject(current, 'ECreditNote'), undefined)
        return emptyOk()
      },
    ),
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales/creditnotes/:guid/mailouts', ({ req, org }) =>
      dineroJson(listMailouts(ctx, org, notes.find(org, req.params.guid).guid, req.url)),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/sales/creditnotes/:guid/payments', async ({ req, org }) => {
      const body = validate(PaymentCreateModel, await readJson(req.request), 'PaymentCreateModel')
      const current = notes.live(org, req.params.guid, 'CreditNoteGuid')
      if (current.data.Status !== 'Booked')
        throw voucherNotBooked('payments can only be added to a booked credit note')
      const payment = newPayment(ctx, org, body)
      const row = notes.modify(org, current.guid, body.Timestamp, (r) => {
        const total = totalsOf(org, r.data).TotalInclVat
        const paid = round2(r.data.Payments.reduce((s, p) => s + p.Amount, 0) + body.Amount)
        if (paid > total + EPSILON || paid < -EPSILON)
          throw invalidRequest(
            `The payment would bring the paid amount to ${paid}; it must stay between 0 and the total of ${total}`,
          )
        return { data: { ...r.data, Payments: [...r.data.Payments, payment] } }
      })
      return dineroJson({ Guid: payment.Guid, TimeStamp: row.version, RelatedVoucherGuid: row.guid })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales/creditnotes/:guid/payments', ({ req, org }) => {
      const row = notes.find(org, req.params.guid)
      const total = totalsOf(org, row.data).TotalInclVat
      const paid = round2(row.data.Payments.reduce((s, p) => s + p.Amount, 0))
      return dineroJson({
        Payments: paymentList(row.data.Payments, row.data.Currency),
        RemainingAmount: row.data.Status === 'Booked' ? round2(total - paid) : total,
        PaidAmount: paid,
        InvoiceTotalIncludingReminderExpenses: total,
        RemainderAsFeeAvailable: false,
      })
    }),
    orgRoute(
      ctx,
      'DELETE',
      '/v1/:organizationId/sales/creditnotes/:guid/payments/:paymentGuid',
      async ({ req, org }) => {
        const body = await optionalTimestamp(req.request)
        const current = notes.live(org, req.params.guid, 'CreditNoteGuid')
        const wanted = req.params.paymentGuid?.toLowerCase()
        if (!current.data.Payments.some((p) => p.Guid.toLowerCase() === wanted)) throw notFound('Payment')
        const row = notes.modify(org, current.guid, body.Timestamp, (r) => ({
          data: { ...r.data, Payments: r.data.Payments.filter((p) => p.Guid.toLowerCase() !== wanted) },
        }))
        return dineroJson({ TimeStamp: row.version })
      },
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/invoices/:guid/generate-creditnote', async ({ req, org }) => {
      const body = await optionalTimestamp(req.request)
      const invoice = invoices.live(org, req.params.guid, 'InvoiceGuid')
      checkVersion(ctx, invoice.version, body.Timestamp)
      if (invoice.data.Status !== 'Booked') throw voucherNotBooked('only a booked invoice can be credited')
      const d = invoice.data
      const row = createNote(
        org,
        {
          Number: null,
          Status: 'Draft',
          CreditNoteFor: invoice.guid,
          ContactGuid: d.ContactGuid,
          Date: isoDay(ctx.clock.now()),
          Currency: d.Currency,
          Language: d.Language,
          ExternalReference: d.ExternalReference,
          Description:
            d.Language === 'en-GB'
              ? `Credit note for invoice ${d.Number}`
              : `Kreditnota til faktura ${d.Number}`,
          Comment: d.Comment,
          Address: d.Address,
          ShowLinesInclVat: d.ShowLinesInclVat,
          InvoiceTemplateId: d.InvoiceTemplateId,
          ProductLines: d.ProductLines.map((l) => ({ ...l })),
          Payments: [],
          BookedAt: null,
        },
        randomUUID(),
      )
      req.note({ creditNoteGuid: row.guid })
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
  ]
}
