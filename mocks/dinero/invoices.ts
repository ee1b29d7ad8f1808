import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, errorMap, LONG_MAX, optionalTimestamp, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import {
  BookModel,
  InvoiceCreateModel,
  InvoiceUpdateModel,
  PaymentCreateModel,
  RequiredTimestampObject,
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
import { acceptsPdf, documentLines, pdfResponse } from './pdf.ts'
import { invoiceTotals, round2 } from './pricing.ts'
import { isoDay, recordStamps } from './query.ts'
import { resource } from './resource.ts'
import { type SalesListItem, type SalesSource, salesFields, salesList } from './sales-list.ts'
import type { InvoiceData, Organisation, Row } from './store.ts'

/**
 * Sales invoices (dinero-openapi, with the domain rules it states):
 * - GET /v1/:org/invoices: the sales list (sales-list.ts) over the invoices, `fields` default
 *   `Guid,ContactName,Date,Description`;
 * - GET /v1/:org/invoices/:guid → InvoiceReadModel (`TimeStamp`, capital S; a draft's Number is
 *   long.MaxValue as captured); with Accept `application/octet-stream` (or `application/pdf`) the
 *   PDF (pdf.ts), which "can only be generated from booked invoices": a draft → 400 code 59;
 * - POST /v1/:org/invoices `InvoiceCreateModel` → CreatedResponseModel; no lines → 400 code 45
 *   "Invoices must have at least one invoice line" (apaq-dinero-fixtures);
 * - PUT /v1.2/:org/invoices/:guid `InvoiceUpdateModel` → UpdatedResponseModel; booked → 400 45;
 * - DELETE /v1/:org/invoices/:guid `TimestampObject` (optional version check) → soft delete;
 *   booked → 400 45;
 * - POST …/:guid/book `BookModel` → InvoiceReadModel; needs a ContactGuid; gets the next number
 *   (or the requested free one);
 * - POST …/:guid/payments `PaymentCreateModel` → CreatedPaymentResponse; draft → 400 code 59;
 *   GET /v2/:org/invoices/:guid/payments → InvoicePaymentsModel; DELETE …/payments/:paymentGuid
 *   `RequiredTimestampObject` → DeletedPaymentResponse (unknown payment → 40; stale → 58).
 * Every write that carries a Timestamp compares it with the current version in the same
 * synchronous step as the write: stale → 400 code 58 (deviation dinero.ignore-timestamp skips it).
 */
const LIST_FIELDS = salesFields('Guid,ContactName,Date,Description')
const STATUSES = ['Draft', 'Booked', 'Paid', 'OverPaid', 'Overdue'] as const

const DAY = 86_400_000
const INVOICE = { the: 'The invoice', a: 'An invoice', series: 'Invoice' }

function paymentDate(data: InvoiceData): string {
  const date = Date.parse(`${data.Date}T00:00:00Z`)
  switch (data.PaymentConditionType) {
    case 'NettoCash':
    case 'Paid':
      return data.Date
    case 'CurrentMonthOut': {
      const d = new Date(date)
      const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)
      return isoDay(monthEnd + data.PaymentConditionNumberOfDays * DAY)
    }
    default:
      return isoDay(date + data.PaymentConditionNumberOfDays * DAY)
  }
}

interface Derived {
  totals: ReturnType<typeof invoiceTotals>
  paid: number
  paymentStatus: (typeof STATUSES)[number]
  paymentDate: string
  contactName: string | null
}

function derive(ctx: DineroContext, org: Organisation, row: Row<InvoiceData>): Derived {
  const totals = invoiceTotals(org, ctx.store.entryAccounts(org.Id), row.data)
  const paid = round2(row.data.Payments.reduce((s, p) => s + p.Amount, 0))
  const due = paymentDate(row.data)
  let paymentStatus: Derived['paymentStatus']
  if (row.data.Status === 'Draft') paymentStatus = 'Draft'
  else if (paid > totals.TotalInclVat + 0.005) paymentStatus = 'OverPaid'
  else if (
    row.data.Payments.length > 0 &&
    (paid >= totals.TotalInclVat - 0.005 || row.data.Payments.some((p) => p.RemainderIsFee))
  )
    paymentStatus = 'Paid'
  else if (due < isoDay(ctx.clock.now())) paymentStatus = 'Overdue'
  else paymentStatus = 'Booked'
  const contact =
    row.data.ContactGuid === null ? undefined : ctx.store.contacts(org.Id).get(row.data.ContactGuid)
  return { totals, paid, paymentStatus, paymentDate: due, contactName: contact?.data.Name ?? null }
}

