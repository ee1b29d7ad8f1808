import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import {
  BookModel,
  PurchaseVoucherCreateModelV2,
  type PurchaseVoucherLineCreateModel,
  PurchaseVoucherUpdateModel,
  RequiredTimestampObject,
} from './contract/index.ts'
import { namedContact } from './documents.ts'
import { type OrgCall, orgRoute } from './endpoint.ts'
import { invalidRequest, notFound, validationError } from './errors.ts'
import { purchaseLineAmounts, round2 } from './pricing.ts'
import { dateTime, isoDay } from './query.ts'
import { resource } from './resource.ts'
import type { Organisation, PurchaseLine, PurchaseVoucherData, Row } from './store.ts'

/**
 * Purchase vouchers (dinero-openapi):
 * - POST /v1.1/:org/vouchers/purchase and /v1.2/…: `PurchaseVoucherCreateModelV2` →
 *   PurchaseVoucherReadModelV2 (`Timestamp`, small s); PurchaseType `cash`|`credit` required;
 *   a cash purchase with PaymentDate or CurrencyKey → 400 code 42 (manyfold-dinero-tests);
 *   v1.1 ignores AccountTagName (the spec: "Does not support AccountTagName");
 * - GET /v1/:org/vouchers/purchase/:guid → PurchaseVoucherReadModelV2;
 * - PUT /v1.1/… (and /v1/…) `PurchaseVoucherUpdateModel`: booked → 400 code 45, stale → 58;
 * - DELETE /v1/:org/vouchers/purchase/:guid with `{"Timestamp":…}`: without it → 400
 *   (manyfold-dinero-tests); stale → 58; a draft is removed, a booked voucher "creates an offset
 *   entry" (dinero-openapi): its entries are reversed (ledger.ts); either way it is gone from GET,
 *   PUT and book (404 code 40);
 * - POST /v1/:org/vouchers/purchase/:guid/book `BookModel`: cash → Paid, credit (needs a
 *   ContactGuid) → Booked, next voucher number; every line needs an AccountNumber (else 400 code
 *   42 naming `Lines[i].AccountNumber`: a line without one has nowhere to post); the voucher's
 *   entries are posted (ledger.ts).
 * No list endpoint: the spec has none (dinero-openapi).
 */
/** What create and update bodies share (update has looser PurchaseType and RegionKey strings). */
type VoucherFields = Omit<PurchaseVoucherCreateModelV2, 'PurchaseType' | 'RegionKey'> & {
  PurchaseType: string
  RegionKey?: string | null | undefined
}

/**
 * A purchase voucher's or purchase credit note's lines as their read models give them (a line
 * without a VatCode shows its account's), with the totals excl. and incl. VAT (pricing.ts).
 */
export function pricedPurchaseLines(ctx: DineroContext, org: Organisation, stored: readonly PurchaseLine[]) {
  const accounts = ctx.store.entryAccounts(org.Id)
  const lines = stored.map((l) => ({ line: l, amounts: purchaseLineAmounts(org, accounts, l) }))
  return {
    excl: round2(lines.reduce((s, l) => s + l.amounts.AmountExclVatValue, 0)),
    incl: round2(lines.reduce((s, l) => s + l.amounts.AmountInclVatValue, 0)),
    Lines: lines.map(({ line, amounts }) => ({
      Description: line.Description,
      VatCode: line.VatCode ?? accounts.find((a) => a.AccountNumber === line.AccountNumber)?.VatCode ?? null,
      AccountNumber: line.AccountNumber,
      ...amounts,
      AccountTagName: line.AccountTagName,
      AccountWeightTagId: null,
      AccountWeightTagVersion: null,
      AccountTagSynonym: null,
    })),
  }
}

