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
  /** How each kind of document is booked and what its booked answer calls its number and date. */
  const KINDS = {
    invoice: { path: 'invoices', pool: 'invoices', type: 'Invoice', number: 'Number', date: 'Date' },
    creditNote: {
      path: 'sales/creditnotes',
      pool: 'creditNotes',
      type: 'CreditNote',
      number: 'Number',
      date: 'Date',
    },
    purchase: {
      path: 'vouchers/purchase',
      pool: 'purchases',
      type: 'Purchases',
      number: 'VoucherNumber',
      date: 'VoucherDate',
    },
    purchaseCreditNote: {
      path: 'vouchers/purchase/creditnotes',
      pool: 'purchaseCreditNotes',
      type: 'PurchaseCreditNote',
      number: 'CreditNoteNumber',
      date: 'Date',
    },
    manual: {
      path: 'vouchers/manuel',
      pool: 'manual',
      type: 'Manual',
      number: 'VoucherNumber',
      date: 'VoucherDate',
    },
  } as const

  /** Books the draft a create answered (if it did), and keeps it for payments, credit notes and deletes. */
  const bookCreated = async (org: number, created: Reply, kind: keyof typeof KINDS) => {
    if (created.status !== 200) return
    const k = KINDS[kind]
    const draft = created.json<{ Guid: string; TimeStamp?: string; Timestamp?: string }>()
    const r = await send(
      api.post(`/v1/${org}/${k.path}/${draft.Guid}/book`, { Timestamp: draft.TimeStamp ?? draft.Timestamp }),
    )
    if (r.status !== 200) return
    const m = r.json<Record<string, unknown>>()
    booked.set(draft.Guid, {
      type: k.type,
      number: Number(m[k.number]),
      date: String(m[k.date]).slice(0, 10),
    })
    poolsOf(org)[k.pool].push(draft.Guid)
  }

  /** Pays `fraction` of a booked document's total through `path` (the document's Timestamp from `read`). */
  const pay = async (
    path: string,
    read: string,
    fraction: number,
    totalOf: (m: never) => number,
    deposit = 55000,
  ) => {
    const r = await send(api.get(read))
    if (r.status !== 200) return
    const m = r.json<{ TimeStamp?: string; Timestamp?: string }>()
    await send(
      api.post(path, {
        Timestamp: m.TimeStamp ?? m.Timestamp,
        DepositAccountNumber: deposit,
        Amount: cents(totalOf(m as never) * fraction),
        Description: 'Betaling',
        RemainderIsFee: false,
      }),
    )
  }
  const inclVat = (m: { TotalInclVat: number }) => m.TotalInclVat
  const linesInclVat = (m: { Lines: { AmountInclVatValue: number }[] }) =>
    total(m.Lines.map((l) => ({ Amount: l.AmountInclVatValue })))

  const perform = async (org: number, op: OperationValue) => {
    const pools = poolsOf(org)
    const contact = seededGuid(`${org}:contact:1`)
    switch (op.op) {
      case 'invoice':
        return bookCreated(
          org,
          await send(
            api.post(`/v1/${org}/invoices`, {
              ContactGuid: contact,
              Date: op.date,
              ProductLines: op.lines,
              ShowLinesInclVat: op.inclVat,
            }),
          ),
          'invoice',
        )
      case 'pay-invoice': {
        const guid = of(pools.invoices, op.pick)
        const path = `/v1/${org}/invoices/${guid}`
        if (guid !== undefined) await pay(`${path}/payments`, path, op.fraction, inclVat, op.deposit)
        return
      }
      case 'credit-invoice': {
        const guid = of(pools.invoices, op.pick)
        if (guid === undefined) return
        return bookCreated(
          org,
          await send(api.post(`/v1/${org}/invoices/${guid}/generate-creditnote`, {})),
          'creditNote',
        )
      }
      case 'credit-note':
        return bookCreated(
          org,
          await send(
            api.post(`/v1/${org}/sales/creditnotes`, {
              ContactGuid: contact,
              Date: op.date,
              ProductLines: op.lines,
            }),
          ),
          'creditNote',
        )
      case 'pay-credit-note': {
        const guid = of(pools.creditNotes, op.pick)
        const path = `/v1/${org}/sales/creditnotes/${guid}`
        if (guid !== undefined) await pay(`${path}/payments`, path, op.fraction, inclVat)
        return
      }
      case 'purchase':
        return bookCreated(
          org,
          await send(
            api.post(`/v1.2/${org}/vouchers/purchase`, {
              PurchaseType: op.cash ? 'cash' : 'credit',
              VoucherDate: op.date,
              ContactGuid: contact,
              Lines: op.lines,
            }),
          ),
          'purchase',
        )
      case 'pay-purchase':
      case 'pay-purchase-credit-note': {
        const credit = op.op === 'pay-purchase-credit-note'
        const guid = of(credit ? pools.purchaseCreditNotes : pools.purchases, op.pick)
        const read = `/v1/${org}/vouchers/purchase/${credit ? 'creditnotes/' : ''}${guid}`
        if (guid !== undefined)
          await pay(`/v1/${org}/purchase-vouchers/${guid}/payments`, read, op.fraction, linesInclVat)
        return
      }
      case 'credit-purchase': {
        const guid = of(pools.purchases, op.pick)
        if (guid === undefined) return
        const version = await versionOf(`/v1/${org}/vouchers/purchase/${guid}`)
        const path = `/v1/${org}/vouchers/purchase/${guid}/generate-creditnote`
        return bookCreated(
          org,
          await send(api.post(path, { Timestamp: { Timestamp: version } })),
          'purchaseCreditNote',
        )
      }
      case 'manual':
        return bookCreated(
          org,
          await send(api.post(`/v1/${org}/vouchers/manuel`, { VoucherDate: op.date, Lines: op.lines })),
          'manual',
        )
      case 'delete': {
        const guid = of(op.purchase ? pools.purchases : pools.manual, op.pick)
        if (guid === undefined) return
        const path = `/v1/${org}/vouchers/${op.purchase ? 'purchase' : 'manuel'}/${guid}`
        const r = await send(api.get(path))
        if (r.status === 200)
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
    // The runs booked each kind of voucher that starts a chain (payments, credit notes and deletes need one).
    const types = new Set([...booked.values()].map((b) => b.type))
    expect([...types]).toEqual(expect.arrayContaining(['Invoice', 'Purchases', 'Manual']))
  })
})

type OperationValue = typeof operation extends fc.Arbitrary<infer T> ? T : never
