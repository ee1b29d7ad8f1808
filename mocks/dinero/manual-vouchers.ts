import { createHash, randomUUID } from 'node:crypto'
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
import { invalidFormat, invalidRequest, validationError } from './errors.ts'
import { round2, vatRate } from './pricing.ts'
import { dateTime, isoDay } from './query.ts'
import { resource } from './resource.ts'
import type { ManualVoucherData, ManualVoucherLine, Organisation, Row } from './store.ts'

/**
 * Manual vouchers and the entries they post (dinero-openapi, hand-written; the other operations
 * of these tags are generated):
 * - POST /v1/:org/vouchers/manuel `ManuelVoucherCreateModel` → a draft (ManuelVoucherReadModel,
 *   `Timestamp` small s); "No impact until booked": drafts post no entries;
 * - GET …/:guid; PUT …/:guid `ManuelVoucherUpdateModel` — "Not possible once booked" → 400 code 45;
 * - POST …/:guid/book `BookModel`: at least one line (else 400 code 45); the voucher number is the
 *   requested one when free, else the next in sequence within the voucher date's accounting year
 *   (a taken number → 400 code 45); the lines post entries;
 * - DELETE …/:guid `RequiredTimestampObject`: "Draft -> removed. Booked -> offset entry added":
 *   a booked voucher stays, deleted, and its entries are reversed on the day of deletion;
 * - every write checks the sent Timestamp (stale → 400 code 58); accounts named in lines must
 *   exist (400 code 42 naming `Lines[i].AccountNumber`);
 * - GET /v1/:org/entries?fromDate&toDate: the entries dated in the period, which "cannot cross
 *   accounting years" (400 code 45); GET /v1/:org/entries/changes?changesFrom&changesTo: the
 *   entries posted in the window, at most 31 days (400 code 45).
 * assumption: open-dinero-unlisted-responses — the accounting year is the calendar year of the
 * voucher date (no organisation here has another); each line posts its amount to AccountNumber
 * and the negated amount to BalancingAccountNumber, the VAT code recorded on the entry but no VAT
 * split posted; no primo (opening) entries exist, so `includePrimo` changes nothing; the entry's
 * VoucherType is `Manual`.
 */

const DAY = 86_400_000

export interface Entry {
  AccountNumber: number
  AccountName: string | null
  Date: string
  VoucherNumber: number | null
  VoucherGuid: string
  FileGuid: string | null
  VoucherType: string
  Description: string | null
  VatType: string | null
  VatCode: string | null
  Amount: number
  EntryGuid: string
  ContactGuid: string | null
  Type: 'Normal'
}

