import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, errorMap, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import {
  BookModel,
  CreditNoteForPurchaseVoucherRequest,
  PurchaseCreditNoteCreateModel,
  PurchaseCreditNoteUpdateModel,
  PurchaseVoucherCreditPaymentCreateModel,
  TimestampObject,
} from './contract/index.ts'
import { calendarDay, calendarInstant } from './dates.ts'
import { checkDepositAccount, namedContact, paymentFields } from './documents.ts'
import { orgRoute } from './endpoint.ts'
import { invalidRequest, notFound, validationError, voucherNotBooked } from './errors.ts'
import { checkVersion } from './mailouts.ts'
import { purchaseLineAmounts, round2 } from './pricing.ts'
import { dateTime, isoDay } from './query.ts'
import { resource } from './resource.ts'
import type { Organisation, PurchaseCreditNoteData, PurchaseLine, Row } from './store.ts'
import { paidInFull, pricedPurchaseLines, purchaseLines } from './vouchers.ts'

/**
 * Purchase credit notes, credit payments on purchases, and generating a credit note from a
 * purchase voucher (dinero-openapi: PurchaseCreditNote, PurchaseVoucherCreditPayments,
 * PurchaseVouchers), hand-written:
 * - POST /v1/:org/vouchers/purchase/creditnotes `PurchaseCreditNoteCreateModel` →
 *   CreatedResponseModel: a draft; no lines ("min one") → 400 code 45; unknown accounts, contact
 *   or a Date that is not a date → 42; `CreditNoteFor` names the purchase voucher credited:
 *   unknown → 42, a draft → 59;
 * - the credited total of the live credit notes naming one purchase voucher cannot exceed that
 *   voucher's total → 400 code 45 (as for sales credit notes, credit-notes.ts);
 * - GET …/:guid → PurchaseCreditNoteReadModel (`Timestamp`, small s; `Date` a date-time);
 *   PUT …/:guid `PurchaseCreditNoteUpdateModel` and DELETE …/:guid `TimestampObject`: drafts
 *   only (booked → 45), stale Timestamp → 58; a deleted draft is gone (then 404 code 40);
 * - POST …/:guid/book `BookModel` → PurchaseCreditNoteReadModel: "ContactGuid (required for
 *   booking)" → else 42; numbered in the purchase credit notes' own series;
 * - POST /v1/:org/vouchers/purchase/:guid/generate-creditnote
 *   `CreditNoteForPurchaseVoucherRequest` (its `Timestamp` is a TimestampObject, as the
 *   extraction types it) → CreatedResponseModel: a draft copying a booked voucher's lines
 *   (draft → 59), dated VoucherDate or today;
 * - GET/POST /v1/:org/purchase-vouchers/:id/payments and DELETE …/payments/:paymentId/:timestamp:
 *   payments on a booked credit purchase voucher or a booked purchase credit note (a draft → 59,
 *   a cash purchase → 45: it is paid when booked); an unknown deposit account → 42; a payment
 *   beyond the outstanding amount → 45; each payment and deletion is a new version of the voucher
 *   it pays, so the create body's Timestamp and the delete path's timestamp are checked (58);
 *   paid in full, the voucher or credit note reads as Paid.
 * Booking needs an AccountNumber on every line (else 400 code 42 naming `Lines[i].AccountNumber`);
 * booked credit notes and credit payments post their entries (ledger.ts); a deleted purchase
 * voucher takes no payments (404 code 40).
 * assumption: open-dinero-unlisted-responses — the refusal codes above follow the sales credit
 * notes (credit-notes.ts explains 45 for business rules).
 */
const EPSILON = 0.005

/** `Date` is a date-time in the extraction; the day is what is kept (example '2022-05-16'). */
function dayOf(raw: string): string | undefined {
  const ms = calendarDay(raw) ?? calendarInstant(raw)
  return ms === undefined ? undefined : isoDay(ms)
}

