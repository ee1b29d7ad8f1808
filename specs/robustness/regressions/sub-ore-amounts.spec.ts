import { describe, expect, it } from 'vitest'
import { round2 } from '../../../mocks/dinero/pricing.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../../mocks/dinero/seed.ts'
import { dineroTarget, type LedgerEntry } from '../../support/dinero-session.ts'

/**
 * What broke: amounts below the øre were rounded in binary and half towards +∞
 * (`Math.round(n * 100) / 100`). A manual voucher line or a payment of 1.125 posted +1.13 and
 * −1.12; a cash purchase of 10.065 was split from the unrounded amount into 8.05 + 2.01 against
 * −10.07; lines of 100.015 and −100.014 passed the balance check (net 0.001) and posted +100.02
 * and −100.01. Each left the year's saldo off zero. Totals rounded 1.015 down and 2.675 up, and
 * −0.1 at 25 % VAT to −0.12 against 0.13 for 0.1 (assumption: open-dinero-rounding).
 */
const ORG = PRO_ORGANISATION_ID
const O = `/v1/${ORG}`
const CONTACT = seededGuid(`${ORG}:contact:0`)
/** One invoice line of `base` on account 1000 (U25). */
const lineOf = (base: number) => ({
  BaseAmountValue: base,
  Quantity: 1,
  AccountNumber: 1000,
  Discount: 0,
  Description: 'x',
  Unit: 'parts',
})

