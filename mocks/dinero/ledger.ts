import { createHash } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { calendarInstant } from './dates.ts'
import { orgRoute } from './endpoint.ts'
import { DineroError, invalidFormat, invalidRequest } from './errors.ts'
import { invoiceTotals, lineAmounts, manualLineAmounts, purchaseLineAmounts, round2 } from './pricing.ts'
import { isoDay, paginate } from './query.ts'
import type { EntryAccount, InvoiceData, Organisation, PurchaseLine } from './store.ts'

/**
 * The ledger every booking posts to, double-entry (dinero-openapi, Entry): each booked document
 * becomes one posting whose legs sum to zero (`journal` is the one place postings become entries):
 * - manual vouchers and ledger items: each line's amount to AccountNumber, the negation to
 *   BalancingAccountNumber (a manual voucher's VAT split off, `manualLegs`); one-sided lines must
 *   net to zero before they can be booked (`imbalance`, `manualImbalance`);
 * - a booked invoice: debtors debited the total incl. VAT, each product line's account credited
 *   its amount excl. VAT, output VAT credited the VAT; a booked sales credit note the reverse;
 * - a booked purchase voucher: each line's account debited excl. VAT, input VAT debited the VAT,
 *   and the creditors (credit purchase) or its deposit account (cash, "paid when booked") credited
 *   the total; a booked purchase credit note the reverse against the creditors;
 * - payments: an invoice payment debits its deposit account and credits the debtors, a credit
 *   note's payment the reverse; a credit payment on a purchase voucher debits the creditors and
 *   credits the deposit account, one on a purchase credit note the reverse;
 * - deleting a booked voucher ("Booked -> offset entry added") posts its legs again, negated;
 * - voucher numbers: manual vouchers and ledger items share one series per accounting year; a
 *   requested number already used that year → 400 code 45, none → the year's highest + 1;
 *   invoices, credit notes and purchases keep their own series (resource.ts);
 * - GET /v1/:org/entries?fromDate&toDate: the entries dated in the period, which "cannot cross
 *   accounting years" (400 code 45; a missing bound → 45, one that is not a date → 44);
 *   GET /v1/:org/entries/changes?changesFrom&changesTo: the entries posted in the window, at most
 *   31 days (400 code 45); both answer a plain array (no paging is documented for them);
 * - accounting years: "create a new accounting year by simply booking a voucher in the next
 *   possible accounting year" — the years run from the first year anything was booked in to the
 *   last, and at least to the clock's year;
 * - primo (opening) entries, `Type: 'Primo'`, dated the first day of each accounting year: every
 *   balance-sheet account's closing amount from the years before, and the results of those years
 *   carried to the first Equity account, so a year's primo sums to zero; one stable EntryGuid per
 *   account and year ("guid of a primo entry is the same for an accounting year"); listed unless
 *   `includePrimo=false`, in changes when a posting behind it was made in the window.
 * assumption: open-dinero-unlisted-responses — the accounting year is the calendar year of the
 * voucher date (no organisation here has another), and booking in any later year opens every year
 * up to it; a manual-voucher line on a VAT-coded account posts its VAT split as its read model
 * shows it (manualLegs), while a ledger item's lines post as they are;
 * a payment's entries carry the payment's Guid, VoucherType `Payment` and no voucher number (how
 * Dinero numbers payment postings is not published); a deleted payment takes its entries with it;
 * a payment registered with RemainderIsFee leaves the remainder on the debtors (no fee account is
 * modelled). An account is a result (income statement) account when its category is one of the
 * documented result categories, a balance account when it is a balance one, and otherwise by
 * number: below 50000 result, since the documented ranges put expenses in 2000–9399 and deposit
 * accounts in 55000–55999.
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

/**
 * The accounts documents post to besides their own lines (seed.ts puts them in the chart).
 * assumption: open-dinero-unlisted-responses — Dinero's standard chart numbers for these are not
 * published (dinero-account-contra-account shows 2000 Vareforbrug and 55000 Bank); these sit in the
 * balance-sheet ranges the documented categories suggest: receivables before the deposit
 * accounts (55000–55999), debts and VAT after equity.
 */
