import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, SECOND_PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroSuite, type LedgerEntry, SAMPLE_LINE } from '../support/dinero-session.ts'

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
// Three decimals: the API takes doubles, and amounts below the øre (1.125, 10.065) are where
// rounding each leg on its own once left a posting unbalanced.
const money = fc.integer({ min: 1, max: 20_000_000 }).map((c) => c / 1000)
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
  // Hundreds of calls a minute: the rate limit (dinero-api-errors, 100 a minute) is not under test here.
  const api = dineroSuite('in-process', { dinero: { rateLimitPerMinute: 0 } })

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
      ).json<LedgerEntry[]>()
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

/** Account numbers the postings use (mocks/dinero/ledger.ts POSTING_ACCOUNTS, seeded in the chart). */
const DEBTORS = 57000
const CREDITORS = 63000
const OUTPUT_VAT = 66000
const INPUT_VAT = 66100
const BANK = 55000

/** One document's postings, each as a worked example (dinero-openapi LedgerEntry; the amounts from the read models). */
describe.each(TARGET_KINDS)('Dinero postings (%s)', (kind) => {
  const api = dineroSuite(kind)
  const ORG = PRO_ORGANISATION_ID
  const contact = seededGuid(`${ORG}:contact:1`)
  const codeOf = (r: Reply) => DineroErrorBody.parse(r.json()).code
  /** [account, amount, VoucherType, VoucherNumber] of `guid`'s entries dated in `year`, by account. */
  const postingsOf = async (guid: string, year: number) => {
    const reply = await api.get(
      `/v1/${ORG}/entries?fromDate=${year}-01-01&toDate=${year}-12-31&includePrimo=false`,
    )
    expect(reply.status).toBe(200)
    return reply
      .json<LedgerEntry[]>()
      .filter((e) => e.VoucherGuid === guid)
      .map((e) => [e.AccountNumber, e.Amount, e.VoucherType, e.VoucherNumber] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
  }
  const created = (r: Reply) => {
    expect(r.status, r.text.slice(0, 200)).toBe(200)
    return r.json<{ Guid: string; TimeStamp?: string; Timestamp?: string }>()
  }
  const bookAt = async (path: string, draft: { TimeStamp?: string; Timestamp?: string }) => {
    const r = await api.post(`${path}/book`, { Timestamp: draft.TimeStamp ?? draft.Timestamp })
    expect(r.status, r.text.slice(0, 200)).toBe(200)
    return r.json<Record<string, unknown> & { Timestamp?: string; TimeStamp?: string }>()
  }
  const purchase = async (type: 'cash' | 'credit', date: string, lines: unknown[]) => {
    const draft = created(
      await api.post(`/v1.2/${ORG}/vouchers/purchase`, {
        PurchaseType: type,
        VoucherDate: date,
        ContactGuid: contact,
        Lines: lines,
      }),
    )
    return { guid: draft.Guid, booked: await bookAt(`/v1/${ORG}/vouchers/purchase/${draft.Guid}`, draft) }
  }

  it('a booked invoice posts the debtors +total incl. VAT, its line’s account −excl. VAT and output VAT −VAT under its number; a payment posts its deposit account +amount and the debtors −amount (VoucherType Payment, no number)', async () => {
    const line = SAMPLE_LINE
    const draft = created(
      await api.post(`/v1/${ORG}/invoices`, {
        ContactGuid: contact,
        Date: '2036-03-01',
        ProductLines: [line],
      }),
    )
    const invoice = await bookAt(`/v1/${ORG}/invoices/${draft.Guid}`, draft)
    const n = invoice.Number
    expect(await postingsOf(draft.Guid, 2036)).toEqual([
      [1000, -1800, 'Invoice', n],
      [DEBTORS, 2250, 'Invoice', n],
      [OUTPUT_VAT, -450, 'Invoice', n],
    ])
    const paid = await api.post(`/v1/${ORG}/invoices/${draft.Guid}/payments`, {
      Timestamp: invoice.TimeStamp,
      DepositAccountNumber: BANK,
      Amount: 2250,
      Description: 'Indbetaling',
      PaymentDate: '2036-03-10',
      RemainderIsFee: false,
    })
    expect(paid.status).toBe(200)
    expect(await postingsOf(paid.json<{ Guid: string }>().Guid, 2036)).toEqual([
      [BANK, 2250, 'Payment', null],
      [DEBTORS, -2250, 'Payment', null],
    ])
  })

  it('a booked credit purchase posts each line’s account +excl. VAT and input VAT +VAT against the creditors; a cash one against its deposit account; a credit payment moves the amount from the bank to the creditors', async () => {
    const credit = await purchase('credit', '2036-04-01', [
      { AccountNumber: 3600, Amount: 1250, Description: 'Papir' },
    ])
    const n = credit.booked.VoucherNumber
    expect(await postingsOf(credit.guid, 2036)).toEqual([
      [3600, 1000, 'Purchases', n],
      [CREDITORS, -1250, 'Purchases', n],
      [INPUT_VAT, 250, 'Purchases', n],
    ])
    const cash = await purchase('cash', '2036-04-02', [
      { AccountNumber: 4000, Amount: 5000, Description: 'Husleje' },
    ])
    expect(await postingsOf(cash.guid, 2036)).toEqual([
      [4000, 5000, 'Purchases', cash.booked.VoucherNumber],
      [BANK, -5000, 'Purchases', cash.booked.VoucherNumber],
    ])
    const paid = await api.post(`/v1/${ORG}/purchase-vouchers/${credit.guid}/payments`, {
      Timestamp: credit.booked.Timestamp,
      DepositAccountNumber: BANK,
      Amount: 1250,
      Description: 'Betaling',
      PaymentDate: '2036-04-15',
      RemainderIsFee: false,
    })
    expect(paid.status).toBe(200)
    expect(await postingsOf(paid.json<{ Guid: string }>().Guid, 2036)).toEqual([
      [BANK, -1250, 'Payment', null],
      [CREDITORS, 1250, 'Payment', null],
    ])
  })

  it('a booked purchase credit note posts the reverse of the purchase it credits, against the creditors', async () => {
    const voucher = await purchase('credit', '2036-05-01', [
      { AccountNumber: 2000, Amount: 500, Description: 'Varer' },
    ])
    const note = created(
      await api.post(`/v1/${ORG}/vouchers/purchase/${voucher.guid}/generate-creditnote`, {
        Timestamp: { Timestamp: voucher.booked.Timestamp },
        VoucherDate: '2036-05-20',
      }),
    )
    const booked = await bookAt(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`, note)
    const n = booked.CreditNoteNumber
    expect(await postingsOf(note.Guid, 2036)).toEqual([
      [2000, -400, 'PurchaseCreditNote', n],
      [CREDITORS, 500, 'PurchaseCreditNote', n],
      [INPUT_VAT, -100, 'PurchaseCreditNote', n],
    ])
  })

  it('deleting a booked purchase voucher (200) posts its entries again, negated, so they sum to 0; it is then gone (GET → 404 code 40)', async () => {
    const voucher = await purchase('credit', '2036-06-01', [
      { AccountNumber: 3600, Amount: 100, Description: 'Papir' },
    ])
    const path = `/v1/${ORG}/vouchers/purchase/${voucher.guid}`
    expect((await api.delete(path, { Timestamp: voucher.booked.Timestamp })).status).toBe(200)
    const after = await postingsOf(voucher.guid, 2036)
    expect(after).toHaveLength(6)
    expect(total(after.map(([, Amount]) => ({ Amount })))).toBe(0)
    expect(after.filter(([account]) => account === CREDITORS).map(([, amount]) => amount)).toEqual([
      -100, 100,
    ])
    const gone = await api.get(path)
    expect(gone.status).toBe(404)
    expect(codeOf(gone)).toBe(40)
  })

  it('a purchase voucher or purchase credit note with a line without AccountNumber cannot be booked: 400 code 42 naming Lines[0].AccountNumber', async () => {
    const draft = created(
      await api.post(`/v1.2/${ORG}/vouchers/purchase`, {
        PurchaseType: 'cash',
        VoucherDate: '2036-07-01',
        Lines: [{ Amount: 10 }],
      }),
    )
    const refused = await api.post(`/v1/${ORG}/vouchers/purchase/${draft.Guid}/book`, {
      Timestamp: draft.Timestamp,
    })
    expect(refused.status).toBe(400)
    expect(DineroErrorBody.parse(refused.json())).toMatchObject({ code: 42 })
    expect(DineroErrorBody.parse(refused.json()).validationErrors).toHaveProperty(['Lines[0].AccountNumber'])
    const note = created(
      await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, {
        ContactGuid: contact,
        Lines: [{ Amount: 10 }],
      }),
    )
    const refusedNote = await api.post(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}/book`, {
      Timestamp: note.TimeStamp,
    })
    expect(refusedNote.status).toBe(400)
    expect(DineroErrorBody.parse(refusedNote.json()).validationErrors).toHaveProperty([
      'Lines[0].AccountNumber',
    ])
  })

  it('a manual voucher or ledger item whose one-sided lines do not net to zero → 400 code 45 on book; one whose lines net to zero books (200)', async () => {
    const oneSided = [
      { AccountNumber: 4000, Amount: 100, Description: 'Husleje' },
      { AccountNumber: BANK, Amount: -90, Description: 'Bank' },
    ]
    const voucher = created(
      await api.post(`/v1/${ORG}/vouchers/manuel`, { VoucherDate: '2036-08-01', Lines: oneSided }),
    )
    const refused = await api.post(`/v1/${ORG}/vouchers/manuel/${voucher.Guid}/book`, {
      Timestamp: voucher.Timestamp,
    })
    expect(refused.status).toBe(400)
    expect(codeOf(refused), refused.text).toBe(45)
    const items = await api.post(`/v1.2/${ORG}/ledgeritems`, [{ VoucherDate: '2036-08-01', Lines: oneSided }])
    expect(items.status).toBe(200)
    const item = items.json<{ Id: string; Version: string }>()
    const refusedItem = await api.post(`/v1/${ORG}/ledgeritems/book`, [item])
    expect(refusedItem.status).toBe(400)
    expect(codeOf(refusedItem), refusedItem.text).toBe(45)
    const balanced = created(
      await api.post(`/v1/${ORG}/vouchers/manuel`, {
        VoucherDate: '2036-08-02',
        Lines: [oneSided[0], { ...oneSided[1], Amount: -100 }],
      }),
    )
    const booked = await bookAt(`/v1/${ORG}/vouchers/manuel/${balanced.Guid}`, balanced)
    expect(await postingsOf(balanced.Guid, 2036)).toEqual([
      [4000, 100, 'Manual', booked.VoucherNumber],
      [BANK, -100, 'Manual', booked.VoucherNumber],
    ])
  })
})

type OperationValue = typeof operation extends fc.Arbitrary<infer T> ? T : never
