import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID, SECOND_PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroSession } from '../support/dinero-session.ts'

/**
 * Double entry (mocks/dinero/ledger.ts): whatever an integrator books through the API — invoices,
 * payments, credit notes, purchase vouchers and their credit notes and payments, manual vouchers,
 * deletions of booked vouchers — every accounting year's saldo sums to zero, result + balance is
 * the saldo, and every entry carries the number its voucher was booked under, in the series of
 * the voucher's own accounting year (dinero-openapi: Entry, Reports; "Booked -> offset entry added").
 */
interface Row {
  AccountNumber: number
  AccountName: string | null
  Amount: number
}
interface Entry {
  AccountNumber: number
  Date: string
  VoucherNumber: number | null
  VoucherGuid: string | null
  VoucherType: string | null
  Amount: number
  Type: string
}
interface Booked {
  type: string
  number: number
  date: string
}

const ORGS = [PRO_ORGANISATION_ID, SECOND_PRO_ORGANISATION_ID] as const
/** Rounded to øre; `+ 0` so a sum that rounds to zero from below is 0, not -0. */
const cents = (n: number) => Math.round(n * 100) / 100 + 0
const total = (rows: readonly { Amount: number }[]) => cents(rows.reduce((s, r) => s + r.Amount, 0))

const DAY = 86_400_000
const day = fc
  .integer({ min: 0, max: 4 * 365 })
  .map((i) => new Date(Date.UTC(2024, 0, 1) + i * DAY).toISOString().slice(0, 10))
const money = fc.integer({ min: 1, max: 2_000_000 }).map((c) => c / 100)
const saleLine = fc.record({
  BaseAmountValue: money,
  Quantity: fc.integer({ min: 1, max: 4 }),
  AccountNumber: fc.constantFrom(1000, 1100),
  Discount: fc.constantFrom(0, 0, 10, 33.3),
  Description: fc.constant('Ydelse'),
})
const purchaseLine = fc.record({
  AccountNumber: fc.constantFrom(2000, 3600, 4000),
  Amount: money,
  Description: fc.constant('Køb'),
})
/** A manual voucher line: with a balancing account, or one side of a pair that nets to zero. */
const manualLines = fc.oneof(
  fc
    .record({ a: fc.constantFrom(2750, 3600, 4000), b: fc.constantFrom(55000, 55010), amount: money })
    .map(({ a, b, amount }) => [
      { AccountNumber: a, BalancingAccountNumber: b, Amount: amount, Description: 'FB' },
    ]),
  fc
    .record({ a: fc.constantFrom(4000, 2000), b: fc.constantFrom(55000, 61000), amount: money })
    .map(({ a, b, amount }) => [
      { AccountNumber: a, Amount: amount, Description: 'FB' },
      { AccountNumber: b, Amount: -amount, Description: 'FB' },
    ]),
)
const pick = fc.nat()
const fraction = fc.constantFrom(0.25, 0.5, 1)