/** A stable Guid per voucher, line, side and reversal, so an entry keeps its EntryGuid across reads. */
function entryGuid(key: string): string {
  const h = createHash('sha1').update(key).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const yearOf = (day: string) => day.slice(0, 4)

export function manualVoucherRoutes(ctx: DineroContext): Route[] {
  const vouchers = resource(ctx, 'Manual voucher', (id) => ctx.store.manualVouchers(id))

  const lineAmounts = (org: Organisation, line: ManualVoucherLine) => {
    const accounts = ctx.store.entryAccounts(org.Id)
    const code =
      line.AccountVatCode ?? accounts.find((a) => a.AccountNumber === line.AccountNumber)?.VatCode ?? null
    const rate = vatRate(org, accounts, line.AccountNumber, code)
    // ManuelVoucherLineCreateModel: "incl VAT for purchase VAT type; excl VAT for sale/foreign".
    const inclusive = code?.toUpperCase().startsWith('I') === true
    const excl = inclusive ? line.Amount / (1 + rate) : line.Amount
    const incl = inclusive ? line.Amount : line.Amount * (1 + rate)
    return { excl: round2(excl), incl: round2(incl), vat: round2(incl - excl) }
  }

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

  /** The entries every booked voucher posted, with the reversal of the deleted ones. */
  const entries = (org: Organisation): { entry: Entry; postedAt: number }[] => {
    const names = new Map(ctx.store.entryAccounts(org.Id).map((a) => [a.AccountNumber, a.Name]))
    const out: { entry: Entry; postedAt: number }[] = []
    for (const row of ctx.store.manualVouchers(org.Id).all()) {
      const d = row.data
      if (d.Status !== 'Booked' || d.BookedAt === null) continue
      const post = (reversal: boolean) => {
        const sign = reversal ? -1 : 1
        const date = reversal && row.deletedAt !== null ? isoDay(row.deletedAt) : d.VoucherDate
        d.Lines.forEach((line, i) => {
          const sides = [
            [line.AccountNumber, line.Amount, line.AccountVatCode, 'a'],
            [line.BalancingAccountNumber, -line.Amount, line.BalancingAccountVatCode, 'b'],
          ] as const
          for (const [account, amount, vatCode, side] of sides) {
            if (account === null) continue
            out.push({
              postedAt: reversal && row.deletedAt !== null ? row.deletedAt : (d.BookedAt ?? 0),
              entry: {
                AccountNumber: account,
                AccountName: names.get(account) ?? null,
                Date: date,
                VoucherNumber: d.VoucherNumber,
                VoucherGuid: row.guid,
                FileGuid: d.FileGuid,
                VoucherType: 'Manual',
                Description: line.Description,
                VatType: null,
                VatCode: vatCode,
                Amount: round2(sign * amount),
                EntryGuid: entryGuid(`${row.guid}:${i}:${side}:${reversal ? 'r' : 'p'}`),
                ContactGuid: null,
                Type: 'Normal',
              },
            })
          }
        })
      }
      post(false)
      if (row.deletedAt !== null) post(true)
    }
    return out
  }

  const instant = (url: URL, name: string): number => {
    const raw = url.searchParams.get(name)
    if (raw === null || raw === '') throw invalidRequest(`${name} is required`)
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw)
    if (Number.isNaN(ms)) throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
    return ms
  }

  return [
    orgRoute(ctx, 'POST', '/v1/:organizationId/vouchers/manuel/:guid/book', async ({ req, org, caller }) => {
      const body = validate(BookModel, await readJson(req.request), 'BookModel')
      const current = vouchers.live(org, req.params.guid, 'Guid')
      if (current.data.Status === 'Booked') throw invalidRequest('The voucher is already booked')
      if (current.data.Lines.length === 0)
        throw invalidRequest('A voucher must have at least one line to be booked')
      const row = vouchers.modify(org, current.guid, body.Timestamp, (r) => {
        const year = yearOf(r.data.VoucherDate)
        const used = vouchers
          .table(org)
          .all()
          .filter((v) => v.data.VoucherNumber !== null && yearOf(v.data.VoucherDate) === year)
          .map((v) => v.data.VoucherNumber as number)
        if (body.Number != null && used.includes(body.Number))
          throw invalidRequest(`Voucher number ${body.Number} is already in use in ${year}`)
        const number = body.Number ?? Math.max(0, ...used) + 1
        return {
          data: {
            ...r.data,
            Status: 'Booked',
            VoucherNumber: number,
            BookedAt: ctx.clock.now(),
            BookedBy: caller.subject,
          },
        }
      })
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
      if (current.data.Status === 'Booked') throw invalidRequest('A booked voucher cannot be updated')
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
    orgRoute(ctx, 'GET', '/v1/:organizationId/entries/changes', ({ req, org }) => {
      const from = instant(req.url, 'changesFrom')
      const to = instant(req.url, 'changesTo')
      if (to < from) throw invalidRequest('changesTo must not be before changesFrom')
      if (to - from > 31 * DAY) throw invalidRequest('The time range cannot be longer than 31 days')
      return dineroJson(
        entries(org)
          .filter((e) => e.postedAt >= from && e.postedAt <= to)
          .map((e) => e.entry),
      )
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/entries', ({ req, org }) => {
      const from = isoDay(instant(req.url, 'fromDate'))
      const to = isoDay(instant(req.url, 'toDate'))
      if (yearOf(from) !== yearOf(to)) throw invalidRequest('The period cannot cross accounting years')
      if (to < from) throw invalidRequest('toDate must not be before fromDate')
      return dineroJson(
        entries(org)
          .map((e) => e.entry)
          .filter((e) => e.Date >= from && e.Date <= to),
      )
    }),
  ]
}