export function purchaseCreditNoteRoutes(ctx: DineroContext): Route[] {
  const notes = resource(ctx, 'Purchase credit note', (id) => ctx.store.purchaseCreditNotes(id))
  const vouchers = resource(ctx, 'Purchase voucher', (id) => ctx.store.purchaseVouchers(id))
  const totalOf = (org: Organisation, lines: readonly PurchaseLine[]) => {
    const accounts = ctx.store.entryAccounts(org.Id)
    return round2(lines.reduce((s, l) => s + purchaseLineAmounts(org, accounts, l).AmountInclVatValue, 0))
  }

  const readModel = (org: Organisation, row: Row<PurchaseCreditNoteData>) => {
    const { excl, incl, Lines } = pricedPurchaseLines(ctx, org, row.data.Lines)
    const booked = row.data.Status === 'Booked'
    return {
      Guid: row.guid,
      CreditNoteFor: row.data.CreditNoteFor,
      FileGuid: row.data.FileGuid,
      CreditNoteNumber: row.data.Number,
      ContactGuid: row.data.ContactGuid,
      Date: `${row.data.Date}T00:00:00`,
      Currency: row.data.Currency,
      Lines,
      Timestamp: row.version,
      Status: booked && paidInFull(ctx, org, row.guid, incl) ? 'Paid' : row.data.Status,
      BookedByType: booked ? 'API' : null,
      BookedByUsername: booked ? row.data.BookedBy : null,
      BookingTime: row.data.BookingTime,
      Totals: [
        { Label: 'Subtotal', Total: excl, Type: 'SubTotal', Position: 0 },
        { Label: 'Moms', Total: round2(incl - excl), Type: 'Vat', Position: 1 },
        { Label: 'Total', Total: incl, Type: 'Total', Position: 2 },
      ],
    }
  }

  /** The booked purchase voucher a credit note names (unknown → 42, draft → 59). */
  const creditedVoucher = (org: Organisation, guid: string) => {
    const row = ctx.store.purchaseVouchers(org.Id).get(guid)
    if (row === undefined || row.deletedAt !== null)
      throw validationError({ CreditNoteFor: `Purchase voucher '${guid}' was not found` })
    if (row.data.Status === 'Draft') throw voucherNotBooked('only a booked purchase voucher can be credited')
    return row
  }

  const checkCreditable = (org: Organisation, data: PurchaseCreditNoteData, except?: string) => {
    if (data.CreditNoteFor === null || ctx.deviations.has('dinero.credit-note-exceeds-invoice')) return
    const voucher = ctx.store.purchaseVouchers(org.Id).get(data.CreditNoteFor)
    if (voucher === undefined) return
    const total = totalOf(org, voucher.data.Lines)
    const already = notes
      .table(org)
      .all()
      .filter((r) => r.guid !== except && r.data.CreditNoteFor?.toLowerCase() === voucher.guid.toLowerCase())
      // A note with a negative total is no credit, and makes no room for more (credit-notes.ts).
      .reduce((s, r) => s + Math.max(0, totalOf(org, r.data.Lines)), 0)
    const asked = totalOf(org, data.Lines)
    if (already + asked > total + EPSILON)
      throw invalidRequest(
        `The credit notes of purchase voucher ${voucher.data.VoucherNumber ?? ''} would credit ${round2(already + asked)}, more than its total of ${total}`,
      )
  }

  type Fields = Omit<PurchaseCreditNoteCreateModel, 'Guid'>
  const noteData = (org: Organisation, body: Fields): PurchaseCreditNoteData => {
    if (body.Lines.length === 0) throw invalidRequest('A purchase credit note must have at least one line')
    const errors = errorMap()
    namedContact(ctx, org, body.ContactGuid, errors)
    const day = body.Date == null ? isoDay(ctx.clock.now()) : dayOf(body.Date)
    if (day === undefined) errors.Date = `The value '${body.Date}' is not a valid date`
    const lines = purchaseLines(ctx, org, body.Lines, errors, true)
    if (Object.keys(errors).length > 0) throw validationError(errors)
    const voucher = body.CreditNoteFor == null ? undefined : creditedVoucher(org, body.CreditNoteFor)
    return {
      Number: null,
      Status: 'Draft',
      CreditNoteFor: voucher?.guid ?? null,
      FileGuid: body.FileGuid ?? null,
      ContactGuid: body.ContactGuid ?? voucher?.data.ContactGuid ?? null,
      Date: day ?? isoDay(ctx.clock.now()),
      Currency: body.Currency ?? voucher?.data.CurrencyKey ?? 'DKK',
      Lines: lines,
      BookingTime: null,
      BookedBy: null,
    }
  }

  const insert = (org: Organisation, data: PurchaseCreditNoteData, guid: string) => {
    checkCreditable(org, data)
    const row = notes.table(org).insert(guid, data)
    if (row === undefined)
      throw validationError({ Guid: 'A purchase credit note with this Guid already exists' })
    return row
  }

  /** The voucher a credit payment belongs to: a booked credit purchase voucher or purchase credit note. */
  const payable = (org: Organisation, id: string | undefined) => {
    const note = id === undefined ? undefined : ctx.store.purchaseCreditNotes(org.Id).get(id)
    if (note !== undefined) {
      if (note.data.Status !== 'Booked') throw voucherNotBooked('payments need a booked credit note')
      return {
        guid: note.guid,
        version: note.version,
        total: totalOf(org, note.data.Lines),
        currency: note.data.Currency,
        bump: (expected: string | undefined) => notes.modify(org, note.guid, expected, () => ({})).version,
      }
    }
    const voucher = vouchers.find(org, id)
    if (voucher.deletedAt !== null) throw notFound('Purchase voucher')
    if (voucher.data.Status === 'Draft') throw voucherNotBooked('payments need a booked purchase voucher')
    if (voucher.data.PurchaseType !== 'credit')
      throw invalidRequest('A cash purchase is paid when it is booked; payments are for credit purchases')
    return {
      guid: voucher.guid,
      version: voucher.version,
      total: totalOf(org, voucher.data.Lines),
      currency: voucher.data.CurrencyKey ?? 'DKK',
      bump: (expected: string | undefined) =>
        vouchers.modify(org, voucher.guid, expected, () => ({})).version,
    }
  }
  const paymentsOf = (org: Organisation, guid: string) =>
    ctx.store
      .purchasePayments(org.Id)
      .all()
      .filter((p) => p.data.VoucherGuid.toLowerCase() === guid.toLowerCase())

  return [
    orgRoute(ctx, 'POST', '/v1/:organizationId/vouchers/purchase/creditnotes', async ({ req, org }) => {
      const body = validate(
        PurchaseCreditNoteCreateModel,
        await readJson(req.request),
        'PurchaseCreditNoteCreateModel',
      )
      const row = insert(org, noteData(org, body), body.Guid ?? randomUUID())
      req.note({ purchaseCreditNoteGuid: row.guid })
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/vouchers/purchase/creditnotes/:guid', ({ req, org }) =>
      dineroJson(readModel(org, notes.find(org, req.params.guid))),
    ),
    orgRoute(ctx, 'PUT', '/v1/:organizationId/vouchers/purchase/creditnotes/:guid', async ({ req, org }) => {
      const body = validate(
        PurchaseCreditNoteUpdateModel,
        await readJson(req.request),
        'PurchaseCreditNoteUpdateModel',
      )
      const current = notes.find(org, req.params.guid)
      if (current.data.Status === 'Booked')
        throw invalidRequest('A booked purchase credit note cannot be updated')
      const { Timestamp, ...fields } = body
      const data = noteData(org, fields)
      checkCreditable(org, data, current.guid)
      const row = notes.modify(org, current.guid, Timestamp, () => ({ data }))
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(
      ctx,
      'DELETE',
      '/v1/:organizationId/vouchers/purchase/creditnotes/:guid',
      async ({ req, org }) => {
        const body = validate(TimestampObject, await readJson(req.request), 'TimestampObject')
        const current = notes.find(org, req.params.guid)
        if (current.data.Status === 'Booked')
          throw invalidRequest('A booked purchase credit note cannot be deleted')
        notes.remove(org, current.guid, body.Timestamp)
        return emptyOk()
      },
    ),
    orgRoute(
      ctx,
      'POST',
      '/v1/:organizationId/vouchers/purchase/creditnotes/:guid/book',
      async ({ req, org, caller }) => {
        const body = validate(BookModel, await readJson(req.request), 'BookModel')
        const current = notes.find(org, req.params.guid)
        if (current.data.Status === 'Booked')
          throw invalidRequest('The purchase credit note is already booked')
        const errors = errorMap()
        if (current.data.ContactGuid === null)
          errors.ContactGuid = 'A purchase credit note must have a ContactGuid to be booked'
        current.data.Lines.forEach((l, i) => {
          if (l.AccountNumber === null)
            errors[`Lines[${i}].AccountNumber`] = 'Every line needs an AccountNumber to be booked'
        })
        if (Object.keys(errors).length > 0) throw validationError(errors)
        const row = notes.modify(org, current.guid, body.Timestamp, (r) => ({
          data: {
            ...r.data,
            Status: 'Booked',
            Number: notes.nextNumber(org, (d) => d.Number, body.Number, 'Purchase credit note'),
            BookingTime: dateTime(ctx.clock.now()),
            BookedBy: caller.subject,
          },
        }))
        return dineroJson(readModel(org, row))
      },
    ),
    orgRoute(
      ctx,
      'POST',
      '/v1/:organizationId/vouchers/purchase/:guid/generate-creditnote',
      async ({ req, org }) => {
        const body = validate(
          CreditNoteForPurchaseVoucherRequest,
          await readJson(req.request),
          'CreditNoteForPurchaseVoucherRequest',
        )
        const voucher = vouchers.find(org, req.params.guid)
        if (voucher.deletedAt !== null) throw notFound('Purchase voucher')
        checkVersion(ctx, voucher.version, body.Timestamp.Timestamp)
        if (voucher.data.Status === 'Draft')
          throw voucherNotBooked('only a booked purchase voucher can be credited')
        const day = body.VoucherDate == null ? isoDay(ctx.clock.now()) : dayOf(body.VoucherDate)
        if (day === undefined)
          throw validationError({ VoucherDate: `The value '${body.VoucherDate}' is not a valid date` })
        const row = insert(
          org,
          {
            Number: null,
            Status: 'Draft',
            CreditNoteFor: voucher.guid,
            FileGuid: body.FileGuid ?? null,
            ContactGuid: voucher.data.ContactGuid,
            Date: day,
            Currency: voucher.data.CurrencyKey ?? 'DKK',
            Lines: voucher.data.Lines.map((l) => ({ ...l })),
            BookingTime: null,
            BookedBy: null,
          },
          randomUUID(),
        )
        req.note({ purchaseCreditNoteGuid: row.guid })
        return dineroJson({ Guid: row.guid, TimeStamp: row.version })
      },
    ),
    orgRoute(ctx, 'GET', '/v1/:organizationId/purchase-vouchers/:id/payments', ({ req, org }) => {
      const target = payable(org, req.params.id)
      return dineroJson(
        paymentsOf(org, target.guid).map((p) => ({
          Guid: p.guid,
          DepositAccountNumber: p.data.DepositAccountNumber,
          Currency: target.currency,
          ExchangeRate: 100,
          PaymentClass: 'Payment',
          RelatedVoucherId: target.guid,
          ExternalReference: p.data.ExternalReference,
          PaymentDate: p.data.PaymentDate,
          Description: p.data.Description,
          Amount: p.data.Amount,
        })),
      )
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/purchase-vouchers/:id/payments', async ({ req, org }) => {
      const body = validate(
        PurchaseVoucherCreditPaymentCreateModel,
        await readJson(req.request),
        'PurchaseVoucherCreditPaymentCreateModel',
      )
      const target = payable(org, req.params.id)
      checkDepositAccount(ctx, org, body.DepositAccountNumber)
      const paid = round2(paymentsOf(org, target.guid).reduce((s, p) => s + p.data.Amount, 0) + body.Amount)
      if (paid > target.total + EPSILON || paid < -EPSILON)
        throw invalidRequest(
          `The payment would bring the paid amount to ${paid}; it must stay between 0 and the total of ${target.total}`,
        )
      // The voucher's new version is taken before the payment is kept, so a stale Timestamp stores nothing.
      const version = target.bump(body.Timestamp)
      const row = ctx.store.purchasePayments(org.Id).insert(randomUUID(), {
        VoucherGuid: target.guid,
        ...paymentFields(ctx, body),
      })
      if (row === undefined) throw new Error('payment guid collision')
      return dineroJson({ Guid: row.guid, TimeStamp: version, RelatedVoucherGuid: target.guid })
    }),
    orgRoute(
      ctx,
      'DELETE',
      '/v1/:organizationId/purchase-vouchers/:id/payments/:paymentId/:timestamp',
      ({ req, org }) => {
        const target = payable(org, req.params.id)
        const payment = paymentsOf(org, target.guid).find(
          (p) => p.guid.toLowerCase() === req.params.paymentId?.toLowerCase(),
        )
        if (payment === undefined) throw notFound('Payment')
        const version = target.bump(req.params.timestamp)
        ctx.store.purchasePayments(org.Id).remove(payment.guid, undefined)
        return dineroJson({ TimeStamp: version })
      },
    ),
  ]
}
