import { createHash } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { orgRoute } from './endpoint.ts'
import { DineroError, invalidFormat, invalidRequest } from './errors.ts'
import { lineAmounts, round2 } from './pricing.ts'
import { isoDay, paginate } from './query.ts'
import type { EntryAccount, Organisation } from './store.ts'

/**
 * The ledger the booked manual vouchers and ledger items post to (dinero-openapi, Entry):
 * - voucher numbers: manual vouchers and ledger items share one series per accounting year; a
 *   requested number already used that year → 400 code 45, none → the year's highest + 1;
 * - GET /v1/:org/entries?fromDate&toDate: the entries dated in the period, which "cannot cross
 *   accounting years" (400 code 45; a missing bound → 45, one that is not a date → 44);
 *   GET /v1/:org/entries/changes?changesFrom&changesTo: the entries posted in the window, at most
 *   31 days (400 code 45); both answer a plain array (no paging is documented for them);
 * - accounting years: "create a new accounting year by simply booking a voucher in the next
 *   possible accounting year" — the years run from the first year anything was booked in
 *   (vouchers, ledger items, invoices, reversals) to the last, and at least to the clock's year;
 * - primo (opening) entries, `Type: 'Primo'`, dated the first day of each accounting year: every
 *   balance-sheet account's closing amount from the years before, and the results of those years
 *   carried to the first Equity account, so a year's primo sums to zero; one stable EntryGuid per
 *   account and year ("guid of a primo entry is the same for an accounting year"); listed unless
 *   `includePrimo=false`, in changes when a posting behind it was made in the window.
 * assumption: open-dinero-unlisted-responses — the accounting year is the calendar year of the
 * voucher date (no organisation here has another), and booking in any later year opens every year
 * up to it; each line posts its amount to AccountNumber and the negated amount to
 * BalancingAccountNumber, its VAT code recorded on the entry but no VAT split posted; a deleted
 * booked voucher posts the reversal on the day it was deleted. An account is a result (income
 * statement) account when its category is one of the documented result categories, a balance
 * account when it is a balance one, and otherwise by number: below 50000 result, since the
 * documented ranges put expenses in 2000–9399 and deposit accounts in 55000–55999.
 */

const DAY = 86_400_000

export const yearOf = (day: string) => day.slice(0, 4)

export interface PostedLine {
  Description: string | null
  Amount: number
  AccountNumber: number | null
  AccountVatCode: string | null
  BalancingAccountNumber: number | null
  BalancingAccountVatCode: string | null
}

/** A booked voucher as the ledger sees it. */
interface Posting {
  guid: string
  number: number | null
  date: string
  fileGuid: string | null
  type: 'Manual' | 'Ledger' | 'CreditNote'
  lines: PostedLine[]
  bookedAt: number
  deletedAt: number | null
}

function postings(ctx: Pick<DineroContext, 'store'>, org: Organisation): Posting[] {
  const out: Posting[] = []
  for (const row of ctx.store.manualVouchers(org.Id).all()) {
    const d = row.data
    if (d.Status !== 'Booked' || d.BookedAt === null) continue
    out.push({
      guid: row.guid,
      number: d.VoucherNumber,
      date: d.VoucherDate,
      fileGuid: d.FileGuid,
      type: 'Manual',
      lines: d.Lines,
      bookedAt: d.BookedAt,
      deletedAt: row.deletedAt,
    })
  }
  for (const row of ctx.store.ledgerItems(org.Id).all()) {
    const d = row.data
    if (d.Status !== 'Booked' || d.BookedAt === null) continue
    out.push({
      guid: row.guid,
      number: d.VoucherNumber,
      date: d.VoucherDate,
      fileGuid: d.FileGuid,
      type: 'Ledger',
      lines: d.Lines.map((l) => ({ ...l, Amount: l.Amount ?? 0 })),
      bookedAt: d.BookedAt,
      deletedAt: row.deletedAt,
    })
  }
  // assumption: open-dinero-unlisted-responses — a booked sales credit note reverses a sale: each
  // product line posts its amount excl. VAT to its account as a debit (positive), on the credit
  // note's date under its number; no debtor or VAT side is posted (the seeded chart has neither
  // account). A booked credit note cannot be deleted, so it is never reversed.
  const accounts = ctx.store.entryAccounts(org.Id)
  for (const row of ctx.store.creditNotes(org.Id).all()) {
    const d = row.data
    if (d.Status !== 'Booked' || d.BookedAt === null) continue
    out.push({
      guid: row.guid,
      number: d.Number,
      date: d.Date,
      fileGuid: null,
      type: 'CreditNote',
      lines: d.ProductLines.filter((l) => l.LineType === 'Product').map((l) => ({
        Description: l.Description,
        Amount: lineAmounts(org, accounts, l, d.ShowLinesInclVat).TotalAmount,
        AccountNumber: l.AccountNumber,
        AccountVatCode: accounts.find((a) => a.AccountNumber === l.AccountNumber)?.VatCode ?? null,
        BalancingAccountNumber: null,
        BalancingAccountVatCode: null,
      })),
      bookedAt: d.BookedAt,
      deletedAt: null,
    })
  }
  return out
}

