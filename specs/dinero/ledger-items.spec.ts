import { describe, expect, it } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import {
  dineroSuite,
  type LedgerItem as Item,
  type LedgerItemStatus as Status,
} from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const line = { AccountNumber: 2000, BalancingAccountNumber: 55000, Amount: 250, Description: 'Varekøb' }

/**
 * dinero-openapi (LedgerItems, Entry): ledger items are drafts until booked; booking numbers them
 * in the same series as manual vouchers within the accounting year and posts their lines; booked
 * items can be neither updated nor deleted.
 */
describe.each(TARGET_KINDS)('Dinero ledger items (%s)', (kind) => {
  const api = dineroSuite(kind)
  const create = async (date: string, lines: unknown[] = [line]) => {
    const reply = await api.post(`/v1.2/${ORG}/ledgeritems`, [{ VoucherDate: date, Lines: lines }])
    expect(reply.status).toBe(200)
    return reply.json<Item>()
  }
  const status = async (item: Item) =>
    (await api.post(`/v1/${ORG}/ledgeritems/status`, [{ Id: item.Id }])).json<Status[]>()[0]!
  const book = (items: Item[]) => api.post(`/v1/${ORG}/ledgeritems/book`, items)

  it('a created item is a Draft without number; booking makes it Booked and numbers it (200)', async () => {
    const item = await create('2041-05-01')
    expect(await status(item)).toMatchObject({ Status: 'Draft', VoucherNumber: null })
    expect((await book([item])).status).toBe(200)
    expect(await status(item)).toMatchObject({ Status: 'Booked', VoucherNumber: 1 })
  })

  it('ledger items and manual vouchers share one number series per accounting year', async () => {
    const first = await create('2042-01-01')
    await book([first])
    const voucher = (
      await api.post(`/v1/${ORG}/vouchers/manuel`, { VoucherDate: '2042-02-01', Lines: [line] })
    ).json<{ Guid: string; Timestamp: string }>()
    const booked = await api.post(`/v1/${ORG}/vouchers/manuel/${voucher.Guid}/book`, {
      Timestamp: voucher.Timestamp,
    })
    expect(booked.json<{ VoucherNumber: number }>().VoucherNumber).toBe(2)
    const next = await create('2042-03-01')
    await book([next])
    expect((await status(next)).VoucherNumber).toBe(3)
  })

  it('booking posts the lines as entries: account +amount, balancing −amount', async () => {
    const item = await create('2043-04-01')
    await book([item])
    const entries = (await api.get(`/v1/${ORG}/entries?fromDate=2043-01-01&toDate=2043-12-31`)).json<
      { AccountNumber: number; Amount: number; VoucherGuid: string }[]
    >()
    expect(
      entries
        .filter((e) => e.VoucherGuid === item.Id)
        .map((e) => [e.AccountNumber, e.Amount])
        .sort(),
    ).toEqual([
      [2000, 250],
      [55000, -250],
    ])
  })

  it('a booked item cannot be updated, deleted or booked again (400 code 45)', async () => {
    const item = await create('2044-01-01')
    await book([item])
    const { Version } = await status(item)
    for (const reply of [
      await api.put(`/v1/${ORG}/ledgeritems`, [{ Id: item.Id, Version, Lines: [line] }]),
      await api.delete(`/v1/${ORG}/ledgeritems/delete`, [{ Id: item.Id, Version }]),
      await book([{ Id: item.Id, Version }]),
    ]) {
      expect(reply.status).toBe(400)
      expect(DineroErrorBody.parse(reply.json()).code).toBe(45)
    }
  })

  it('a stale Version → 400 code 58; an unknown Id → 404 code 40; an item without lines cannot be booked (45)', async () => {
    const item = await create('2045-01-01')
    const updated = await api.put(`/v1/${ORG}/ledgeritems`, [
      { Id: item.Id, Version: item.Version, Lines: [line, line] },
    ])
    expect(updated.status).toBe(200)
    expect(DineroErrorBody.parse((await book([item])).json()).code).toBe(58)
    const unknown = await book([
      { Id: '00000000-0000-0000-0000-000000000000', Version: null } as unknown as Item,
    ])
    expect(unknown.status).toBe(404)
    expect(DineroErrorBody.parse(unknown.json()).code).toBe(40)
    expect(DineroErrorBody.parse((await book([await create('2045-02-01', [])])).json()).code).toBe(45)
  })

  it('a draft deleted → 200, then gone (404 code 40); an unknown account in a line → 400 code 42 naming it', async () => {
    const item = await create('2046-01-01')
    expect((await api.delete(`/v1/${ORG}/ledgeritems/delete`, [item])).status).toBe(200)
    expect((await api.post(`/v1/${ORG}/ledgeritems/ledgers`, [item])).status).toBe(404)
    const bad = await api.post(`/v1.2/${ORG}/ledgeritems`, [{ Lines: [{ ...line, AccountNumber: 9999 }] }])
    expect(bad.status).toBe(400)
    expect(DineroErrorBody.parse(bad.json()).validationErrors).toHaveProperty(['[0].Lines[0].AccountNumber'])
  })
})