export const POSTING_ACCOUNTS = {
  debtors: 57000,
  creditors: 63000,
  outputVat: 66000,
  inputVat: 66100,
} as const

type VoucherType =
  | 'Manual'
  | 'Ledger'
  | 'Invoice'
  | 'CreditNote'
  | 'Purchases'
  | 'PurchaseCreditNote'
  | 'Payment'

/** One side of a posting: debit positive, credit negative. */
interface Leg {
  account: number
  amount: number
  description: string | null
  vatCode: string | null
}

/** A booked voucher, document or payment as the ledger sees it; its legs sum to zero. */
interface Posting {
  guid: string
  number: number | null
  date: string
  fileGuid: string | null
  type: VoucherType
  contactGuid: string | null
  legs: Leg[]
  /** Mock-clock ms of the booking, and of the deletion that reverses it. */
  postedAt: number
  reversedAt: number | null
}

/** A manual voucher's or ledger item's lines: each posts its amount to AccountNumber and the negation to BalancingAccountNumber. */
function lineLegs(lines: readonly PostedLine[]): Leg[] {
  return lines.flatMap((l) => [
    ...(l.AccountNumber === null
      ? []
      : [
          {
            account: l.AccountNumber,
            amount: l.Amount,
            description: l.Description,
            vatCode: l.AccountVatCode,
          },
        ]),
    ...(l.BalancingAccountNumber === null
      ? []
      : [
          {
            account: l.BalancingAccountNumber,
            amount: -l.Amount,
            description: l.Description,
            vatCode: l.BalancingAccountVatCode,
          },
        ]),
  ])
}

/**
 * How far a voucher's lines are from balancing: the net of the sides that have an account. A
 * manual voucher or ledger item is booked only when this is zero (manual-vouchers.ts, ledger-items.ts).
 */
export function imbalance(lines: readonly PostedLine[]): number {
  return legsOff(lineLegs(lines))
}

/**
 * Netted as the entries will be posted (each leg to øre, as `journal` posts it): lines of 100.015
 * and −100.014 net 0.001 unrounded but post 100.02 and −100.01.
 */
const legsOff = (legs: readonly Leg[]) => round2(legs.reduce((s, l) => s + round2(l.amount), 0))

/**
 * A manual voucher's lines as they post: a line whose account carries a VAT code posts its
 * amount excl. VAT to the account, the VAT to input VAT (a purchase code) or output VAT (a sales
 * code), and the amount incl. VAT against the balancing account, as its own read model splits it
 * (manualLineAmounts). The gross amount on the account with no VAT entry understated the VAT.
 */
function manualLegs(org: Organisation, chart: readonly EntryAccount[], lines: readonly PostedLine[]): Leg[] {
  return lines.flatMap((l) => {
    const a = manualLineAmounts(org, chart, l)
    if (l.AccountNumber === null || a.vat === 0) return lineLegs([l])
    const vatCode =
      l.AccountVatCode ?? chart.find((c) => c.AccountNumber === l.AccountNumber)?.VatCode ?? null
    return [
      { account: l.AccountNumber, amount: a.excl, description: l.Description, vatCode },
      {
        account: a.purchase ? POSTING_ACCOUNTS.inputVat : POSTING_ACCOUNTS.outputVat,
        amount: a.vat,
        description: l.Description,
        vatCode,
      },
      ...(l.BalancingAccountNumber === null
        ? []
        : [
            {
              account: l.BalancingAccountNumber,
              amount: -a.incl,
              description: l.Description,
              vatCode: l.BalancingAccountVatCode,
            },
          ]),
    ]
  })
}

/** How far a manual voucher's lines are from balancing, as `manualLegs` posts them. */
export function manualImbalance(
  org: Organisation,
  chart: readonly EntryAccount[],
  lines: readonly PostedLine[],
): number {
  return legsOff(manualLegs(org, chart, lines))
}

/**
 * A sale (sign 1: an invoice) or its reversal (sign −1: a sales credit note): the debtor is
 * debited the total incl. VAT, each product line's account credited its amount excl. VAT, and the
 * output VAT account the VAT (dinero-openapi InvoiceReadModel totals).
 */