/** The numbers booked vouchers hold in `year`. */
function usedNumbers(ctx: Pick<DineroContext, 'store'>, org: Organisation, year: string): number[] {
  const used: number[] = []
  for (const row of ctx.store.manualVouchers(org.Id).all())
    if (
      row.data.Status === 'Booked' &&
      row.data.VoucherNumber !== null &&
      yearOf(row.data.VoucherDate) === year
    )
      used.push(row.data.VoucherNumber)
  for (const row of ctx.store.ledgerItems(org.Id).all())
    if (
      row.data.Status === 'Booked' &&
      row.data.VoucherNumber !== null &&
      yearOf(row.data.VoucherDate) === year
    )
      used.push(row.data.VoucherNumber)
  return used
}

/** The number to book under; call inside the store's `modify` so the pick and the write are one step. */
export function bookingNumber(
  ctx: Pick<DineroContext, 'store'> & Partial<Pick<DineroContext, 'deviations'>>,
  org: Organisation,
  voucherDate: string,
  requested: number | null | undefined,
): number {
  const year = yearOf(voucherDate)
  const used = usedNumbers(ctx, org, year)
  if (requested != null && used.includes(requested))
    throw invalidRequest(`Voucher number ${requested} is already in use in ${year}`)
  if (requested == null && ctx.deviations?.has('dinero.voucher-number-count') === true) return used.length + 1
  return requested ?? Math.max(0, ...used) + 1
}