export function invoiceReadModel(ctx: DineroContext, org: Organisation, row: Row<InvoiceData>) {
  const d = derive(ctx, org, row)
  return {
    PaymentDate: d.paymentDate,
    PaymentStatus: d.paymentStatus,
    PaymentConditionNumberOfDays: row.data.PaymentConditionNumberOfDays,
    PaymentConditionType: row.data.PaymentConditionType,
    FikCode: null,
    DepositAccountNumber: null,
    ...mailOutState(ctx, org, row.guid),
    IsSentToDebtCollection: false,
    IsMobilePayInvoiceEnabled: row.data.IsMobilePayInvoiceEnabled,
    IsPensoPayEnabled: row.data.IsPensoPayEnabled,
    Status: row.data.Status,
    ContactGuid: row.data.ContactGuid,
    Guid: row.guid,
    TimeStamp: row.version,
    ...recordStamps(row),
    Number: row.data.Number ?? LONG_MAX,
    ContactName: d.contactName,
    ...documentFields(ctx, org, row.data),
  }
}

/** An invoice as an item of the sales lists (SalesVoucherReadListModel, `Type` Invoice). */
export function invoiceListItem(ctx: DineroContext, org: Organisation, row: Row<InvoiceData>): SalesListItem {
  const m = invoiceReadModel(ctx, org, row)
  return {
    Number: m.Number,
    Guid: m.Guid,
    ExternalReference: m.ExternalReference,
    Date: m.Date,
    PaymentDate: m.PaymentDate,
    Description: m.Description,
    Status: m.PaymentStatus,
    Type: 'Invoice',
    ContactName: m.ContactName,
    ContactGuid: m.ContactGuid,
    TotalInclVat: m.TotalInclVat,
    TotalExclVat: m.TotalExclVat,
    // assumption: no exchange rates are modelled; foreign-currency totals count 1:1 in DKK.
    TotalInclVatInDkk: m.TotalInclVat,
    TotalExclVatInDkk: m.TotalExclVat,
    MailOutStatus: m.MailOutStatus,
    LatestMailOutType: m.LatestMailOutType,
    Currency: m.Currency,
    CreatedAt: m.CreatedAt,
    UpdatedAt: m.UpdatedAt,
    DeletedAt: m.DeletedAt,
  }
}

/** The invoices as a sales-list source (sales-list.ts). */
export const invoiceSource = (ctx: DineroContext, org: Organisation): SalesSource<InvoiceData> => ({
  rows: ctx.store.invoices(org.Id).all(),
  dateOf: (row) => ({ Date: row.data.Date, Draft: row.data.Status === 'Draft' }),
  item: (row) => invoiceListItem(ctx, org, row),
})

/** Builds the stored invoice from a create/update body, checking what it refers to (400 code 42). */
function invoiceData(ctx: DineroContext, org: Organisation, body: InvoiceCreateModel): InvoiceData {
  if (body.ProductLines.length === 0) throw invalidRequest('Invoices must have at least one invoice line')
  const errors = errorMap()
  const contact = namedContact(ctx, org, body.ContactGuid, errors)
  const lines = storedLines(ctx, org, body.ProductLines, errors)
  if (Object.keys(errors).length > 0) throw validationError(errors)
  const type = body.PaymentConditionType ?? contact?.data.PaymentConditionType ?? 'Netto'
  const days =
    type === 'NettoCash' || type === 'Paid'
      ? 0
      : (body.PaymentConditionNumberOfDays ?? contact?.data.PaymentConditionNumberOfDays ?? 8)
  const data: InvoiceData = {
    Number: null,
    Status: 'Draft',
    ContactGuid: contact?.guid ?? null,
    ...storedTexts(ctx, body, { Currency: 'DKK', Language: 'da-DK' }, ['Invoice', 'Faktura']),
    PaymentConditionType: type,
    PaymentConditionNumberOfDays: days,
    IsMobilePayInvoiceEnabled: body.IsMobilePayInvoiceEnabled ?? false,
    IsPensoPayEnabled: body.IsPensoPayEnabled ?? false,
    ProductLines: lines,
    Payments: [],
    ReminderFee: body.ReminderFee ?? null,
    ReminderInterestRate: body.ReminderInterestRate ?? null,
  }
  // A due date past 9999-12-31 is no date (it read "+010000-01", Overdue the moment it was
  // booked); a .NET DateTime ends there too.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(paymentDate(data)))
    throw validationError({ PaymentConditionNumberOfDays: 'The payment date would fall after 9999-12-31' })
  return data
}

