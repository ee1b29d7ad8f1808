import { createHash } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { orgRoute } from './endpoint.ts'
import { invalidFormat, invalidRequest } from './errors.ts'
import { round2 } from './pricing.ts'
import { isoDay } from './query.ts'
import type { Organisation } from './store.ts'

/**
 * The ledger the booked manual vouchers and ledger items post to (dinero-openapi, Entry):
 * - voucher numbers: manual vouchers and ledger items share one series per accounting year; a
 *   requested number already used that year → 400 code 45, none → the year's highest + 1;
 * - GET /v1/:org/entries?fromDate&toDate: the entries dated in the period, which "cannot cross
 *   accounting years" (400 code 45; a missing bound → 45, one that is not a date → 44);
 *   GET /v1/:org/entries/changes?changesFrom&changesTo: the entries posted in the window, at most
 *   31 days (400 code 45).
 * assumption: open-dinero-unlisted-responses — the accounting year is the calendar year of the
 * voucher date (no organisation here has another); each line posts its amount to AccountNumber
 * and the negated amount to BalancingAccountNumber, its VAT code recorded on the entry but no VAT
 * split posted; a deleted booked voucher posts the reversal on the day it was deleted; no primo
 * (opening) entries exist, so `includePrimo` changes nothing.
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
  type: 'Manual' | 'Ledger'
  lines: PostedLine[]
  bookedAt: number
  deletedAt: number | null
}

function postings(ctx: DineroContext, org: Organisation): Posting[] {
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
  return out
}

/** The numbers booked vouchers hold in `year`. */
function usedNumbers(ctx: DineroContext, org: Organisation, year: string): number[] {
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
  ctx: DineroContext,
  org: Organisation,
  voucherDate: string,
  requested: number | null | undefined,
): number {
  const year = yearOf(voucherDate)
  const used = usedNumbers(ctx, org, year)
  if (requested != null && used.includes(requested))
    throw invalidRequest(`Voucher number ${requested} is already in use in ${year}`)
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

function entries(ctx: DineroContext, org: Organisation): Posted[] {
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

function instant(url: URL, name: string): number {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') throw invalidRequest(`${name} is required`)
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw)
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
      return dineroJson(
        entries(ctx, org)
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
        entries(ctx, org)
          .map((e) => e.entry)
          .filter((e) => e.Date >= from && e.Date <= to),
      )
    }),
  ]
}