describe('amounts below the øre (sub-øre regressions)', () => {
  const t = dineroTarget('in-process', { dinero: { rateLimitPerMinute: 0 } })
  const day = () => new Date(t.target.mock.clock.now()).toISOString().slice(0, 10)
  const entriesOf = async (guid: string) => {
    const d = day()
    const reply = await t.api.get(`${O}/entries?fromDate=${d}&toDate=${d}`)
    expect(reply.status).toBe(200)
    return reply
      .json<LedgerEntry[]>()
      .filter((e) => e.VoucherGuid === guid)
      .map((e) => [e.AccountNumber, e.Amount])
  }
  const saldoSum = async () => {
    const reply = await t.api.get(`${O}/${day().slice(0, 4)}/reports/saldo`)
    expect(reply.status).toBe(200)
    return round2(reply.json<{ Amount: number }[]>().reduce((s, r) => s + r.Amount, 0)) + 0
  }

  it('round2 reads the decimal a double stands for and rounds midpoints away from zero, alike for either sign', () => {
    const cases: [number, number][] = [
      [1.005, 1.01],
      [1.015, 1.02],
      [2.675, 2.68],
      [-2.675, -2.68],
      [1.125, 1.13],
      [-1.125, -1.13],
      [0.1 * 1.25, 0.13],
      [-0.1 * 1.25, -0.13],
      [0.004, 0],
      [-0.004, 0],
      [0.1 + 0.2, 0.3],
      [999_999_999_999.995, 1_000_000_000_000],
    ]
    expect(cases.map(([n]) => round2(n))).toEqual(cases.map(([, want]) => want))
    expect(Object.is(round2(-0.001), 0)).toBe(true)
  })

  it('200 on book: a manual voucher line of 1.125 posts +1.13 and −1.13', async () => {
    const created = await t.api.post(`${O}/vouchers/manuel`, {
      VoucherDate: day(),
      Lines: [{ Description: 'a', AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 1.125 }],
    })
    expect(created.status, created.text).toBe(200)
    const { Guid, Timestamp } = created.json<{ Guid: string; Timestamp: string }>()
    expect((await t.api.post(`${O}/vouchers/manuel/${Guid}/book`, { Timestamp })).status).toBe(200)
    expect(await entriesOf(Guid)).toEqual([
      [4000, 1.13],
      [55000, -1.13],
    ])
    expect(await saldoSum()).toBe(0)
  })

  it('200 on book: a manual voucher line of 10.065 on 2000 (I25) with a balancing account is rounded first (10.07) and split after, 8.06 + 2.01, and posts exactly that against the bank', async () => {
    const created = await t.api.post(`${O}/vouchers/manuel`, {
      VoucherDate: day(),
      Lines: [{ Description: 'v', AccountNumber: 2000, BalancingAccountNumber: 55000, Amount: 10.065 }],
    })
    expect(created.status, created.text).toBe(200)
    const { Guid, Timestamp } = created.json<{ Guid: string; Timestamp: string }>()
    const booked = await t.api.post(`${O}/vouchers/manuel/${Guid}/book`, { Timestamp })
    expect(booked.status, booked.text).toBe(200)
    expect(booked.json<{ Lines: Record<string, number>[] }>().Lines[0]).toMatchObject({
      AmountExclVatValue: 8.06,
      VatAmountValue: 2.01,
      AmountInclVatValue: 10.07,
    })
    expect((await entriesOf(Guid)).map(([, amount]) => amount)).toEqual([8.06, 2.01, -10.07])
    expect(await saldoSum()).toBe(0)
  })

  it('400 code 45 on book: one-sided lines of 100.015 and −100.014 post 100.02 and −100.01, which do not net to zero', async () => {
    const created = await t.api.post(`${O}/vouchers/manuel`, {
      VoucherDate: day(),
      Lines: [
        { Description: 'a', AccountNumber: 4000, Amount: 100.015 },
        { Description: 'b', AccountNumber: 55000, Amount: -100.014 },
      ],
    })
    expect(created.status, created.text).toBe(200)
    const { Guid, Timestamp } = created.json<{ Guid: string; Timestamp: string }>()
    const booked = await t.api.post(`${O}/vouchers/manuel/${Guid}/book`, { Timestamp })
    expect(booked.status).toBe(400)
    expect(booked.json()).toMatchObject({ code: 45 })
    expect(await entriesOf(Guid)).toEqual([])
  })

  it('200 on book: a cash purchase of 10.065 at 25 % is rounded first (10.07) and split after: 8.06 + 2.01, posted exactly against the bank', async () => {
    const created = await t.api.post('/v1.2/118244/vouchers/purchase', {
      PurchaseType: 'cash',
      VoucherDate: day(),
      DepositAccountNumber: 55000,
      Lines: [{ AccountNumber: 2000, Amount: 10.065, Description: 'x' }],
    })
    expect(created.status, created.text).toBe(200)
    const { Guid, Timestamp } = created.json<{ Guid: string; Timestamp: string }>()
    const booked = await t.api.post(`${O}/vouchers/purchase/${Guid}/book`, { Timestamp })
    expect(booked.status).toBe(200)
    expect(booked.json<{ Lines: Record<string, number>[] }>().Lines[0]).toMatchObject({
      AmountExclVatValue: 8.06,
      VatAmountValue: 2.01,
      AmountInclVatValue: 10.07,
    })
    expect(await entriesOf(Guid)).toEqual([
      [2000, 8.06],
      [66100, 2.01],
      [55000, -10.07],
    ])
    expect(await saldoSum()).toBe(0)
  })

  it('200 on payment: 1.125 paid on a booked invoice posts +1.13 to the bank and −1.13 to the debtors', async () => {
    const created = await t.api.post(`${O}/invoices`, {
      ContactGuid: CONTACT,
      Date: day(),
      ProductLines: [lineOf(100)],
    })
    expect(created.status, created.text).toBe(200)
    const invoice = created.json<{ Guid: string; TimeStamp: string }>()
    const booked = await t.api.post(`${O}/invoices/${invoice.Guid}/book`, { Timestamp: invoice.TimeStamp })
    expect(booked.status).toBe(200)
    const paid = await t.api.post(`${O}/invoices/${invoice.Guid}/payments`, {
      Timestamp: booked.json<{ TimeStamp: string }>().TimeStamp,
      DepositAccountNumber: 55000,
      RemainderIsFee: false,
      Description: 'p',
      Amount: 1.125,
      PaymentDate: day(),
    })
    expect(paid.status, paid.text).toBe(200)
    expect(await entriesOf(paid.json<{ Guid: string }>().Guid)).toEqual([
      [55000, 1.13],
      [57000, -1.13],
    ])
    expect(await saldoSum()).toBe(0)
  })

  it('200 on create: invoice totals at a half øre round alike for either sign (1.015 → 1.02 excl., −2.675 → −2.68; 0.1 → 0.13 incl. and −0.1 → −0.13)', async () => {
    const totals = async (base: number) => {
      const created = await t.api.post(`${O}/invoices`, {
        ContactGuid: CONTACT,
        Date: day(),
        ProductLines: [lineOf(base)],
      })
      expect(created.status, created.text).toBe(200)
      const read = await t.api.get(`${O}/invoices/${created.json<{ Guid: string }>().Guid}`)
      return read.json<{ TotalExclVat: number; TotalInclVat: number }>()
    }
    expect((await totals(1.015)).TotalExclVat).toBe(1.02)
    expect((await totals(-2.675)).TotalExclVat).toBe(-2.68)
    expect((await totals(0.1)).TotalInclVat).toBe(0.13)
    expect((await totals(-0.1)).TotalInclVat).toBe(-0.13)
  })
})