function saleLegs(
  org: Organisation,
  chart: readonly EntryAccount[],
  d: Pick<InvoiceData, 'ProductLines' | 'ShowLinesInclVat' | 'Description'>,
  sign: 1 | -1,
): Leg[] {
  const t = invoiceTotals(org, chart, d)
  const vatCode = (n: number) => chart.find((a) => a.AccountNumber === n)?.VatCode ?? null
  return [
    {
      account: POSTING_ACCOUNTS.debtors,
      amount: sign * t.TotalInclVat,
      description: d.Description,
      vatCode: null,
    },
    ...d.ProductLines.filter((l) => l.LineType === 'Product').map((l) => ({
      account: l.AccountNumber,
      amount: -sign * lineAmounts(org, chart, l, d.ShowLinesInclVat).TotalAmount,
      description: l.Description,
      vatCode: vatCode(l.AccountNumber),
    })),
    {
      account: POSTING_ACCOUNTS.outputVat,
      amount: -sign * t.TotalVat,
      description: d.Description,
      vatCode: null,
    },
  ]
}

/**
 * A purchase (sign 1: a purchase voucher) or its reversal (sign −1: a purchase credit note): each
 * line's account debited its amount excl. VAT, the input VAT account the VAT (the amount is "amount
 * paid", incl. VAT: dinero-openapi PurchaseVoucherLineCreateModel), and `counter` (the creditor, or
 * the deposit account a cash purchase is paid from) credited the total.
 */
function purchaseLegs(
  org: Organisation,
  chart: readonly EntryAccount[],
  lines: readonly PurchaseLine[],
  counter: number,
  sign: 1 | -1,
): Leg[] {
  const legs: Leg[] = []
  let total = 0
  for (const l of lines) {
    if (l.AccountNumber === null) continue
    const a = purchaseLineAmounts(org, chart, l)
    const vatCode = l.VatCode ?? chart.find((c) => c.AccountNumber === l.AccountNumber)?.VatCode ?? null
    legs.push({
      account: l.AccountNumber,
      amount: sign * a.AmountExclVatValue,
      description: l.Description,
      vatCode,
    })
    legs.push({
      account: POSTING_ACCOUNTS.inputVat,
      amount: sign * a.VatAmountValue,
      description: l.Description,
      vatCode,
    })
    total += a.AmountInclVatValue
  }
  legs.push({ account: counter, amount: -sign * round2(total), description: null, vatCode: null })
  return legs
}

/** A payment: the deposit account takes `amount` (sign 1, money in) from `party`, or gives it (−1). */
function paymentLegs(
  deposit: number,
  party: number,
  amount: number,
  description: string,
  sign: 1 | -1,
): Leg[] {
  return [
    { account: deposit, amount: sign * amount, description, vatCode: null },
    { account: party, amount: -sign * amount, description, vatCode: null },
  ]
}

