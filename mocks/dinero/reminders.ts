import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { ApiMailoutModel, generated } from './contract/index.ts'
import { ReminderFetchModel } from './contract/trade-offers.ts'
import { calendarDay } from './dates.ts'
import { orgRoute } from './endpoint.ts'
import { invalidRequest, notFound, validationError, voucherNotBooked } from './errors.ts'
import { invoiceReadModel } from './invoices.ts'
import { checkVersion, documentTitle, mailTemplate, sendEDocument, sendMail } from './mailouts.ts'
import { acceptsPdf, pdfResponse } from './pdf.ts'
import { round2 } from './pricing.ts'
import { isoDay, parseChangesSince, passesLifecycle } from './query.ts'
import { resource } from './resource.ts'
import type { InvoiceData, Organisation, ReminderData, Row } from './store.ts'

/**
 * Reminders ("rykkere") of overdue invoices (dinero-openapi), all eleven operations of the tag,
 * hand-written, on `/v1/:org/invoices/:voucherGuid/reminders…`:
 * - POST `ReminderCreateModel` → ReminderViewModel, a draft: "Invoice must be overdue; after 10
 *   days another reminder can be added", "Up to three reminders per invoice". The invoice must be
 *   booked (a draft → 400 code 59 "Voucher not booked") and overdue on the mock clock; its
 *   `Timestamp` is the invoice's version (stale → 400 code 58);
 * - GET (list, `changesSince`), GET …/:id (json, or the PDF when Accept asks), PUT …/:id
 *   `ReminderCreateModel` (a draft only), DELETE …/:id `ReminderDeleteModel`, POST …/:id/book
 *   `ReminderBookModel` ("Book the reminder for effect"); each checks the reminder's Timestamp;
 * - GET …/next: the reminder Dinero would create next, nothing stored; POST …/fetch
 *   `ReminderFetchModel`: the amounts of a reminder with those flags, nothing stored;
 * - GET …/email/template, POST …/email `ApiMailoutModel` (the latest reminder, → EmailSentModel),
 *   POST …/:id/e-reminder `EanReminderModel`: accepted and recorded, nothing sent (mailouts.ts).
 * Amounts: `FeeAmount` is the invoice's `ReminderFee` (InvoiceCreateModel, 0..100), `InterestAmount`
 * its `ReminderInterestRate` % of the amount due per started month past the due date; the
 * compensation fee once per invoice, for a business customer; `AccumulatedFeesAndInterestAmount`
 * adds up this and the earlier reminders; `ReminderTotalInclVatAmount` = invoice total − paid +
 * accumulated.
 */

// assumption: open-dinero-unlisted-responses — the extraction leaves the fee defaults to Dinero's
// settings; the mock takes Danish law's (dk-renteloven §9 b): a reminder fee of at most DKK 100, at
// most three reminders, 10 days apart, and the business compensation fee of DKK 310 (§9 a stk. 3).
// An invoice made without ReminderFee charges the cap, one without ReminderInterestRate no interest.
const DEFAULT_FEE = 100
const COMPENSATION_FEE = 310
const MAX_REMINDERS = 3
const SPACING_DAYS = 10
const DAY = 86_400_000

interface ReminderCreateModel {
  Timestamp: string
  Date: string
  Title?: string | null | undefined
  Description?: string | null | undefined
  WithDebtCollectionWarning: boolean
  WithFee: boolean
  WithInterestFee: boolean
  WithCompensationFee: boolean
}

interface EanReminderModel {
  AttPerson?: string | null
  Timestamp?: string | null
  ReceiverEanNumber?: string | null
  PaymentMeanEnum: string
}

type Terms = Omit<ReminderData, 'InvoiceGuid' | 'IsDraft'>