function readModel(ctx: DineroContext, org: Organisation, row: Row<PurchaseVoucherData>) {
  const { excl, incl, Lines } = pricedPurchaseLines(ctx, org, row.data.Lines)
  const booked = row.data.Status !== 'Draft'
  return {
    Guid: row.guid,
    Timestamp: row.version,
    // Credit payments (purchase-credit-notes.ts) that reach the total make a booked credit purchase Paid.
    Status: row.data.Status === 'Booked' && paidInFull(ctx, org, row.guid, incl) ? 'Paid' : row.data.Status,
    FileGuid: row.data.FileGuid,
    VoucherNumber: row.data.VoucherNumber,
    VoucherDate: row.data.VoucherDate,
    PaymentDate: row.data.PaymentDate,
    RegionKey: row.data.RegionKey,
    PurchaseType: row.data.PurchaseType,
    Lines,
    DepositAccountNumber: row.data.DepositAccountNumber,
    ContactGuid: row.data.ContactGuid,
    ExternalReference: row.data.ExternalReference,
    VoucherTotals: [
      { Label: 'Subtotal', Total: excl, Type: 'SubTotal', Position: 0 },
      { Label: 'Moms', Total: round2(incl - excl), Type: 'Vat', Position: 1 },
      { Label: 'Total', Total: incl, Type: 'Total', Position: 2 },
    ],
    CurrencyKey: row.data.CurrencyKey,
    BookedByType: booked ? 'Api' : null,
    BookedByUsername: booked ? 'Dinero API' : null,
    BookingTime: row.data.BookingTime,
  }
}

/**
 * The stored lines of a purchase voucher or purchase credit note body: an account a line names must
 * be an entry account (else 400 code 42 naming `Lines[i].AccountNumber`); `keepTags` is false for
 * the v1 bodies, which carry no AccountTagName.
 */
export function purchaseLines(
  ctx: DineroContext,
  org: Organisation,
  body: readonly PurchaseVoucherLineCreateModel[],
  errors: Record<string, string>,
  keepTags: boolean,
): PurchaseLine[] {
  const accounts = ctx.store.entryAccounts(org.Id)
  return body.map((l, i) => {
    if (l.AccountNumber != null && !accounts.some((a) => a.AccountNumber === l.AccountNumber))
      errors[`Lines[${i}].AccountNumber`] = `Account ${l.AccountNumber} does not exist`
    return {
      AccountNumber: l.AccountNumber ?? null,
      Description: l.Description ?? null,
      Amount: l.Amount,
      VatCode: l.VatCode ?? null,
      AccountTagName: keepTags ? (l.AccountTagName ?? null) : null,
    }
  })
}

function voucherData(
  ctx: DineroContext,
  org: Organisation,
  body: VoucherFields,
  keepTags: boolean,
): PurchaseVoucherData {
  const errors: Record<string, string> = {}
  const type = body.PurchaseType.toLowerCase()
  if (type !== 'cash' && type !== 'credit') errors.PurchaseType = "PurchaseType must be 'cash' or 'credit'"
  if (type === 'cash' && body.PaymentDate != null)
    errors.PaymentDate = 'PaymentDate cannot be set on a cash purchase'
  if (type === 'cash' && body.CurrencyKey != null)
    errors.CurrencyKey = 'CurrencyKey cannot be set on a cash purchase'
  namedContact(ctx, org, body.ContactGuid, errors)
  const deposits = ctx.store.depositAccounts(org.Id)
  if (
    body.DepositAccountNumber != null &&
    !deposits.some((a) => a.AccountNumber === body.DepositAccountNumber)
  )
    errors.DepositAccountNumber = `Deposit account ${body.DepositAccountNumber} does not exist`
  const lines = purchaseLines(ctx, org, body.Lines ?? [], errors, keepTags)
  if (Object.keys(errors).length > 0) throw validationError(errors)
  const cash = type === 'cash'
  return {
    PurchaseType: cash ? 'cash' : 'credit',
    Status: 'Draft',
    VoucherNumber: null,
    VoucherDate: body.VoucherDate ?? isoDay(ctx.clock.now()),
    PaymentDate: cash ? null : (body.PaymentDate ?? null),
    RegionKey: body.RegionKey ?? null,
    FileGuid: body.FileGuid ?? null,
    ContactGuid: body.ContactGuid ?? null,
    DepositAccountNumber: cash
      ? (body.DepositAccountNumber ?? deposits.find((a) => a.IsDefault)?.AccountNumber ?? null)
      : (body.DepositAccountNumber ?? null),
    CurrencyKey: body.CurrencyKey ?? 'DKK',
    ExternalReference: body.ExternalReference ?? null,
    Lines: lines,
    BookingTime: null,
  }
}

