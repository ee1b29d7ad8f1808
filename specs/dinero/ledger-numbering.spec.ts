import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import {
  type DineroApi,
  dineroError,
  dineroSuite,
  type LedgerItem,
  type LedgerItemStatus,
  ok,
} from '../support/dinero-session.ts'

/**
 * Voucher numbers of manual vouchers and ledger items (mocks/dinero/ledger.ts bookingNumber;
 * dinero-openapi BookModel.Number, LedgerItemModelV2.VoucherNumber): one series per accounting
 * year shared by both, where only booked vouchers hold a number; a requested number already
 * booked that year → 400 code 45, none → the year's highest + 1. Under the deviation
 * `dinero.voucher-number-count` the next number is the count of the year's booked vouchers + 1.
 */
const ORG = PRO_ORGANISATION_ID
const line = { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 100, Description: 'Husleje' }

/** Drafts a manual voucher dated `date`; `requested` is the Number its booking asks for. */
const manual = (api: DineroApi) => ({
  draft: async (date: string) =>
    ok(await api.post(`/v1/${ORG}/vouchers/manuel`, { VoucherDate: date, Lines: [line] })).json<{
      Guid: string
      Timestamp: string
    }>(),
  book: (draft: { Guid: string; Timestamp: string }, requested?: number) =>
    api.post(`/v1/${ORG}/vouchers/manuel/${draft.Guid}/book`, {
      Timestamp: draft.Timestamp,
      ...(requested === undefined ? {} : { Number: requested }),
    }),
})
const numberOf = (r: Reply) => ok(r).json<{ VoucherNumber: number }>().VoucherNumber

describe('Dinero voucher numbers (in-process)', () => {
  const api = dineroSuite('in-process', { dinero: { rateLimitPerMinute: 0 } })

  it('a ledger item drafted with VoucherNumber 7 books under 7 (200): a draft holds no number of the series', async () => {
    const item = ok(
      await api.post(`/v1.2/${ORG}/ledgeritems`, [
        { VoucherDate: '2031-02-01', VoucherNumber: 7, Lines: [line] },
      ]),
    ).json<LedgerItem>()
    ok(await api.post(`/v1/${ORG}/ledgeritems/book`, [item]))
    const [status] = ok(await api.post(`/v1/${ORG}/ledgeritems/status`, [{ Id: item.Id }])).json<
      LedgerItemStatus[]
    >()
    expect(status).toMatchObject({ Status: 'Booked', VoucherNumber: 7 })
  })

  it('a ledger item draft’s VoucherNumber does not keep a manual voucher from booking under it (200)', async () => {
    ok(
      await api.post(`/v1.2/${ORG}/ledgeritems`, [
        { VoucherDate: '2032-02-01', VoucherNumber: 3, Lines: [line] },
      ]),
    )
    const m = manual(api)
    expect(numberOf(await m.book(await m.draft('2032-02-02'), 3))).toBe(3)
  })

  it('a Number already booked in the year → 400 code 45 "Voucher number 5 is already in use in 2033"; the same Number books in 2034 (200)', async () => {
    const m = manual(api)
    expect(numberOf(await m.book(await m.draft('2033-03-01'), 5))).toBe(5)
    const refused = await m.book(await m.draft('2033-04-01'), 5)
    expect(refused.status).toBe(400)
    expect(dineroError(refused)).toMatchObject({
      code: 45,
      message: 'Voucher number 5 is already in use in 2033',
    })
    expect(numberOf(await m.book(await m.draft('2034-04-01'), 5))).toBe(5)
  })

  it('without a Number, a voucher books under the year’s highest number + 1, not the count + 1 (after 10 alone: 11)', async () => {
    const m = manual(api)
    expect(numberOf(await m.book(await m.draft('2035-01-01'), 10))).toBe(10)
    expect(numberOf(await m.book(await m.draft('2035-01-02')))).toBe(11)
  })
})

describe('Dinero voucher numbers under dinero.voucher-number-count (in-process)', () => {
  const api = dineroSuite('in-process', {
    dinero: { rateLimitPerMinute: 0 },
    deviations: ['dinero.voucher-number-count'],
  })

  it('the year’s first voucher books as 1, and after one booked as 10 the next as 3 (count + 1); drafts are not counted', async () => {
    const m = manual(api)
    await m.draft('2036-01-01')
    ok(await api.post(`/v1.2/${ORG}/ledgeritems`, [{ VoucherDate: '2036-01-01', Lines: [line] }]))
    expect(numberOf(await m.book(await m.draft('2036-01-02')))).toBe(1)
    expect(numberOf(await m.book(await m.draft('2036-01-03'), 10))).toBe(10)
    expect(numberOf(await m.book(await m.draft('2036-01-04')))).toBe(3)
  })

  it('a requested Number is still booked as asked (40, 200)', async () => {
    const m = manual(api)
    expect(numberOf(await m.book(await m.draft('2037-01-01'), 40))).toBe(40)
  })
})