export function invoiceRoutes(ctx: DineroContext): Route[] {
  const invoices = resource(ctx, 'Invoice', (id) => ctx.store.invoices(id))
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/invoices', ({ req, org }) =>
      salesList(ctx, req.url, LIST_FIELDS, [invoiceSource(ctx, org)]),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/invoices', async ({ req, org }) => {
      const body = validate(InvoiceCreateModel, await readJson(req.request), 'InvoiceCreateModel')
      const data = invoiceData(ctx, org, body)
      const row = invoices.table(org).insert(body.Guid ?? randomUUID(), data)
      if (row === undefined) throw validationError({ Guid: 'An invoice with this Guid already exists' })
      req.note({ invoiceGuid: row.guid })
      ctx.webhooks.emit(org.Id, 'invoice.created', row.guid)
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/invoices/:guid', ({ req, org }) => {
      const row = invoices.find(org, req.params.guid)
      const model = invoiceReadModel(ctx, org, row)
      if (!acceptsPdf(req.request)) return dineroJson(model)
      // "PDF's can only be generated from booked invoices" (dinero-openapi).
      if (row.data.Status !== 'Booked') throw voucherNotBooked('a PDF needs a booked invoice')
      const title = `${row.data.Language === 'en-GB' ? 'Invoice' : 'Faktura'} ${row.data.Number}`
      return pdfResponse(req.request, title, documentLines(model))
    }),
    orgRoute(ctx, 'PUT', '/v1.2/:organizationId/invoices/:guid', async ({ req, org }) => {
      const body = validate(InvoiceUpdateModel, await readJson(req.request), 'InvoiceUpdateModel')
      const current = invoices.live(org, req.params.guid, 'InvoiceGuid')
      if (current.data.Status === 'Booked')
        throw invalidRequest('A booked invoice cannot be updated; use a credit note')
      const { Timestamp, ...fields } = body
      const data = invoiceData(ctx, org, fields)
      const row = invoices.modify(org, current.guid, Timestamp, () => ({ data }))
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/invoices/:guid', async ({ req, org }) => {
      const body = await optionalTimestamp(req.request)
      const current = invoices.live(org, req.params.guid, 'InvoiceGuid')
      if (current.data.Status === 'Booked')
        throw invalidRequest('A booked invoice cannot be deleted; use a credit note')
      invoices.modify(org, current.guid, body.Timestamp, () => ({ deletedAt: ctx.clock.now() }))
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/invoices/:guid/book', async ({ req, org }) => {
      const body = validate(BookModel, await readJson(req.request), 'BookModel')
      const current = invoices.live(org, req.params.guid, 'InvoiceGuid')
      const row = bookDraft(ctx, invoices, org, current, body, INVOICE)
      req.note({ invoiceNumber: row.data.Number ?? 0 })
      ctx.webhooks.emit(org.Id, 'invoice.booked', row.guid)
      return dineroJson(invoiceReadModel(ctx, org, row))
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/invoices/:guid/payments', async ({ req, org }) => {
      const body = validate(PaymentCreateModel, await readJson(req.request), 'PaymentCreateModel')
      const current = invoices.live(org, req.params.guid, 'InvoiceGuid')
      if (current.data.Status !== 'Booked')
        throw voucherNotBooked('payments can only be added to a booked invoice')
      const payment = newPayment(ctx, org, body)
      const row = invoices.modify(org, current.guid, body.Timestamp, (r) => ({
        data: { ...r.data, Payments: [...r.data.Payments, payment] },
      }))
      ctx.webhooks.emit(org.Id, 'invoice.payment-added', row.guid)
      return dineroJson({ Guid: payment.Guid, TimeStamp: row.version, RelatedVoucherGuid: row.guid })
    }),
    // "Delete payment from invoice" with a RequiredTimestampObject (dinero-openapi): the payment
    // goes, and with it the entries it posted (ledger.ts derives them from the invoice's payments).
    orgRoute(
      ctx,
      'DELETE',
      '/v1/:organizationId/invoices/:guid/payments/:paymentGuid',
      async ({ req, org }) => {
        const body = validate(RequiredTimestampObject, await readJson(req.request), 'RequiredTimestampObject')
        const current = invoices.live(org, req.params.guid, 'InvoiceGuid')
        const wanted = req.params.paymentGuid?.toLowerCase()
        if (!current.data.Payments.some((p) => p.Guid.toLowerCase() === wanted)) throw notFound('Payment')
        const row = invoices.modify(org, current.guid, body.Timestamp, (r) => ({
          data: { ...r.data, Payments: r.data.Payments.filter((p) => p.Guid.toLowerCase() !== wanted) },
        }))
        return dineroJson({ TimeStamp: row.version })
      },
    ),
    orgRoute(ctx, 'GET', '/v2/:organizationId/invoices/:guid/payments', ({ req, org }) => {
      const row = invoices.find(org, req.params.guid)
      const d = derive(ctx, org, row)
      const remaining = d.paymentStatus === 'Paid' ? 0 : round2(d.totals.TotalInclVat - d.paid)
      return dineroJson({
        Payments: paymentList(row.data.Payments, row.data.Currency),
        RemainingAmount: remaining,
        PaidAmount: d.paid,
        InvoiceTotalIncludingReminderExpenses: d.totals.TotalInclVat,
        RemainderAsFeeAvailable: row.data.Status === 'Booked' && remaining > 0,
      })
    }),
  ]
}
