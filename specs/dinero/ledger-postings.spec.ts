import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import type { DepositAccount } from '../../mocks/dinero/store.ts'
import { DEFAULT_USER } from '../../mocks/options.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import {
  dineroError,
  dineroTarget,
  type LedgerEntry,
  type LedgerItem,
  type LedgerItemStatus,
  ok,
} from '../support/dinero-session.ts'

/**
 * What each document posts to the ledger, leg by leg (mocks/dinero/ledger.ts; dinero-openapi
 * Entry, EntryReadModel): the VAT code each entry carries (a line's own, else its account's in the
 * chart), which documents post at all ("No impact until booked": drafts never), which deposit
 * account pays a cash purchase, the sign of a purchase credit note's payment, and when a booking
 * counts as posted for /entries/changes (the booking, not the draft's creation).
 */

const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:1`)
/** Frozen: time moves only when a test says so (mocks/clock.ts). */
const START = Date.UTC(2030, 0, 10, 9)
const MINUTE = 60_000
const DEBTORS = 57000
const CREDITORS = 63000
const OUTPUT_VAT = 66000
const INPUT_VAT = 66100
const BANK = 55000
const CASH = 55010
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const iso = (ms: number) => new Date(ms).toISOString()
const same = (a: string | null, b: string) => a?.toLowerCase() === b.toLowerCase()
const byAccount = (a: LedgerEntry, b: LedgerEntry) => a.AccountNumber - b.AccountNumber || a.Amount - b.Amount

describe('Dinero ledger postings (in-process)', () => {
  const run = dineroTarget('in-process', { clock: { start: START }, dinero: { rateLimitPerMinute: 0 } })

  /** `guid`'s entries dated in `year` (no primo), by account then amount. */
  const entriesOf = async (guid: string, year: number, org = ORG) =>
    ok(await run.api.get(`/v1/${org}/entries?fromDate=${year}-01-01&toDate=${year}-12-31&includePrimo=false`))
      .json<LedgerEntry[]>()
      .filter((e) => same(e.VoucherGuid, guid))
      .sort(byAccount)
  /** The accounts and amounts of `guid`'s entries posted from `from` to `to` (mock-clock ms). */
  const changedOf = async (guid: string, from: number, to: number) =>
    ok(
      await run.api.get(
        `/v1/${ORG}/entries/changes?changesFrom=${iso(from)}&changesTo=${iso(to)}&includePrimo=false`,
      ),
    )
      .json<LedgerEntry[]>()
      .filter((e) => same(e.VoucherGuid, guid))
      .sort(byAccount)
      .map((e) => [e.AccountNumber, e.Amount])
  /** Moves the mock clock on, with a fresh session so the access token never outlives it. */
  const later = async (ms: number) => {
    run.target.mock.clock.advance(ms)
    await run.renew()
  }
  const now = () => run.target.mock.clock.now()
  const version = (m: { Timestamp?: string; TimeStamp?: string }) => m.Timestamp ?? m.TimeStamp
  const created = (r: Reply) => ok(r).json<{ Guid: string; Timestamp?: string; TimeStamp?: string }>()
  const book = async (path: string, draft: { Timestamp?: string; TimeStamp?: string }) =>
    ok(await run.api.post(`${path}/book`, { Timestamp: version(draft) })).json<
      Record<string, unknown> & { Timestamp?: string; TimeStamp?: string }
    >()
  const purchaseDraft = async (body: Record<string, unknown>, org = ORG) =>
    created(
      await run.api.post(`/v1.2/${org}/vouchers/purchase`, {
        PurchaseType: 'credit',
        ContactGuid: CONTACT,
        ...body,
      }),
    )
  const bookPurchase = (guid: string, draft: { Timestamp?: string }, org = ORG) =>
    book(`/v1/${org}/vouchers/purchase/${guid}`, draft)

  it('a manual voucher line with only a BalancingAccountNumber posts only that side: it balances a line with only an AccountNumber, books (200) and posts 4000 +100, 55000 −100', async () => {
    const draft = created(
      await run.api.post(`/v1/${ORG}/vouchers/manuel`, {
        VoucherDate: '2030-01-05',
        Lines: [
          { AccountNumber: 4000, Amount: 100, Description: 'Husleje' },
          { BalancingAccountNumber: BANK, Amount: 100, Description: 'Bank' },
        ],
      }),
    )
    await book(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, draft)
    expect((await entriesOf(draft.Guid, 2030)).map((e) => [e.AccountNumber, e.Amount])).toEqual([
      [4000, 100],
      [BANK, -100],
    ])
  })

  it('a manual voucher whose one-sided lines are 10 short cannot be booked: 400 code 45 "The voucher does not balance: its lines are off by 10"; 10 over: "… off by -10"', async () => {
    for (const [bank, off] of [
      [-90, 10],
      [-110, -10],
    ] as const) {
      const draft = created(
        await run.api.post(`/v1/${ORG}/vouchers/manuel`, {
          VoucherDate: '2030-01-06',
          Lines: [
            { AccountNumber: 4000, Amount: 100, Description: 'Husleje' },
            { AccountNumber: BANK, Amount: bank, Description: 'Bank' },
          ],
        }),
      )
      const refused = await run.api.post(`/v1/${ORG}/vouchers/manuel/${draft.Guid}/book`, {
        Timestamp: draft.Timestamp,
      })
      expect(refused.status).toBe(400)
      expect(dineroError(refused)).toMatchObject({
        code: 45,
        message: `The voucher does not balance: its lines are off by ${off}`,
      })
    }
  })

  it('drafts post nothing: a manual voucher, a ledger item, a purchase voucher and a purchase credit note not yet booked have no entries', async () => {
    const lines = [{ AccountNumber: 4000, BalancingAccountNumber: BANK, Amount: 300, Description: 'Husleje' }]
    const manual = created(
      await run.api.post(`/v1/${ORG}/vouchers/manuel`, { VoucherDate: '2030-01-07', Lines: lines }),
    )
    const item = ok(
      await run.api.post(`/v1.2/${ORG}/ledgeritems`, [{ VoucherDate: '2030-01-07', Lines: lines }]),
    ).json<{ Id: string }>()
    const purchase = await purchaseDraft({
      VoucherDate: '2030-01-07',
      Lines: [{ AccountNumber: 3600, Amount: 125, Description: 'Papir' }],
    })
    const note = created(
      await run.api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, {
        ContactGuid: CONTACT,
        Date: '2030-01-07',
        Lines: [{ AccountNumber: 3600, Amount: 125, Description: 'Papir' }],
      }),
    )
    for (const guid of [manual.Guid, item.Id, purchase.Guid, note.Guid])
      expect(await entriesOf(guid, 2030), guid).toEqual([])
  })

  it('a booked ledger item posts its lines under VoucherType Ledger and its voucher number', async () => {
    const item = ok(
      await run.api.post(`/v1.2/${ORG}/ledgeritems`, [
        {
          VoucherDate: '2030-01-08',
          Lines: [{ AccountNumber: 2000, BalancingAccountNumber: BANK, Amount: 250, Description: 'Varer' }],
        },
      ]),
    ).json<LedgerItem>()
    ok(await run.api.post(`/v1/${ORG}/ledgeritems/book`, [item]))
    const [status] = ok(await run.api.post(`/v1/${ORG}/ledgeritems/status`, [{ Id: item.Id }])).json<
      LedgerItemStatus[]
    >()
    expect(
      (await entriesOf(item.Id, 2030)).map((e) => [
        e.AccountNumber,
        e.Amount,
        e.VoucherType,
        e.VoucherNumber,
      ]),
    ).toEqual([
      [2000, 250, 'Ledger', status?.VoucherNumber],
      [BANK, -250, 'Ledger', status?.VoucherNumber],
    ])
  })

  it('a booked invoice’s line entries carry their account’s VAT code from the chart (1000 → U25, 1100 → null), the debtors and output VAT entries none; a Text line posts nothing', async () => {
    const draft = created(
      await run.api.post(`/v1/${ORG}/invoices`, {
        ContactGuid: CONTACT,
        Date: '2030-01-09',
        ProductLines: [
          { BaseAmountValue: 100, Quantity: 1, Discount: 0, AccountNumber: 1000, Description: 'Med moms' },
          {
            BaseAmountValue: 0,
            Quantity: 1,
            Discount: 0,
            AccountNumber: 1000,
            Description: 'Note',
            LineType: 'Text',
          },
          { BaseAmountValue: 200, Quantity: 1, Discount: 0, AccountNumber: 1100, Description: 'Uden moms' },
        ],
      }),
    )
    await book(`/v1/${ORG}/invoices/${draft.Guid}`, draft)
    expect((await entriesOf(draft.Guid, 2030)).map((e) => [e.AccountNumber, e.Amount, e.VatCode])).toEqual([
      [1000, -100, 'U25'],
      [1100, -200, null],
      [DEBTORS, 325, null],
      [OUTPUT_VAT, -25, null],
    ])
  })

  it('a booked purchase’s line and input VAT entries carry the line’s own VatCode when it gives one (4000 with I25), else its account’s in the chart (3600 → I25, 4000 → null); the creditors entry none', async () => {
    const draft = await purchaseDraft({
      VoucherDate: '2030-01-09',
      Lines: [
        { AccountNumber: 3600, Amount: 125, Description: 'Papir' },
        { AccountNumber: 4000, Amount: 500, Description: 'Husleje m/moms', VatCode: 'I25' },
        { AccountNumber: 4000, Amount: 80, Description: 'Husleje u/moms' },
      ],
    })
    await bookPurchase(draft.Guid, draft)
    expect((await entriesOf(draft.Guid, 2030)).map((e) => [e.AccountNumber, e.Amount, e.VatCode])).toEqual([
      [3600, 100, 'I25'],
      [4000, 80, null],
      [4000, 400, 'I25'],
      [CREDITORS, -705, null],
      [INPUT_VAT, 25, 'I25'],
      [INPUT_VAT, 100, 'I25'],
    ])
  })

  it('a booked cash purchase naming DepositAccountNumber 55010 is paid from it: 55010 −total', async () => {
    const draft = created(
      await run.api.post(`/v1.2/${ORG}/vouchers/purchase`, {
        PurchaseType: 'cash',
        VoucherDate: '2030-01-09',
        DepositAccountNumber: CASH,
        Lines: [{ AccountNumber: 4000, Amount: 700, Description: 'Husleje' }],
      }),
    )
    await bookPurchase(draft.Guid, draft)
    expect((await entriesOf(draft.Guid, 2030)).map((e) => [e.AccountNumber, e.Amount])).toEqual([
      [4000, 700],
      [CASH, -700],
    ])
  })

  it('a payment on a booked purchase credit note brings money back: its deposit account +amount, the creditors −amount (VoucherType Payment)', async () => {
    const note = created(
      await run.api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, {
        ContactGuid: CONTACT,
        Date: '2030-01-09',
        Lines: [{ AccountNumber: 3600, Amount: 125, Description: 'Papir retur' }],
      }),
    )
    const booked = await book(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`, note)
    const paid = ok(
      await run.api.post(`/v1/${ORG}/purchase-vouchers/${note.Guid}/payments`, {
        Timestamp: version(booked),
        DepositAccountNumber: BANK,
        Amount: 125,
        Description: 'Tilbagebetaling',
        PaymentDate: '2030-01-09',
        RemainderIsFee: false,
      }),
    ).json<{ Guid: string }>()
    expect((await entriesOf(paid.Guid, 2030)).map((e) => [e.AccountNumber, e.Amount, e.VoucherType])).toEqual(
      [
        [BANK, 125, 'Payment'],
        [CREDITORS, -125, 'Payment'],
      ],
    )
  })

  it('a purchase voucher and a purchase credit note post when booked, not when drafted: drafted 10 minutes before booking, their entries are in /entries/changes for the booking minute and not for the drafting minute', async () => {
    const drafted = now()
    const voucher = await purchaseDraft({
      VoucherDate: '2030-01-10',
      Lines: [{ AccountNumber: 3600, Amount: 125, Description: 'Papir' }],
    })
    const note = created(
      await run.api.post(`/v1/${ORG}/vouchers/purchase/creditnotes`, {
        ContactGuid: CONTACT,
        Date: '2030-01-10',
        Lines: [{ AccountNumber: 2000, Amount: 250, Description: 'Varer retur' }],
      }),
    )
    await later(10 * MINUTE)
    const bookedAt = now()
    await bookPurchase(voucher.Guid, voucher)
    await book(`/v1/${ORG}/vouchers/purchase/creditnotes/${note.Guid}`, note)
    const atBooking = (guid: string) => changedOf(guid, bookedAt - MINUTE, bookedAt + MINUTE)
    const atDrafting = (guid: string) => changedOf(guid, drafted - MINUTE, drafted + MINUTE)
    expect(await atBooking(voucher.Guid)).toEqual([
      [3600, 100],
      [CREDITORS, -125],
      [INPUT_VAT, 25],
    ])
    expect(await atBooking(note.Guid)).toEqual([
      [2000, -200],
      [CREDITORS, 250],
      [INPUT_VAT, -50],
    ])
    expect(await atDrafting(voucher.Guid)).toEqual([])
    expect(await atDrafting(note.Guid)).toEqual([])
  })

  it('an invoice posts when booked and its payment when paid: drafted, booked 10 minutes later and paid 10 minutes after that, each posting is in /entries/changes for its own minute only', async () => {
    const drafted = now()
    const draft = created(
      await run.api.post(`/v1/${ORG}/invoices`, {
        ContactGuid: CONTACT,
        Date: '2030-01-10',
        ProductLines: [
          { BaseAmountValue: 400, Quantity: 1, Discount: 0, AccountNumber: 1000, Description: 'Ydelse' },
        ],
      }),
    )
    await later(10 * MINUTE)
    const bookedAt = now()
    const invoice = await book(`/v1/${ORG}/invoices/${draft.Guid}`, draft)
    await later(10 * MINUTE)
    const paidAt = now()
    const payment = ok(
      await run.api.post(`/v1/${ORG}/invoices/${draft.Guid}/payments`, {
        Timestamp: version(invoice),
        DepositAccountNumber: BANK,
        Amount: 500,
        Description: 'Indbetaling',
        PaymentDate: '2030-01-10',
        RemainderIsFee: false,
      }),
    ).json<{ Guid: string }>()
    const window = (at: number) => [at - MINUTE, at + MINUTE] as const
    expect(await changedOf(draft.Guid, ...window(bookedAt))).toEqual([
      [1000, -400],
      [DEBTORS, 500],
      [OUTPUT_VAT, -100],
    ])
    expect(await changedOf(draft.Guid, ...window(drafted))).toEqual([])
    expect(await changedOf(payment.Guid, ...window(paidAt))).toEqual([
      [BANK, 500],
      [DEBTORS, -500],
    ])
    expect(await changedOf(payment.Guid, ...window(drafted))).toEqual([])
  })

  it('each entry carries an EntryGuid: a GUID, the same on every read, and distinct from the other entries', async () => {
    const draft = created(
      await run.api.post(`/v1/${ORG}/vouchers/manuel`, {
        VoucherDate: '2030-01-10',
        Lines: [{ AccountNumber: 3600, BalancingAccountNumber: CASH, Amount: 40, Description: 'Frimærker' }],
      }),
    )
    await book(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, draft)
    const first = (await entriesOf(draft.Guid, 2030)).map((e) => e.EntryGuid)
    const again = (await entriesOf(draft.Guid, 2030)).map((e) => e.EntryGuid)
    expect(first).toHaveLength(3)
    for (const g of first) expect(g).toMatch(GUID)
    expect(new Set(first).size).toBe(3)
    expect(again).toEqual(first)
  })

  it('a manual voucher line with no account but an AccountVatCode splits nothing: its read model is 100 excl. and incl., and it posts the balancing side only', async () => {
    const draft = created(
      await run.api.post(`/v1/${ORG}/vouchers/manuel`, {
        VoucherDate: '2030-03-10',
        Lines: [
          { BalancingAccountNumber: BANK, AccountVatCode: 'I25', Amount: 100, Description: 'a' },
          { AccountNumber: 4000, Amount: 100, Description: 'b' },
        ],
      }),
    )
    const booked = await book(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, draft)
    expect((booked as unknown as { Lines: Record<string, number>[] }).Lines[0]).toMatchObject({
      AmountExclVatValue: 100,
      VatAmountValue: 0,
      AmountInclVatValue: 100,
    })
    const posted = (await entriesOf(draft.Guid, 2030)).map((e) => [e.AccountNumber, e.Amount])
    expect(posted.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [4000, 100],
      [BANK, -100],
    ])
  })

  it('a manual voucher line on a VAT-coded account posts as its read model splits it: 125 on 2000 (I25) → 2000 +100, input VAT +25, the bank −125; −100 on 1000 (U25) → 1000 −100, output VAT −25, the bank +125', async () => {
    const draft = created(
      await run.api.post(`/v1/${ORG}/vouchers/manuel`, {
        VoucherDate: '2030-02-10',
        Lines: [
          { AccountNumber: 2000, BalancingAccountNumber: BANK, Amount: 125, Description: 'Varer' },
          { AccountNumber: 1000, BalancingAccountNumber: BANK, Amount: -100, Description: 'Salg' },
        ],
      }),
    )
    const booked = await book(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, draft)
    expect((booked as unknown as { Lines: Record<string, number>[] }).Lines[0]).toMatchObject({
      AmountExclVatValue: 100,
      VatAmountValue: 25,
      AmountInclVatValue: 125,
    })
    const byAccount = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!
    expect(
      (await entriesOf(draft.Guid, 2030)).map((e) => [e.AccountNumber, e.Amount]).sort(byAccount),
    ).toEqual(
      [
        [2000, 100],
        [66100, 25],
        [BANK, -125],
        [1000, -100],
        [66000, -25],
        [BANK, 125],
      ].sort(byAccount),
    )
  })

  it('deleting (200) a booked manual voucher dated in an earlier accounting year posts its reversal on that year’s last day, 2029-12-31, so the year nets to zero', async () => {
    const draft = created(
      await run.api.post(`/v1/${ORG}/vouchers/manuel`, {
        VoucherDate: '2029-06-01',
        Lines: [{ AccountNumber: 4000, BalancingAccountNumber: BANK, Amount: 900, Description: 'Husleje' }],
      }),
    )
    const booked = await book(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, draft)
    ok(await run.api.delete(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, { Timestamp: booked.Timestamp }))
    const rows = (await entriesOf(draft.Guid, 2029)).map((e) => [e.Date, e.AccountNumber, e.Amount] as const)
    expect(rows.sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1])).toEqual([
      ['2029-06-01', 4000, 900],
      ['2029-06-01', BANK, -900],
      ['2029-12-31', 4000, -900],
      ['2029-12-31', BANK, 900],
    ])
  })

  /**
   * Organisations set up beside the seeded ones, through the store as the seed does: which deposit
   * account is the default is set in Dinero's web app (the API's POST accounts/deposit makes
   * none default), and a cash purchase drafted without a DepositAccountNumber keeps none.
   */
  const organisationWith = (id: number, deposits: readonly [number, boolean][]) => {
    const store = run.target.mock.store.dinero
    const base = store.organisation(ORG)
    if (base === undefined) throw new Error('the seeded organisation is missing')
    store.addOrganisation({ ...structuredClone(base), Id: id, Name: `Kasse ${id} ApS` })
    for (const a of store.entryAccounts(ORG)) store.addEntryAccount(id, { ...a })
    for (const [n, isDefault] of deposits) store.addDepositAccount(id, deposit(n, isDefault))
    store.grantAccess(DEFAULT_USER.subject, id)
  }
  const deposit = (n: number, isDefault: boolean): DepositAccount => ({
    AccountNumber: n,
    PublicStandardNumber: null,
    Name: `Konto ${n}`,
    IsDefault: isDefault,
    IsHidden: false,
    BankRegistrationNumber: null,
    BankAccountNumber: null,
    BankSwiftNumber: null,
    BankIbanNumber: null,
  })
  /** A cash purchase of 600 drafted in `org` without a DepositAccountNumber. */
  const cashDraft = async (org: number) => {
    const draft = created(
      await run.api.post(`/v1.2/${org}/vouchers/purchase`, {
        PurchaseType: 'cash',
        VoucherDate: '2030-01-10',
        Lines: [{ AccountNumber: 4000, Amount: 600, Description: 'Husleje' }],
      }),
    )
    expect(ok(await run.api.get(`/v1/${org}/vouchers/purchase/${draft.Guid}`)).json()).toMatchObject({
      DepositAccountNumber: null,
    })
    return draft
  }
  const paidFrom = async (org: number, guid: string) =>
    (await entriesOf(guid, 2030, org)).filter((e) => e.Amount < 0).map((e) => [e.AccountNumber, e.Amount])

  it('a cash purchase without a deposit account, in an organisation with no default deposit account, is paid from its first deposit account (55010 −600)', async () => {
    const org = 900_001
    organisationWith(org, [
      [CASH, false],
      [BANK, false],
    ])
    const draft = await cashDraft(org)
    await bookPurchase(draft.Guid, draft, org)
    expect(await paidFrom(org, draft.Guid)).toEqual([[CASH, -600]])
  })

  it('a cash purchase drafted without a deposit account and booked after the organisation set a default (55000, listed after 55010) is paid from the default (55000 −600)', async () => {
    const org = 900_002
    organisationWith(org, [[CASH, false]])
    const draft = await cashDraft(org)
    run.target.mock.store.dinero.addDepositAccount(org, deposit(BANK, true))
    await bookPurchase(draft.Guid, draft, org)
    expect(await paidFrom(org, draft.Guid)).toEqual([[BANK, -600]])
  })

  it('an organisation without deposit accounts still lists its entries (200), and a cash purchase there is paid from 55000', async () => {
    const org = 900_003
    organisationWith(org, [])
    const draft = await cashDraft(org)
    await bookPurchase(draft.Guid, draft, org)
    expect(await paidFrom(org, draft.Guid)).toEqual([[BANK, -600]])
  })
})