const kroner = new Intl.NumberFormat('da-DK', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

const dayOf = (text: string) => Date.parse(`${text}T00:00:00Z`)

export function reminderRoutes(ctx: DineroContext): Route[] {
  const invoices = resource(ctx, 'Invoice', (id) => ctx.store.invoices(id))
  const reminders = resource(ctx, 'Reminder', (id) => ctx.store.reminders(id))
  const base = '/v1/:organizationId/invoices/:voucherGuid/reminders'

  /** The invoice's reminders that count (not deleted), oldest first. */
  const standing = (org: Organisation, invoiceGuid: string) =>
    reminders
      .table(org)
      .all()
      .filter((r) => r.deletedAt === null && r.data.InvoiceGuid.toLowerCase() === invoiceGuid.toLowerCase())
      .sort((a, b) => Number(a.guid) - Number(b.guid))

  const invoiceOf = (org: Organisation, guid: string | undefined) => {
    const row = invoices.live(org, guid, 'VoucherGuid')
    if (row.data.Status !== 'Booked') throw voucherNotBooked('only a booked invoice has reminders')
    return row
  }

  const reminderOf = (org: Organisation, invoice: Row<InvoiceData>, id: string | undefined) => {
    const row = id !== undefined && /^\d{1,10}$/.test(id) ? reminders.table(org).get(id) : undefined
    if (row === undefined || row.data.InvoiceGuid.toLowerCase() !== invoice.guid.toLowerCase())
      throw notFound('Reminder')
    return row
  }

  const parseDate = (text: string) => {
    if (calendarDay(text) === undefined)
      throw validationError({ Date: `The value '${text}' is not a valid date (YYYY-MM-DD)` })
    return text
  }

  /** Whether a new reminder may be added on `date`: overdue, fewer than three, ten days apart. */
  const mayAdd = (
    org: Organisation,
    invoice: Row<InvoiceData>,
    date: string,
    earlier: Row<ReminderData>[],
  ) => {
    // assumption: open-dinero-unlisted-responses — "Invoice must be overdue" names no error code;
    // a request a rule of the resource refuses is Dinero's "Invalid request", 45, as for an invoice
    // without lines (apaq-dinero-fixtures). A draft invoice is refused before, with 59.
    if (
      !ctx.deviations.has('dinero.reminders-any-invoice') &&
      invoiceReadModel(ctx, org, invoice).PaymentStatus !== 'Overdue'
    )
      throw invalidRequest('The invoice is not overdue: a reminder can only be added to an overdue invoice')
    if (earlier.length >= MAX_REMINDERS) throw invalidRequest('An invoice can have at most three reminders')
    const last = earlier.at(-1)
    if (last !== undefined && dayOf(date) < dayOf(last.data.Date) + SPACING_DAYS * DAY)
      throw invalidRequest('Another reminder can be added 10 days after the previous one at the earliest')
  }

  /** The compensation fee: once per invoice, and only from a business (dk-renteloven §9 a stk. 3). */
  const canCompensate = (org: Organisation, invoice: Row<InvoiceData>, earlier: Row<ReminderData>[]) => {
    const guid = invoice.data.ContactGuid
    const contact = guid === null ? undefined : ctx.store.contacts(org.Id).get(guid)
    return contact !== undefined && !contact.data.IsPerson && !earlier.some((r) => r.data.WithCompensationFee)
  }

  /** ReminderViewModel of a reminder (stored or prospective) following `earlier` on `invoice`. */
  const view = (
    org: Organisation,
    invoice: Row<InvoiceData>,
    terms: Terms,
    earlier: Row<ReminderData>[],
    identity: { id: number | null; draft: boolean; deleted: boolean; version: string },
  ) => {
    const model = invoiceReadModel(ctx, org, invoice)
    const currency = model.Currency
    const text = (n: number) => `${kroner.format(n)} ${currency}`
    const paid = round2(invoice.data.Payments.reduce((s, p) => s + p.Amount, 0))
    const due = round2(model.TotalInclVat - paid)
    /** Months begun between the due date and a reminder's date (interest is per started month). */
    const months = (date: string) =>
      Math.max(0, Math.ceil((dayOf(date) - dayOf(model.PaymentDate)) / (30 * DAY)))
    const compensationAvailable = canCompensate(org, invoice, earlier)
    const own = (t: Terms, available: boolean) => ({
      fee: t.WithFee ? (invoice.data.ReminderFee ?? DEFAULT_FEE) : 0,
      interest: t.WithInterestFee
        ? round2(due * ((invoice.data.ReminderInterestRate ?? 0) / 100) * months(t.Date))
        : 0,
      compensation: t.WithCompensationFee && available ? COMPENSATION_FEE : 0,
    })
    const mine = own(terms, compensationAvailable)
    const before = earlier.reduce((sum, r) => {
      const a = own(r.data, true)
      return sum + a.fee + a.interest + a.compensation
    }, 0)
    const accumulated = round2(before + mine.fee + mine.interest + mine.compensation)
    const number = earlier.length + 1
    return {
      Id: identity.id,
      IsDraft: identity.draft,
      IsDeleted: identity.deleted,
      Number: number,
      DebtCollectionNoticeText: terms.WithDebtCollectionWarning
        ? 'Betales det skyldige beløb ikke, vil sagen blive overgivet til inkasso.'
        : null,
      InvoiceTotalInclVatAmountText: text(model.TotalInclVat),
      InvoiceTotalInclVatAmount: model.TotalInclVat,
      FeeAmountText: text(mine.fee),
      FeeAmount: mine.fee,
      InterestAmountText: text(mine.interest),
      InterestAmount: mine.interest,
      CompensationFeeAvailable: compensationAvailable,
      CompensationFeeAmountText: text(mine.compensation),
      CompensationFeeAmount: mine.compensation,
      AccumulatedFeesAndInterestAmountText: text(accumulated),
      AccumulatedFeesAndInterestAmount: accumulated,
      PaidAmountText: text(paid),
      PaidAmount: paid,
      ReminderTotalInclVatAmountText: text(round2(due + accumulated)),
      ReminderTotalInclVatAmount: round2(due + accumulated),
      Timestamp: identity.version,
      Date: terms.Date,
      Title: terms.Title ?? `${documentTitle(invoice.data.Language, 'Reminder', number)}`,
      Description: terms.Description,
      WithDebtCollectionWarning: terms.WithDebtCollectionWarning,
      WithFee: terms.WithFee,
      WithInterestFee: terms.WithInterestFee,
      WithCompensationFee: terms.WithCompensationFee,
    }
  }

  const stored = (org: Organisation, invoice: Row<InvoiceData>, row: Row<ReminderData>) =>
    view(
      org,
      invoice,
      row.data,
      standing(org, invoice.guid).filter((r) => Number(r.guid) < Number(row.guid)),
      {
        id: Number(row.guid),
        draft: row.data.IsDraft,
        deleted: row.deletedAt !== null,
        version: row.version,
      },
    )

  const termsOf = (body: Omit<ReminderCreateModel, 'Timestamp'>): Terms => ({
    Date: parseDate(body.Date),
    Title: body.Title ?? null,
    Description: body.Description ?? null,
    WithDebtCollectionWarning: body.WithDebtCollectionWarning,
    WithFee: body.WithFee,
    WithInterestFee: body.WithInterestFee,
    WithCompensationFee: body.WithCompensationFee,
  })

  const compensationCheck = (
    org: Organisation,
    invoice: Row<InvoiceData>,
    terms: Terms,
    earlier: Row<ReminderData>[],
  ) => {
    if (terms.WithCompensationFee && !canCompensate(org, invoice, earlier))
      throw invalidRequest('The compensation fee is available once per invoice, for a business customer')
  }

  const createModel = generated.schema('ReminderCreateModel')
  const bookModel = generated.schema('ReminderBookModel')
  const deleteModel = generated.schema('ReminderDeleteModel')
  const eanModel = generated.schema('EanReminderModel')

  const title = (invoice: Row<InvoiceData>, number: number) =>
    documentTitle(invoice.data.Language, 'Reminder', number)

  return [
    orgRoute(ctx, 'GET', `${base}/next`, ({ req, org }) => {
      const invoice = invoiceOf(org, req.params.voucherGuid)
      const earlier = standing(org, invoice.guid)
      const last = earlier.at(-1)
      const spaced = last === undefined ? 0 : dayOf(last.data.Date) + SPACING_DAYS * DAY
      const date = isoDay(Math.max(ctx.clock.now(), spaced))
      mayAdd(org, invoice, date, earlier)
      // The next one charges everything the invoice allows; the last warns of debt collection.
      const terms: Terms = {
        Date: date,
        Title: null,
        Description: null,
        WithDebtCollectionWarning: earlier.length + 1 === MAX_REMINDERS,
        WithFee: true,
        WithInterestFee: true,
        WithCompensationFee: canCompensate(org, invoice, earlier),
      }
      return dineroJson(
        view(org, invoice, terms, earlier, {
          id: null,
          draft: true,
          deleted: false,
          version: invoice.version,
        }),
      )
    }),
    orgRoute(ctx, 'POST', `${base}/fetch`, async ({ req, org }) => {
      const body = validate(ReminderFetchModel, await readJson(req.request), 'ReminderFetchModel')
      const invoice = invoiceOf(org, req.params.voucherGuid)
      const terms = termsOf(body)
      const earlier = standing(org, invoice.guid)
      mayAdd(org, invoice, terms.Date, earlier)
      compensationCheck(org, invoice, terms, earlier)
      return dineroJson(
        view(org, invoice, terms, earlier, {
          id: null,
          draft: true,
          deleted: false,
          version: invoice.version,
        }),
      )
    }),
    orgRoute(ctx, 'GET', `${base}/email/template`, ({ req, org }) => {
      const invoice = invoices.live(org, req.params.voucherGuid, 'VoucherGuid')
      const latest = standing(org, invoice.guid).length
      return dineroJson(
        mailTemplate(ctx, org, {
          voucherGuid: invoice.guid,
          type: 'Reminder',
          contactGuid: invoice.data.ContactGuid,
          title: title(invoice, Math.max(1, latest)),
        }),
      )
    }),
    orgRoute(ctx, 'POST', `${base}/email`, async ({ req, org }) => {
      const body = validate(ApiMailoutModel, await readJson(req.request), 'ApiMailoutModel')
      const invoice = invoiceOf(org, req.params.voucherGuid)
      const all = standing(org, invoice.guid)
      const latest = all.at(-1)
      // assumption: open-dinero-unlisted-responses — the operation names no reminder; it sends the
      // latest one, and without any there is nothing to send (45, Invalid request).
      if (latest === undefined) throw invalidRequest('The invoice has no reminder to send')
      checkVersion(ctx, latest.version, body.Timestamp)
      const about = {
        voucherGuid: invoice.guid,
        type: 'Reminder' as const,
        contactGuid: invoice.data.ContactGuid,
        title: title(invoice, all.length),
      }
      return dineroJson(sendMail(ctx, org, about, body))
    }),
    orgRoute(ctx, 'GET', base, ({ req, org }) => {
      const invoice = invoices.find(org, req.params.voucherGuid)
      const since = parseChangesSince(req.url)
      const rows = reminders
        .table(org)
        .all()
        .filter((r) => r.data.InvoiceGuid.toLowerCase() === invoice.guid.toLowerCase())
        .filter((r) => passesLifecycle(r, since === undefined ? false : undefined, since))
      return dineroJson(rows.map((r) => stored(org, invoice, r)))
    }),
    orgRoute(ctx, 'POST', base, async ({ req, org }) => {
      const body = validate(
        createModel,
        await readJson(req.request),
        'ReminderCreateModel',
      ) as ReminderCreateModel
      const invoice = invoiceOf(org, req.params.voucherGuid)
      const terms = termsOf(body)
      const earlier = standing(org, invoice.guid)
      mayAdd(org, invoice, terms.Date, earlier)
      compensationCheck(org, invoice, terms, earlier)
      checkVersion(ctx, invoice.version, body.Timestamp)
      const table = reminders.table(org)
      const row = table.insert(String(table.all().length + 1), {
        ...terms,
        InvoiceGuid: invoice.guid,
        IsDraft: true,
      })
      if (row === undefined) throw invalidRequest('The reminder could not be created')
      req.note({ reminderId: Number(row.guid) })
      return dineroJson(stored(org, invoice, row))
    }),
    orgRoute(ctx, 'GET', `${base}/:id`, ({ req, org }) => {
      const invoice = invoices.find(org, req.params.voucherGuid)
      const row = reminderOf(org, invoice, req.params.id)
      const model = stored(org, invoice, row)
      if (acceptsPdf(req.request))
        return pdfResponse(req.request, title(invoice, model.Number), [
          `Faktura ${invoice.data.Number ?? ''}`,
          `Dato: ${model.Date}`,
          `Fakturabeløb: ${model.InvoiceTotalInclVatAmountText}`,
          `Betalt: ${model.PaidAmountText}`,
          `Gebyrer og renter: ${model.AccumulatedFeesAndInterestAmountText}`,
          `At betale: ${model.ReminderTotalInclVatAmountText}`,
        ])
      return dineroJson(model)
    }),
    orgRoute(ctx, 'PUT', `${base}/:id`, async ({ req, org }) => {
      const body = validate(
        createModel,
        await readJson(req.request),
        'ReminderCreateModel',
      ) as ReminderCreateModel
      const invoice = invoiceOf(org, req.params.voucherGuid)
      const current = reminderOf(org, invoice, req.params.id)
      if (current.deletedAt !== null) throw notFound('Reminder')
      if (!current.data.IsDraft) throw invalidRequest('A booked reminder cannot be updated')
      const terms = termsOf(body)
      const earlier = standing(org, invoice.guid).filter((r) => Number(r.guid) < Number(current.guid))
      const last = earlier.at(-1)
      if (last !== undefined && dayOf(terms.Date) < dayOf(last.data.Date) + SPACING_DAYS * DAY)
        throw invalidRequest('Another reminder can be added 10 days after the previous one at the earliest')
      compensationCheck(org, invoice, terms, earlier)
      const row = reminders.modify(org, current.guid, body.Timestamp, (r) => ({
        data: { ...r.data, ...terms },
      }))
      return dineroJson(stored(org, invoice, row))
    }),
    orgRoute(ctx, 'DELETE', `${base}/:id`, async ({ req, org }) => {
      const body = validate(deleteModel, await readJson(req.request), 'ReminderDeleteModel') as {
        Timestamp: string
      }
      const invoice = invoices.find(org, req.params.voucherGuid)
      const current = reminderOf(org, invoice, req.params.id)
      if (current.deletedAt !== null) throw notFound('Reminder')
      reminders.modify(org, current.guid, body.Timestamp, () => ({ deletedAt: ctx.clock.now() }))
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', `${base}/:id/book`, async ({ req, org }) => {
      const body = validate(bookModel, await readJson(req.request), 'ReminderBookModel') as {
        Timestamp: string
      }
      const invoice = invoiceOf(org, req.params.voucherGuid)
      const current = reminderOf(org, invoice, req.params.id)
      if (current.deletedAt !== null) throw notFound('Reminder')
      if (!current.data.IsDraft) throw invalidRequest('The reminder is already booked')
      const row = reminders.modify(org, current.guid, body.Timestamp, (r) => ({
        data: { ...r.data, IsDraft: false },
      }))
      return dineroJson(stored(org, invoice, row))
    }),
    orgRoute(ctx, 'POST', `${base}/:id/e-reminder`, async ({ req, org }) => {
      const body = validate(eanModel, await readJson(req.request), 'EanReminderModel') as EanReminderModel
      const invoice = invoiceOf(org, req.params.voucherGuid)
      const current = reminderOf(org, invoice, req.params.id)
      if (current.deletedAt !== null) throw notFound('Reminder')
      checkVersion(ctx, current.version, body.Timestamp)
      const number = stored(org, invoice, current).Number
      sendEDocument(
        ctx,
        org,
        {
          voucherGuid: invoice.guid,
          type: 'EReminder',
          contactGuid: invoice.data.ContactGuid,
          title: title(invoice, number),
        },
        body.ReceiverEanNumber,
      )
      return emptyOk()
    }),
  ]
}