export function voucherRoutes(ctx: DineroContext): Route[] {
  const resourceOf = resource(ctx, 'Purchase voucher', (id) => ctx.store.purchaseVouchers(id))
  // A deleted booked voucher stays in the store for its reversal (ledger.ts) but is gone for the API.
  const vouchers = {
    ...resourceOf,
    find: (org: Organisation, guid: string | undefined) => {
      const row = resourceOf.find(org, guid)
      if (row.deletedAt !== null) throw notFound('Purchase voucher')
      return row
    },
  }
  const create =
    (keepTags: boolean) =>
    async ({ req, org }: OrgCall) => {
      const body = validate(
        PurchaseVoucherCreateModelV2,
        await readJson(req.request),
        'PurchaseVoucherCreateModelV2',
      )
      const row = vouchers.table(org).insert(randomUUID(), voucherData(ctx, org, body, keepTags))
      if (row === undefined) throw new Error('purchase voucher guid collision')
      req.note({ voucherGuid: row.guid })
      return dineroJson(readModel(ctx, org, row))
    }
  const update =
    (keepTags: boolean) =>
    async ({ req, org }: OrgCall) => {
      const body = validate(
        PurchaseVoucherUpdateModel,
        await readJson(req.request),
        'PurchaseVoucherUpdateModel',
      )
      const current = vouchers.find(org, req.params.guid)
      if (current.data.Status !== 'Draft') throw invalidRequest('A booked purchase voucher cannot be updated')
      const { Timestamp, ...fields } = body
      const data = voucherData(ctx, org, fields, keepTags)
      return dineroJson(
        readModel(
          ctx,
          org,
          vouchers.modify(org, current.guid, Timestamp, () => ({ data })),
        ),
      )
    }
  return [
    orgRoute(ctx, 'POST', '/v1.1/:organizationId/vouchers/purchase', create(false)),
    orgRoute(ctx, 'POST', '/v1.2/:organizationId/vouchers/purchase', create(true)),
    orgRoute(ctx, 'GET', '/v1/:organizationId/vouchers/purchase/:guid', ({ req, org }) =>
      dineroJson(readModel(ctx, org, vouchers.find(org, req.params.guid))),
    ),
    orgRoute(ctx, 'PUT', '/v1.1/:organizationId/vouchers/purchase/:guid', update(true)),
    orgRoute(ctx, 'PUT', '/v1/:organizationId/vouchers/purchase/:guid', update(false)),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/vouchers/purchase/:guid', async ({ req, org }) => {
      const body = validate(RequiredTimestampObject, await readJson(req.request), 'TimestampObject')
      const current = vouchers.find(org, req.params.guid)
      if (current.data.Status === 'Draft') vouchers.remove(org, current.guid, body.Timestamp)
      else vouchers.modify(org, current.guid, body.Timestamp, () => ({ deletedAt: ctx.clock.now() }))
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/vouchers/purchase/:guid/book', async ({ req, org }) => {
      const body = validate(BookModel, await readJson(req.request), 'BookModel')
      const current = vouchers.find(org, req.params.guid)
      if (current.data.Status !== 'Draft') throw invalidRequest('The purchase voucher is already booked')
      const errors: Record<string, string> = {}
      if (current.data.Lines.length === 0)
        errors.Lines = 'A purchase voucher needs at least one line to be booked'
      current.data.Lines.forEach((l, i) => {
        if (l.AccountNumber === null)
          errors[`Lines[${i}].AccountNumber`] = 'Every line needs an AccountNumber to be booked'
      })
      if (current.data.PurchaseType === 'credit' && current.data.ContactGuid === null)
        errors.ContactGuid = 'A credit purchase needs a ContactGuid to be booked'
      if (Object.keys(errors).length > 0) throw validationError(errors)
      const row = vouchers.modify(org, current.guid, body.Timestamp, (r) => ({
        data: {
          ...r.data,
          Status: r.data.PurchaseType === 'cash' ? 'Paid' : 'Booked',
          VoucherNumber: vouchers.nextNumber(org, (d) => d.VoucherNumber, body.Number, 'Voucher'),
          BookingTime: dateTime(ctx.clock.now()),
        },
      }))
      return dineroJson(readModel(ctx, org, row))
    }),
  ]
}

/** Within half a cent: amounts are kept to two decimals (round2). */
const PAID_EPSILON = 0.005

/**
 * Whether the credit payments on a booked credit purchase voucher or purchase credit note reach
 * its total, so it reads as Paid (PurchaseCreditNoteReadModel lists Paid among its statuses).
 */
export function paidInFull(ctx: DineroContext, org: Organisation, guid: string, total: number): boolean {
  const payments = ctx.store
    .purchasePayments(org.Id)
    .all()
    .filter((p) => p.data.VoucherGuid.toLowerCase() === guid.toLowerCase())
  return (
    payments.length > 0 && round2(payments.reduce((s, p) => s + p.data.Amount, 0)) >= total - PAID_EPSILON
  )
}
