import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, errorMap, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import {
  BookModel,
  ManuelVoucherCreateModel,
  ManuelVoucherUpdateModel,
  RequiredTimestampObject,
} from './contract/index.ts'
import { orgRoute } from './endpoint.ts'
import { invalidRequest, validationError } from './errors.ts'
import { bookingNumber, manualImbalance } from './ledger.ts'
import { manualLineAmounts, round2 } from './pricing.ts'
import { dateTime, isoDay } from './query.ts'
import { resource } from './resource.ts'
import type { ManualVoucherData, ManualVoucherLine, Organisation, Row } from './store.ts'

/**
 * Manual vouchers ("finansbilag", dinero-openapi), all five operations of the tag, hand-written:
 * - POST /v1/:org/vouchers/manuel `ManuelVoucherCreateModel` → a draft (ManuelVoucherReadModel,
 *   `Timestamp` small s); "No impact until booked": drafts post no entries;
 * - GET …/:guid; PUT …/:guid `ManuelVoucherUpdateModel` — "Not possible once booked" → 400 code 45;
 * - POST …/:guid/book `BookModel`: at least one line, and lines that balance (one-sided lines
 *   netting to zero, ledger.ts), else 400 code 45; numbered in the ledger's
 *   series for the voucher date's accounting year (ledger.ts); the lines post entries;
 * - DELETE …/:guid `RequiredTimestampObject`: "Draft -> removed. Booked -> offset entry added":
 *   a booked voucher stays, deleted, and its entries are reversed (ledger.ts);
 * - every write checks the sent Timestamp (stale → 400 code 58); accounts named in lines must
 *   exist (400 code 42 naming `Lines[i].AccountNumber`).
 * Line amounts follow ManuelVoucherLineCreateModel: "incl VAT for purchase VAT type; excl VAT for
 * sale/foreign", the rate from the line's VAT code or its account's.
 */
