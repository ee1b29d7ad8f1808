import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DineroErrorBody, generated } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroSuite, type LedgerEntry, type ManualVoucher } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const ManuelVoucherReadModel = generated.schema('ManuelVoucherReadModel')
const Entries = z.array(generated.schema('EntryReadModel'))
const line = { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 1000, Description: 'Husleje' }

/**
 * dinero-openapi (ManuelVouchers, Entry): a manual voucher is a draft with no impact until booked;
 * booking numbers it in sequence within its accounting year and posts its lines as entries;
 * a booked voucher cannot be updated, and deleting it reverses its entries.
 */
describe.each(TARGET_KINDS)('Dinero manual vouchers and entries (%s)', (kind) => {
  const api = dineroSuite(kind)
  const create = async (date: string, lines: unknown[] = [line]) => {
    const reply = await api.post(`/v1/${ORG}/vouchers/manuel`, { VoucherDate: date, Lines: lines })
    expect(reply.status).toBe(200)
    expect(ManuelVoucherReadModel.safeParse(reply.json()).success).toBe(true)
    return reply.json<ManualVoucher>()
  }
  const book = (v: ManualVoucher, body: Record<string, unknown> = {}) =>
    api.post(`/v1/${ORG}/vouchers/manuel/${v.Guid}/book`, { Timestamp: v.Timestamp, ...body })
  const entriesOf = async (from: string, to: string, guid: string) => {
    const reply = await api.get(`/v1/${ORG}/entries?fromDate=${from}&toDate=${to}`)
    expect(reply.status).toBe(200)
    return Entries.parse(reply.json()).filter((e) => (e as LedgerEntry).VoucherGuid === guid) as LedgerEntry[]
  }

  it('a draft posts no entries; booking posts account +amount and balancing −amount (200)', async () => {
    const draft = await create('2031-03-01')
    expect(draft.Status).toBe('Draft')
    expect(draft.VoucherNumber).toBeNull()
    expect(await entriesOf('2031-01-01', '2031-12-31', draft.Guid)).toEqual([])
    const booked = await book(draft)
    expect(booked.status).toBe(200)
    expect(booked.json<ManualVoucher>().Status).toBe('Booked')
    const entries = await entriesOf('2031-01-01', '2031-12-31', draft.Guid)
    expect(entries.map((e) => [e.AccountNumber, e.Amount]).sort()).toEqual([
      [4000, 1000],
      [55000, -1000],
    ])
  })

  it('voucher numbers run in sequence per accounting year (2032: 1, 2; 2033 starts at 1 again)', async () => {
    const numbers: (number | null)[] = []
    for (const date of ['2032-01-10', '2032-06-01', '2033-02-01']) {
      const reply = await book(await create(date))
      numbers.push(reply.json<ManualVoucher>().VoucherNumber)
    }
    expect(numbers).toEqual([1, 2, 1])
  })

  it('a requested number already used in the year → 400 code 45; a free one is taken as asked', async () => {
    const first = await book(await create('2034-01-01'), { Number: 7 })
    expect(first.json<ManualVoucher>().VoucherNumber).toBe(7)
    const clash = await book(await create('2034-02-01'), { Number: 7 })
    expect(clash.status).toBe(400)
    expect(DineroErrorBody.parse(clash.json()).code).toBe(45)
  })

  it('a booked voucher cannot be updated (400 code 45) nor booked twice (400 code 45)', async () => {
    const booked = (await book(await create('2035-01-01'))).json<ManualVoucher>()
    const update = await api.put(`/v1/${ORG}/vouchers/manuel/${booked.Guid}`, {
      Timestamp: booked.Timestamp,
      Lines: [line],
    })
    expect(update.status).toBe(400)
    expect(DineroErrorBody.parse(update.json()).code).toBe(45)
    const again = await book(booked)
    expect(DineroErrorBody.parse(again.json()).code).toBe(45)
  })

  it('a voucher without lines cannot be booked (400 code 45); an unknown account → 400 code 42', async () => {
    const empty = await book(await create('2036-01-01', []))
    expect(DineroErrorBody.parse(empty.json()).code).toBe(45)
    const reply = await api.post(`/v1/${ORG}/vouchers/manuel`, { Lines: [{ ...line, AccountNumber: 9999 }] })
    expect(reply.status).toBe(400)
    expect(DineroErrorBody.parse(reply.json()).validationErrors).toHaveProperty(['Lines[0].AccountNumber'])
  })

  it('a stale Timestamp on update or book → 400 code 58', async () => {
    const draft = await create('2037-01-01')
    const updated = await api.put(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, {
      Timestamp: draft.Timestamp,
      Lines: [line, line],
    })
    expect(updated.status).toBe(200)
    const stale = await book(draft)
    expect(stale.status).toBe(400)
    expect(DineroErrorBody.parse(stale.json()).code).toBe(58)
  })

  it('deleting a draft removes it (then 404 code 40); deleting a booked one reverses its entries', async () => {
    const draft = await create('2038-01-01')
    const removed = await api.delete(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`, {
      Timestamp: draft.Timestamp,
    })
    expect(removed.status).toBe(200)
    expect(
      DineroErrorBody.parse((await api.get(`/v1/${ORG}/vouchers/manuel/${draft.Guid}`)).json()).code,
    ).toBe(40)

    const booked = (await book(await create('2038-02-01'))).json<ManualVoucher>()
    const deleted = await api.delete(`/v1/${ORG}/vouchers/manuel/${booked.Guid}`, {
      Timestamp: booked.Timestamp,
    })
    expect(deleted.status).toBe(200)
    const year = new Date().getUTCFullYear()
    const all = [
      ...(await entriesOf('2038-01-01', '2038-12-31', booked.Guid)),
      ...(await entriesOf(`${year}-01-01`, `${year}-12-31`, booked.Guid)),
    ]
    expect(all.reduce((sum, e) => sum + e.Amount, 0)).toBe(0)
    expect(
      all
        .filter((e) => e.AccountNumber === 4000)
        .map((e) => e.Amount)
        .sort(),
    ).toEqual([-1000, 1000])
  })

  it('entries: a period across accounting years → 400 code 45; changes over more than 31 days → 400 code 45', async () => {
    const across = await api.get(`/v1/${ORG}/entries?fromDate=2031-12-01&toDate=2032-01-31`)
    expect(DineroErrorBody.parse(across.json()).code).toBe(45)
    const long = await api.get(
      `/v1/${ORG}/entries/changes?changesFrom=2031-01-01T00:00:00Z&changesTo=2031-03-01T00:00:00Z`,
    )
    expect(DineroErrorBody.parse(long.json()).code).toBe(45)
  })
})