const operation = fc.oneof(
  fc.record({
    op: fc.constant('invoice' as const),
    date: day,
    lines: fc.array(saleLine, { minLength: 1, maxLength: 3 }),
    inclVat: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('pay-invoice' as const),
    pick,
    fraction,
    deposit: fc.constantFrom(55000, 55010),
  }),
  fc.record({ op: fc.constant('credit-invoice' as const), pick }),
  fc.record({
    op: fc.constant('credit-note' as const),
    date: day,
    lines: fc.array(saleLine, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ op: fc.constant('pay-credit-note' as const), pick, fraction }),
  fc.record({
    op: fc.constant('purchase' as const),
    cash: fc.boolean(),
    date: day,
    lines: fc.array(purchaseLine, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('pay-purchase' as const), pick, fraction }),
  fc.record({ op: fc.constant('credit-purchase' as const), pick }),
  fc.record({ op: fc.constant('pay-purchase-credit-note' as const), pick, fraction }),
  fc.record({ op: fc.constant('manual' as const), date: day, lines: manualLines }),
  fc.record({ op: fc.constant('delete' as const), pick, purchase: fc.boolean() }),
)
const run = fc.record({
  org: fc.constantFrom(...ORGS),
  ops: fc.array(operation, { minLength: 1, maxLength: 10 }),
})

describe('Dinero double entry (in-process)', () => {
  let target: Target
  let api: DineroApi
  beforeAll(async () => {
    // Hundreds of calls a minute: the rate limit (dinero-api-errors, 100 a minute) is not under test here.
    target = await startTarget('in-process', { dinero: { rateLimitPerMinute: 0 } })
    api = await dineroSession(target)
  })
  afterAll(() => target?.close())

  /** Documents this spec booked, by Guid: what their entries must carry. */
  const booked = new Map<string, Booked>()
  /** Each organisation's booked documents, for payments, credit notes and deletions to pick from. */
  const pools = new Map<
    number,
    Record<'invoices' | 'creditNotes' | 'purchases' | 'purchaseCreditNotes' | 'manual', string[]>
  >()
  const poolsOf = (org: number) => {
    const found = pools.get(org)
    if (found !== undefined) return found
    const made = { invoices: [], creditNotes: [], purchases: [], purchaseCreditNotes: [], manual: [] }
    pools.set(org, made)
    return made
  }
  const of = <T>(list: readonly T[], n: number) => list[n % Math.max(list.length, 1)]

  const send = async (reply: Promise<Reply>): Promise<Reply> => {
    const r = await reply
    expect(r.status, r.text.slice(0, 300)).toBeLessThan(500)
    return r
  }
  const versionOf = async (path: string) => {
    const r = await send(api.get(path))
    const m = r.json<{ TimeStamp?: string; Timestamp?: string }>()
    return m.TimeStamp ?? m.Timestamp ?? ''
  }
  const book = async (
    org: number,
    path: string,
    timestamp: string,
    read: (m: Record<string, unknown>) => Booked,
  ) => {
    const r = await send(api.post(`/v1/${org}/${path}/book`, { Timestamp: timestamp }))
    if (r.status !== 200) return false
    const m = r.json<Record<string, unknown>>()
    booked.set(String(m.Guid ?? path.split('/').at(-1)), read(m))
    return true
  }

  const perform = async (org: number, op: OperationValue) => {
    const pools = poolsOf(org)
    const contact = seededGuid(`${org}:contact:1`)
    switch (op.op) {
      case 'invoice': {
        const r = await send(
          api.post(`/v1/${org}/invoices`, {
            ContactGuid: contact,
            Date: op.date,
            ProductLines: op.lines,
            ShowLinesInclVat: op.inclVat,
          }),
        )
        if (r.status !== 200) return
        const { Guid, TimeStamp } = r.json<{ Guid: string; TimeStamp: string }>()
        if (
          await book(org, `invoices/${Guid}`, TimeStamp, (m) => ({
            type: 'Invoice',
            number: Number(m.Number),
            date: String(m.Date),
          }))
        )
          pools.invoices.push(Guid)
        return
      }
      case 'pay-invoice': {
        const guid = of(pools.invoices, op.pick)
        if (guid === undefined) return
        const path = `/v1/${org}/invoices/${guid}`
        const m = (await send(api.get(path))).json<{ TimeStamp: string; TotalInclVat: number }>()
        await send(
          api.post(`${path}/payments`, {
            Timestamp: m.TimeStamp,
            DepositAccountNumber: op.deposit,
            Amount: cents(m.TotalInclVat * op.fraction),
            Description: 'Indbetaling',
            RemainderIsFee: false,
          }),
        )
        return
      }
      case 'credit-invoice': {
        const guid = of(pools.invoices, op.pick)
        if (guid === undefined) return
        const r = await send(api.post(`/v1/${org}/invoices/${guid}/generate-creditnote`, {}))
        if (r.status !== 200) return
        const { Guid, TimeStamp } = r.json<{ Guid: string; TimeStamp: string }>()
        if (
          await book(org, `sales/creditnotes/${Guid}`, TimeStamp, (m) => ({
            type: 'CreditNote',
            number: Number(m.Number),
            date: String(m.Date),
          }))
        )
          pools.creditNotes.push(Guid)
        return
      }
      case 'credit-note': {
        const r = await send(
          api.post(`/v1/${org}/sales/creditnotes`, {
            ContactGuid: contact,
            Date: op.date,
            ProductLines: op.lines,
          }),
        )
        if (r.status !== 200) return
        const { Guid, TimeStamp } = r.json<{ Guid: string; TimeStamp: string }>()
        if (
          await book(org, `sales/creditnotes/${Guid}`, TimeStamp, (m) => ({
            type: 'CreditNote',
            number: Number(m.Number),
            date: String(m.Date),
          }))
        )
          pools.creditNotes.push(Guid)
        return
      }
      case 'pay-credit-note': {
        const guid = of(pools.creditNotes, op.pick)
        if (guid === undefined) return
        const path = `/v1/${org}/sales/creditnotes/${guid}`
        const m = (await send(api.get(path))).json<{ TimeStamp: string; TotalInclVat: number }>()
        await send(
          api.post(`${path}/payments`, {
            Timestamp: m.TimeStamp,
            DepositAccountNumber: 55000,
            Amount: cents(m.TotalInclVat * op.fraction),
            Description: 'Udbetaling',
            RemainderIsFee: false,
          }),
        )
        return
      }
      case 'purchase': {
        const r = await send(
          api.post(`/v1.2/${org}/vouchers/purchase`, {
            PurchaseType: op.cash ? 'cash' : 'credit',
            VoucherDate: op.date,
            ContactGuid: contact,
            Lines: op.lines,
          }),
        )
        if (r.status !== 200) return
        const { Guid, Timestamp } = r.json<{ Guid: string; Timestamp: string }>()
        if (
          await book(org, `vouchers/purchase/${Guid}`, Timestamp, (m) => ({
            type: 'Purchases',
            number: Number(m.VoucherNumber),
            date: String(m.VoucherDate),
          }))
        )
          pools.purchases.push(Guid)
        return
      }
      case 'pay-purchase':
      case 'pay-purchase-credit-note': {
        const credit = op.op === 'pay-purchase-credit-note'
        const guid = of(credit ? pools.purchaseCreditNotes : pools.purchases, op.pick)
        if (guid === undefined) return
        const path = credit
          ? `/v1/${org}/vouchers/purchase/creditnotes/${guid}`
          : `/v1/${org}/vouchers/purchase/${guid}`
        const r = await send(api.get(path))
        if (r.status !== 200) return
        const m = r.json<{ Timestamp: string; Lines: { AmountInclVatValue: number }[] }>()
        await send(
          api.post(`/v1/${org}/purchase-vouchers/${guid}/payments`, {
            Timestamp: m.Timestamp,
            DepositAccountNumber: 55000,
            Amount: cents(total(m.Lines.map((l) => ({ Amount: l.AmountInclVatValue }))) * op.fraction),
            Description: 'Betaling',
            RemainderIsFee: false,
          }),
        )
        return
      }
      case 'credit-purchase': {
        const guid = of(pools.purchases, op.pick)
        if (guid === undefined) return
        const version = await versionOf(`/v1/${org}/vouchers/purchase/${guid}`)
        const r = await send(
          api.post(`/v1/${org}/vouchers/purchase/${guid}/generate-creditnote`, {
            Timestamp: { Timestamp: version },
          }),
        )
        if (r.status !== 200) return
        const { Guid, TimeStamp } = r.json<{ Guid: string; TimeStamp: string }>()
        if (
          await book(org, `vouchers/purchase/creditnotes/${Guid}`, TimeStamp, (m) => ({
            type: 'PurchaseCreditNote',
            number: Number(m.CreditNoteNumber),
            date: String(m.Date).slice(0, 10),
          }))
        )
          pools.purchaseCreditNotes.push(Guid)
        return
      }
      case 'manual': {
        const r = await send(
          api.post(`/v1/${org}/vouchers/manuel`, { VoucherDate: op.date, Lines: op.lines }),
        )
        if (r.status !== 200) return
        const { Guid, Timestamp } = r.json<{ Guid: string; Timestamp: string }>()
        if (
          await book(org, `vouchers/manuel/${Guid}`, Timestamp, (m) => ({
            type: 'Manual',
            number: Number(m.VoucherNumber),
            date: String(m.VoucherDate),
          }))
        )
          pools.manual.push(Guid)
        return
      }
      case 'delete': {
        const list = op.purchase ? pools.purchases : pools.manual
        const guid = of(list, op.pick)
        if (guid === undefined) return
        const path = op.purchase
          ? `/v1/${org}/vouchers/purchase/${guid}`
          : `/v1/${org}/vouchers/manuel/${guid}`
        const r = await send(api.get(path))
        if (r.status !== 200) return
        await send(api.delete(path, { Timestamp: r.json<{ Timestamp: string }>().Timestamp }))
        return
      }
    }
  }

  const invariants = async (org: number) => {
    const years = (await send(api.get(`/v1/${org}/accountingyears`)))
      .json<{ Name: string }[]>()
      .map((y) => y.Name)
    /** VoucherGuid → the number and year its entries carry; series key → number → VoucherGuid. */
    const seen = new Map<string, { number: number; year: string; type: string }>()
    const series = new Map<string, string>()
    for (const year of years) {
      const [saldo, result, balance] = await Promise.all(
        ['saldo', 'result', 'balance'].map(async (kind) =>
          (await send(api.get(`/v1/${org}/${year}/reports/${kind}`))).json<Row[]>(),
        ),
      )
      expect(total(saldo ?? []), `saldo ${org}/${year}`).toBe(0)
      expect(
        [...(result ?? []), ...(balance ?? [])].sort((a, b) => a.AccountNumber - b.AccountNumber),
      ).toEqual(saldo)
      const entries = (
        await send(
          api.get(`/v1/${org}/entries?fromDate=${year}-01-01&toDate=${year}-12-31&includePrimo=false`),
        )
      ).json<Entry[]>()
      expect(total(entries), `entries ${org}/${year}`).toBe(0)
      for (const e of entries) {
        if (e.VoucherNumber === null || e.VoucherGuid === null) continue
        const guid = e.VoucherGuid.toLowerCase()
        const before = seen.get(guid)
        expect(
          before ?? { number: e.VoucherNumber, year, type: e.VoucherType },
          `entries of ${guid}`,
        ).toEqual({ number: e.VoucherNumber, year, type: e.VoucherType })
        seen.set(guid, { number: e.VoucherNumber, year, type: String(e.VoucherType) })
        // Manual vouchers and ledger items share one series per accounting year; the documents keep their own.
        const key =
          e.VoucherType === 'Manual' || e.VoucherType === 'Ledger'
            ? `ledger:${year}:${e.VoucherNumber}`
            : `${e.VoucherType}:${e.VoucherNumber}`
        expect(series.get(key) ?? guid, `number ${key}`).toBe(guid)
        series.set(key, guid)
        const mine = booked.get(e.VoucherGuid)
        if (mine !== undefined)
          expect({ type: e.VoucherType, number: e.VoucherNumber, year }).toEqual({
            type: mine.type,
            number: mine.number,
            year: mine.date.slice(0, 4),
          })
      }
    }
  }

  it('the seeded organisations’ saldo sums to 0 in every accounting year, and result + balance is the saldo', async () => {
    for (const org of ORGS) await invariants(org)
  })

  it('after any sequence of bookings, payments, credit notes and deletions: every year’s saldo sums to 0, result + balance = saldo, and each entry carries its voucher’s number in its accounting year’s series', async () => {
    await fc.assert(
      fc.asyncProperty(run, async ({ org, ops }) => {
        for (const op of ops) await perform(org, op)
        await invariants(org)
      }),
      { numRuns: 25, endOnFailure: true },
    )
    expect(booked.size).toBeGreaterThan(0)
  })
})

type OperationValue = typeof operation extends fc.Arbitrary<infer T> ? T : never