export function manualVoucherRoutes(ctx: DineroContext): Route[] {
  const vouchers = resource(ctx, 'Manual voucher', (id) => ctx.store.manualVouchers(id))

  const lineAmounts = (org: Organisation, line: ManualVoucherLine) =>
    manualLineAmounts(org, ctx.store.entryAccounts(org.Id), line)

  const readModel = (org: Organisation, row: Row<ManualVoucherData>) => {
    const d = row.data
    const lines = d.Lines.map((line) => {
      const a = lineAmounts(org, line)
      return {
        Description: line.Description,
        AmountExclVatValue: a.excl,
        AmountInclVatValue: a.incl,
        VatAmountValue: a.vat,
        AccountNumber: line.AccountNumber,
        BalancingAccountNumber: line.BalancingAccountNumber,
        AccountVatCode: line.AccountVatCode,
        BalancingAccountVatCode: line.BalancingAccountVatCode,
        CurrencyKey: 'DKK',
        AmountInForeignCurrency: null,
      }
    })
    const booked = d.Status === 'Booked'
    return {
      VoucherNumber: d.VoucherNumber,
      VoucherDate: d.VoucherDate,
      TotalInclVat: round2(lines.reduce((s, l) => s + l.AmountInclVatValue, 0)),
      TotalExclVat: round2(lines.reduce((s, l) => s + l.AmountExclVatValue, 0)),
      FileGuid: d.FileGuid,
      Guid: row.guid,
      CreditNoteFor: null,
      Status: d.Status,
      Lines: lines,
      Timestamp: row.version,
      ExternalReference: d.ExternalReference,
      BookedByType: booked ? 'API' : null,
      BookedByUsername: booked ? d.BookedBy : null,
      BookingTime: booked && d.BookedAt !== null ? dateTime(d.BookedAt) : null,
    }
  }

  /** The stored voucher for a create/update body; unknown accounts → 400 code 42. */
  const voucherData = (org: Organisation, body: ManuelVoucherCreateModel): ManualVoucherData => {
    const accounts = new Set(ctx.store.entryAccounts(org.Id).map((a) => a.AccountNumber))
    const errors = errorMap()
    const lines = (body.Lines ?? []).map((l, i) => {
      for (const field of ['AccountNumber', 'BalancingAccountNumber'] as const) {
        const n = l[field]
        if (n != null && !accounts.has(n)) errors[`Lines[${i}].${field}`] = `Account ${n} does not exist`
      }
      return {
        Description: l.Description ?? null,
        AccountNumber: l.AccountNumber ?? null,
        BalancingAccountNumber: l.BalancingAccountNumber ?? null,
        Amount: l.Amount,
        AccountVatCode: l.AccountVatCode ?? null,
        BalancingAccountVatCode: l.BalancingAccountVatCode ?? null,
      }
    })
    if (Object.keys(errors).length > 0) throw validationError(errors)
    return {
      Status: 'Draft',
      VoucherNumber: null,
      VoucherDate: body.VoucherDate ?? isoDay(ctx.clock.now()),
      FileGuid: body.FileGuid ?? null,
      ExternalReference: body.ExternalReference ?? null,
      Lines: lines,
      BookedAt: null,
      BookedBy: null,
    }
  }

  return [
    orgRoute(ctx, 'POST', '/v1/:organizationId/vouchers/manuel/:guid/book', async ({ req, org, caller }) => {
      const body = validate(BookModel, await readJson(req.request), 'BookModel')
      const current = vouchers.live(org, req.params.guid, 'Guid')
      if (current.data.Status === 'Booked') throw invalidRequest('The voucher is already booked')
      if (current.data.Lines.length === 0)
        throw invalidRequest('A voucher must have at least one line to be booked')
      // Double entry (ledger.ts): lines without a balancing account must net to zero.
      const off = manualImbalance(org, ctx.store.entryAccounts(org.Id), current.data.Lines)
      if (off !== 0) throw invalidRequest(`The voucher does not balance: its lines are off by ${off}`)
      const row = vouchers.modify(org, current.guid, body.Timestamp, (r) => ({
        data: {
          ...r.data,
          Status: 'Booked',
          VoucherNumber: bookingNumber(ctx, org, r.data.VoucherDate, body.Number),
          BookedAt: ctx.clock.now(),
          BookedBy: caller.subject,
        },
      }))
      req.note({ voucherNumber: row.data.VoucherNumber ?? 0 })
      return dineroJson(readModel(org, row))
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/vouchers/manuel', async ({ req, org }) => {
      const body = validate(ManuelVoucherCreateModel, await readJson(req.request), 'ManuelVoucherCreateModel')
      const row = vouchers.table(org).insert(randomUUID(), voucherData(org, body))
      if (row === undefined) throw invalidRequest('The voucher could not be created')
      req.note({ manualVoucherGuid: row.guid })
      return dineroJson(readModel(org, row))
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/vouchers/manuel/:guid', ({ req, org }) =>
      dineroJson(readModel(org, vouchers.find(org, req.params.guid))),
    ),
    orgRoute(ctx, 'PUT', '/v1/:organizationId/vouchers/manuel/:guid', async ({ req, org }) => {
      const body = validate(ManuelVoucherUpdateModel, await readJson(req.request), 'ManuelVoucherUpdateModel')
      const current = vouchers.live(org, req.params.guid, 'Guid')
      if (current.data.Status === 'Booked' && !ctx.deviations.has('dinero.booked-voucher-editable'))
        throw invalidRequest('A booked voucher cannot be updated')
      const { Timestamp, ...fields } = body
      const data = voucherData(org, fields)
      return dineroJson(
        readModel(
          org,
          vouchers.modify(org, current.guid, Timestamp, () => ({ data })),
        ),
      )
    }),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/vouchers/manuel/:guid', async ({ req, org }) => {
      const body = validate(RequiredTimestampObject, await readJson(req.request), 'RequiredTimestampObject')
      const current = vouchers.live(org, req.params.guid, 'Guid')
      if (current.data.Status === 'Draft') vouchers.remove(org, current.guid, body.Timestamp)
      else vouchers.modify(org, current.guid, body.Timestamp, () => ({ deletedAt: ctx.clock.now() }))
      return emptyOk()
    }),
  ]
}