/** `BookingTime` as written by `dateTime` (UTC, no offset) back to mock-clock ms. */
const bookingMs = (text: string | null, fallback: number) => {
  const ms = text === null ? Number.NaN : Date.parse(/Z|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`)
  return Number.isNaN(ms) ? fallback : ms
}

/** Everything the organisation has booked, as balanced postings. */
function postings(ctx: Pick<DineroContext, 'store'>, org: Organisation): Posting[] {
  const store = ctx.store
  const chart = store.entryAccounts(org.Id)
  const deposits = store.depositAccounts(org.Id)
  const defaultDeposit =
    deposits.find((a) => a.IsDefault)?.AccountNumber ?? deposits[0]?.AccountNumber ?? 55000
  const out: Posting[] = []
  for (const row of store.manualVouchers(org.Id).all()) {
    const d = row.data
    if (d.Status !== 'Booked' || d.BookedAt === null) continue
    out.push({
      guid: row.guid,
      number: d.VoucherNumber,
      date: d.VoucherDate,
      fileGuid: d.FileGuid,
      type: 'Manual',
      contactGuid: null,
      legs: manualLegs(org, chart, d.Lines),
      postedAt: d.BookedAt,
      reversedAt: row.deletedAt,
    })
  }
  for (const row of store.ledgerItems(org.Id).all()) {
    const d = row.data
    if (d.Status !== 'Booked' || d.BookedAt === null) continue
    out.push({
      guid: row.guid,
      number: d.VoucherNumber,
      date: d.VoucherDate,
      fileGuid: d.FileGuid,
      type: 'Ledger',
      contactGuid: null,
      legs: lineLegs(d.Lines.map((l) => ({ ...l, Amount: l.Amount ?? 0 }))),
      postedAt: d.BookedAt,
      reversedAt: row.deletedAt,
    })
  }
  // Sales: invoices and credit notes, and the payments on them (debtor against the deposit account).
  const sales = [
    ...store
      .invoices(org.Id)
      .all()
      .map((row) => ({ row, sign: 1 as const, type: 'Invoice' as const, bookedAt: row.data.BookedAt })),
    ...store
      .creditNotes(org.Id)
      .all()
      .map((row) => ({ row, sign: -1 as const, type: 'CreditNote' as const, bookedAt: row.data.BookedAt })),
  ]
  for (const { row, sign, type, bookedAt } of sales) {
    const d = row.data
    if (d.Status !== 'Booked') continue
    out.push({
      guid: row.guid,
      number: d.Number,
      date: d.Date,
      fileGuid: null,
      type,
      contactGuid: d.ContactGuid,
      legs: saleLegs(org, chart, d, sign),
      postedAt: bookedAt ?? row.createdAt,
      reversedAt: row.deletedAt,
    })
    for (const p of d.Payments)
      out.push({
        guid: p.Guid,
        number: null,
        date: p.PaymentDate,
        fileGuid: null,
        type: 'Payment',
        contactGuid: d.ContactGuid,
        legs: paymentLegs(p.DepositAccountNumber, POSTING_ACCOUNTS.debtors, p.Amount, p.Description, sign),
        postedAt: p.PostedAt ?? row.createdAt,
        reversedAt: null,
      })
  }
  // Purchases: vouchers and purchase credit notes, and the credit payments on them.
  const creditNoteGuids = new Set<string>()
  for (const row of store.purchaseVouchers(org.Id).all()) {
    const d = row.data
    if (d.Status === 'Draft') continue
    const counter =
      d.PurchaseType === 'cash' ? (d.DepositAccountNumber ?? defaultDeposit) : POSTING_ACCOUNTS.creditors
    out.push({
      guid: row.guid,
      number: d.VoucherNumber,
      date: d.VoucherDate,
      fileGuid: d.FileGuid,
      type: 'Purchases',
      contactGuid: d.ContactGuid,
      legs: purchaseLegs(org, chart, d.Lines, counter, 1),
      postedAt: bookingMs(d.BookingTime, row.createdAt),
      reversedAt: row.deletedAt,
    })
  }
  for (const row of store.purchaseCreditNotes(org.Id).all()) {
    creditNoteGuids.add(row.guid.toLowerCase())
    const d = row.data
    if (d.Status !== 'Booked') continue
    out.push({
      guid: row.guid,
      number: d.Number,
      date: d.Date,
      fileGuid: d.FileGuid,
      type: 'PurchaseCreditNote',
      contactGuid: d.ContactGuid,
      legs: purchaseLegs(org, chart, d.Lines, POSTING_ACCOUNTS.creditors, -1),
      postedAt: bookingMs(d.BookingTime, row.createdAt),
      reversedAt: row.deletedAt,
    })
  }
  for (const row of store.purchasePayments(org.Id).all()) {
    const d = row.data
    // Paying a purchase takes money out (−1); a purchase credit note's payment brings it back (1).
    const sign = creditNoteGuids.has(d.VoucherGuid.toLowerCase()) ? 1 : -1
    out.push({
      guid: row.guid,
      number: null,
      date: d.PaymentDate,
      fileGuid: null,
      type: 'Payment',
      contactGuid: null,
      legs: paymentLegs(d.DepositAccountNumber, POSTING_ACCOUNTS.creditors, d.Amount, d.Description, sign),
      postedAt: row.createdAt,
      reversedAt: null,
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
  return planBookingNumbers(ctx, org, [{ voucherDate, requested }])[0]!
}

/**
 * The next number after `used`, within what a JavaScript number holds exactly: past 2^53 − 1,
 * max + 1 is max again, and every later booking shared one number (400 code 45 instead).
 */
export function nextAfter(used: readonly number[], series: string): number {
  const next = Math.max(0, ...used) + 1
  if (next > Number.MAX_SAFE_INTEGER) throw invalidRequest(`No voucher number is left in ${series}`)
  return next
}

/**
 * The numbers a list of vouchers booked in one request will get, in list order, checked whole
 * before anything is written: a number asked for that is used, or that an earlier item of the
 * list takes (asked for or given), refuses the request (400 code 45).
 */
export function planBookingNumbers(
  ctx: Pick<DineroContext, 'store'> & Partial<Pick<DineroContext, 'deviations'>>,
  org: Organisation,
  items: readonly { voucherDate: string; requested: number | null | undefined }[],
): number[] {
  const taken = new Map<string, number[]>()
  return items.map(({ voucherDate, requested }) => {
    const year = yearOf(voucherDate)
    let used = taken.get(year)
    if (used === undefined) {
      used = usedNumbers(ctx, org, year)
      taken.set(year, used)
    }
    if (requested != null && used.includes(requested))
      throw invalidRequest(`Voucher number ${requested} is already in use in ${year}`)
    const number =
      requested ??
      (ctx.deviations?.has('dinero.voucher-number-count') === true ? used.length + 1 : nextAfter(used, year))
    used.push(number)
    return number
  })
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

/**
 * The reversal of a posting deleted at `at` is dated that day, kept inside the posting's own
 * accounting year (not before its date, not after the year's last day) so that its voucher number
 * stays in that year's series.
 */
function reversalDay(p: Posting, at: number): string {
  const day = isoDay(at)
  const last = `${yearOf(p.date)}-12-31`
  return day < p.date ? p.date : day > last ? last : day
}

/** The one place postings become entries: each leg an entry, and a deleted posting's legs again, negated. */
function journal(p: Posting, names: ReadonlyMap<number, string>): Posted[] {
  const out: Posted[] = []
  const post = (reversal: boolean) => {
    const at = reversal && p.reversedAt !== null ? p.reversedAt : p.postedAt
    const date = reversal ? reversalDay(p, at) : p.date
    p.legs.forEach((leg, i) => {
      const amount = round2((reversal ? -1 : 1) * leg.amount)
      if (amount === 0) return
      out.push({
        postedAt: at,
        entry: {
          AccountNumber: leg.account,
          AccountName: names.get(leg.account) ?? null,
          Date: date,
          VoucherNumber: p.number,
          VoucherGuid: p.guid,
          FileGuid: p.fileGuid,
          VoucherType: p.type,
          Description: leg.description,
          VatType: null,
          VatCode: leg.vatCode,
          Amount: amount,
          EntryGuid: entryGuid(`${p.guid}:${i}:${reversal ? 'r' : 'p'}`),
          ContactGuid: p.contactGuid,
          Type: 'Normal',
        },
      })
    })
  }
  post(false)
  if (p.reversedAt !== null) post(true)
  return out
}

function entries(ctx: Pick<DineroContext, 'store'>, org: Organisation): Posted[] {
  const names = new Map(ctx.store.entryAccounts(org.Id).map((a) => [a.AccountNumber, a.Name]))
  return postings(ctx, org).flatMap((p) => journal(p, names))
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
  for (const p of postings(ctx, org)) years.add(Number(yearOf(p.date)))
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
  // A date or an ISO date-time, read as .NET reads one (month and day may lack their 0, blanks
  // around it are ignored). Dinero writes instants without an offset (apaq-dinero-fixtures): such
  // a one is UTC, not the machine's time zone. Anything else, or a day its month lacks
  // (2030-02-31, dates.ts), is no date → 44; handed to Date.parse, "abcd-06-15" was read as
  // 2001-06-15 and "2-06-15" as 2015.
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      raw.trim(),
    )
  const ms =
    m === null
      ? undefined
      : calendarInstant(
          `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}T${m[4] ?? '00:00:00'}${m[5] ?? 'Z'}`,
        )
  if (ms === undefined) throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
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