/** A stable Guid per voucher, line, side and reversal, so an entry keeps its EntryGuid across reads. */
function entryGuid(key: string): string {
  const h = createHash('sha1').update(key).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

interface Posted {
  entry: Record<string, unknown> & { Date: string; Amount: number }
  postedAt: number
}

function entries(ctx: Pick<DineroContext, 'store'>, org: Organisation): Posted[] {
  const names = new Map(ctx.store.entryAccounts(org.Id).map((a) => [a.AccountNumber, a.Name]))
  const out: Posted[] = []
  for (const p of postings(ctx, org)) {
    const post = (reversal: boolean) => {
      const sign = reversal ? -1 : 1
      const at = reversal && p.deletedAt !== null ? p.deletedAt : p.bookedAt
      const date = reversal ? isoDay(at) : p.date
      p.lines.forEach((line, i) => {
        const sides = [
          [line.AccountNumber, line.Amount, line.AccountVatCode, 'a'],
          [line.BalancingAccountNumber, -line.Amount, line.BalancingAccountVatCode, 'b'],
        ] as const
        for (const [account, amount, vatCode, side] of sides) {
          if (account === null) continue
          out.push({
            postedAt: at,
            entry: {
              AccountNumber: account,
              AccountName: names.get(account) ?? null,
              Date: date,
              VoucherNumber: p.number,
              VoucherGuid: p.guid,
              FileGuid: p.fileGuid,
              VoucherType: p.type,
              Description: line.Description,
              VatType: null,
              VatCode: vatCode,
              Amount: round2(sign * amount),
              EntryGuid: entryGuid(`${p.guid}:${i}:${side}:${reversal ? 'r' : 'p'}`),
              ContactGuid: null,
              Type: 'Normal',
            },
          })
        }
      })
    }
    post(false)
    if (p.deletedAt !== null) post(true)
  }
  return out
}

/** The documented result (income statement) and balance-sheet categories (dinero-openapi, categoryFilter). */
const RESULT_CATEGORIES = new Set([
  'Turnover',
  'Variable Expenses',
  'Salary',
  'Sales Expenses',
  'Property Expenses',
  'Administration Expenses',
  'Travel Expenses',
  'Depreciation',
  'Interest Income',
  'Interest Expenses',
  'Tax',
])
const BALANCE_CATEGORIES = new Set([
  'Property',
  'IntangibleProperty',
  'Turnover Assets',
  'Financial Assets',
  'Receivables',
  'Liquid Assets',
  'Equity',
  'Long Term Debt',
  'Short Term Debt',
  'Vat Due',
  'Salary Due',
])

export function isResultAccount(number: number, account: EntryAccount | undefined): boolean {
  if (account !== undefined && RESULT_CATEGORIES.has(account.Category)) return true
  if (account !== undefined && BALANCE_CATEGORIES.has(account.Category)) return false
  return number < 50_000
}

/** The organisation's accounting years, ascending (`['2024', '2025']`). */
export function accountingYears(ctx: Pick<DineroContext, 'store' | 'clock'>, org: Organisation): string[] {
  const years = new Set<number>()
  for (const p of postings(ctx, org)) {
    years.add(Number(yearOf(p.date)))
    if (p.deletedAt !== null) years.add(Number(yearOf(isoDay(p.deletedAt))))
  }
  for (const row of ctx.store.invoices(org.Id).all())
    if (row.data.Status === 'Booked') years.add(Number(yearOf(row.data.Date)))
  years.add(Number(yearOf(isoDay(ctx.clock.now()))))
  const first = Math.min(...years)
  const last = Math.max(...years)
  return Array.from({ length: last - first + 1 }, (_, i) => String(first + i))
}

/** dinero-api-errors: code 47 "An accounting year was not found". */
export const accountingYearNotFound = (year: string) =>
  // assumption: open-dinero-unlisted-responses — the status of code 47 is not published; 400 like
  // the other refusals of a request naming something the organisation has not set up.
  new DineroError(400, 47, `The accounting year '${year}' was not found`)

/** A year the organisation has, or code 47. */
export function requireAccountingYear(
  ctx: Pick<DineroContext, 'store' | 'clock'>,
  org: Organisation,
  year: string | undefined,
): string {
  if (year === undefined || !accountingYears(ctx, org).includes(year))
    throw accountingYearNotFound(year ?? '')
  return year
}

export interface AccountAmount {
  AccountNumber: number
  AccountName: string | null
  Amount: number
  /** Mock-clock ms of the latest posting behind the amount. */
  postedAt: number
}

/** Sums entries per account, in account order. */
function perAccount(
  posted: readonly Posted[],
  names: ReadonlyMap<number, string>,
  into = new Map<number, AccountAmount>(),
): Map<number, AccountAmount> {
  for (const { entry, postedAt } of posted) {
    const n = entry.AccountNumber as number
    const at = into.get(n)
    into.set(n, {
      AccountNumber: n,
      AccountName: names.get(n) ?? null,
      Amount: round2((at?.Amount ?? 0) + entry.Amount),
      postedAt: Math.max(at?.postedAt ?? 0, postedAt),
    })
  }
  return into
}

/**
 * A year's opening amounts: balance-sheet accounts carry their closing amount, result accounts
 * start at zero, and the earlier years' result goes to the first Equity account.
 */
export function primoBalances(
  ctx: Pick<DineroContext, 'store'>,
  org: Organisation,
  year: string,
): AccountAmount[] {
  const chart = ctx.store.entryAccounts(org.Id)
  const names = new Map(chart.map((a) => [a.AccountNumber, a.Name]))
  const byNumber = new Map(chart.map((a) => [a.AccountNumber, a]))
  const before = perAccount(
    entries(ctx, org).filter((e) => e.entry.Date < `${year}-01-01`),
    names,
  )
  const equity = chart.find((a) => a.Category === 'Equity')
  const out = new Map<number, AccountAmount>()
  let carried: AccountAmount | undefined
  for (const a of before.values()) {
    if (!isResultAccount(a.AccountNumber, byNumber.get(a.AccountNumber))) out.set(a.AccountNumber, a)
    else if (equity !== undefined)
      carried = {
        AccountNumber: equity.AccountNumber,
        AccountName: equity.Name,
        Amount: round2((carried?.Amount ?? 0) + a.Amount),
        postedAt: Math.max(carried?.postedAt ?? 0, a.postedAt),
      }
  }
  if (carried !== undefined) {
    const own = out.get(carried.AccountNumber)
    out.set(carried.AccountNumber, {
      ...carried,
      Amount: round2(carried.Amount + (own?.Amount ?? 0)),
      postedAt: Math.max(carried.postedAt, own?.postedAt ?? 0),
    })
  }
  return [...out.values()].filter((a) => a.Amount !== 0).sort((a, b) => a.AccountNumber - b.AccountNumber)
}

/** Each account's amount at the end of `year`: its primo plus the year's entries, in account order. */
export function yearEndBalances(
  ctx: Pick<DineroContext, 'store'>,
  org: Organisation,
  year: string,
): AccountAmount[] {
  const names = new Map(ctx.store.entryAccounts(org.Id).map((a) => [a.AccountNumber, a.Name]))
  const start = new Map(primoBalances(ctx, org, year).map((a) => [a.AccountNumber, a]))
  const totals = perAccount(
    entries(ctx, org).filter((e) => yearOf(e.entry.Date) === year),
    names,
    start,
  )
  return [...totals.values()].sort((a, b) => a.AccountNumber - b.AccountNumber)
}

/** The primo entries of every accounting year, as EntryReadModel. */
function primoEntries(ctx: DineroContext, org: Organisation): Posted[] {
  return accountingYears(ctx, org).flatMap((year) =>
    primoBalances(ctx, org, year).map((a) => ({
      postedAt: a.postedAt,
      entry: {
        AccountNumber: a.AccountNumber,
        AccountName: a.AccountName,
        Date: `${year}-01-01`,
        VoucherNumber: null,
        VoucherGuid: null,
        FileGuid: null,
        VoucherType: null,
        Description: 'Primo',
        VatType: null,
        VatCode: null,
        Amount: a.Amount,
        EntryGuid: entryGuid(`${org.Id}:primo:${year}:${a.AccountNumber}`),
        ContactGuid: null,
        Type: 'Primo',
      },
    })),
  )
}

/** `includePrimo`, default true (dinero-openapi); not a boolean → 400 code 44. */
function includePrimo(url: URL): boolean {
  const raw = url.searchParams.get('includePrimo')
  if (raw === null || raw === '') return true
  if (!/^(true|false)$/i.test(raw)) throw invalidFormat(`The value '${raw}' is not valid for includePrimo.`)
  return raw.toLowerCase() === 'true'
}

function instant(url: URL, name: string): number {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') throw invalidRequest(`${name} is required`)
  // Dinero writes instants without an offset (apaq-dinero-fixtures): read such a one as UTC, not
  // in the machine's time zone.
  const utc = /^\d{4}-\d{2}-\d{2}$/.test(raw)
    ? `${raw}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(raw)
      ? `${raw}Z`
      : raw
  const ms = Date.parse(utc)
  if (Number.isNaN(ms)) throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
  return ms
}

export function entryRoutes(ctx: DineroContext): Route[] {
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/entries/changes', ({ req, org }) => {
      const from = instant(req.url, 'changesFrom')
      const to = instant(req.url, 'changesTo')
      if (to < from) throw invalidRequest('changesTo must not be before changesFrom')
      if (to - from > 31 * DAY) throw invalidRequest('The time range cannot be longer than 31 days')
      const primo = includePrimo(req.url) ? primoEntries(ctx, org) : []
      return dineroJson(
        [...primo, ...entries(ctx, org)]
          .filter((e) => e.postedAt >= from && e.postedAt <= to)
          .map((e) => e.entry),
      )
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/entries', ({ req, org }) => {
      const from = isoDay(instant(req.url, 'fromDate'))
      const to = isoDay(instant(req.url, 'toDate'))
      if (yearOf(from) !== yearOf(to)) throw invalidRequest('The period cannot cross accounting years')
      if (to < from) throw invalidRequest('toDate must not be before fromDate')
      const primo = includePrimo(req.url) ? primoEntries(ctx, org) : []
      const listed = [...primo, ...entries(ctx, org)]
        .map((e) => e.entry)
        .filter((e) => e.Date >= from && e.Date <= to)
      if (ctx.deviations.has('dinero.entries-enveloped'))
        return dineroJson(paginate(listed, { page: 0, pageSize: listed.length || 1 }))
      return dineroJson(listed)
    }),
  ]
}
