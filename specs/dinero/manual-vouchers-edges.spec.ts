import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import { dineroError, dineroTarget, type ManualVoucher } from '../support/dinero-session.ts'

/**
 * The manual-voucher edges the mutation run found unpinned (docs/MUTATION.md), each request made
 * in the test that asserts on it: line amounts by VAT code ("incl VAT for purchase VAT type; excl
 * VAT for sale/foreign", ManuelVoucherLineCreateModel; the code is the line's or its account's),
 * the totals, the fields kept as sent, who booked and when, the journal notes, a deleted voucher
 * refused with code 65, and the messages and model names of the 400s (dinero-openapi,
 * dinero-api-errors). The main paths are in manual-vouchers.spec.ts.
 */
const ORG = PRO_ORGANISATION_ID
const VOUCHERS = `/v1/${ORG}/vouchers/manuel`
const line = { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 1000, Description: 'Husleje' }

interface VoucherLine {
  AmountExclVatValue: number
  AmountInclVatValue: number
  VatAmountValue: number
  CurrencyKey: string
}

describe('Dinero manual vouchers, edges (in-process)', () => {
  const run = dineroTarget('in-process')
  const create = async (body: Record<string, unknown>) => {
    const reply = await run.api.post(VOUCHERS, body)
    expect(reply.status).toBe(200)
    return reply.json<ManualVoucher>()
  }
  const notes = (path: string) => run.target.mock.journal.entries({ path }).at(-1)?.details

  it('an unknown voucher → 404 code 40 "Manual voucher was not found"', async () => {
    const reply = await run.api.get(`${VOUCHERS}/${randomUUID()}`)
    expect(reply.status).toBe(404)
    expect(dineroError(reply)).toMatchObject({ code: 40, message: 'Manual voucher was not found' })
  })

  it('line amounts: a purchase (I) code takes the amount incl. VAT, a sale (U) code excl. VAT, the code the line’s or else its account’s; totals sum the lines; CurrencyKey DKK (200)', async () => {
    const voucher = await create({
      VoucherDate: '2061-01-01',
      Lines: [
        // 2000 Vareforbrug carries I25: 1000 paid is 800 + 200 VAT.
        { AccountNumber: 2000, BalancingAccountNumber: 55000, Amount: 1000 },
        // 4000 Husleje has no code; the line's U25 makes 1000 excl. into 1250 incl.
        { ...line, AccountVatCode: 'U25' },
        // 4000 without a code: no VAT.
        line,
        // No AccountNumber and no code: no account to take a code from, no VAT.
        { BalancingAccountNumber: 55000, Amount: 500 },
      ],
    })
    const reply = await run.api.get(`${VOUCHERS}/${voucher.Guid}`)
    expect(reply.status).toBe(200)
    const read = reply.json<{ Lines: VoucherLine[]; TotalInclVat: number; TotalExclVat: number }>()
    expect(read.Lines.map((l) => [l.AmountExclVatValue, l.AmountInclVatValue, l.VatAmountValue])).toEqual([
      [800, 1000, 200],
      [1000, 1250, 250],
      [1000, 1000, 0],
      [500, 500, 0],
    ])
    expect(read.Lines.map((l) => l.CurrencyKey)).toEqual(['DKK', 'DKK', 'DKK', 'DKK'])
    expect(read).toMatchObject({ TotalInclVat: 3750, TotalExclVat: 3300 })
  })

  it('a create keeps Description, both VAT codes, FileGuid and ExternalReference as sent and notes the new Guid (200)', async () => {
    const fileGuid = randomUUID()
    const reply = await run.api.post(VOUCHERS, {
      VoucherDate: '2062-01-01',
      FileGuid: fileGuid,
      ExternalReference: 'FB-edge-1',
      Lines: [{ ...line, AccountVatCode: 'U25', BalancingAccountVatCode: 'I25' }],
    })
    expect(reply.status).toBe(200)
    const read = reply.json<ManualVoucher & { Lines: Record<string, unknown>[] }>()
    expect(read).toMatchObject({ FileGuid: fileGuid, ExternalReference: 'FB-edge-1' })
    expect(read.Lines[0]).toMatchObject({
      Description: 'Husleje',
      AccountVatCode: 'U25',
      BalancingAccountVatCode: 'I25',
    })
    expect(notes(VOUCHERS)).toMatchObject({ manualVoucherGuid: read.Guid })
  })

  it('a draft has no BookedByType, BookedByUsername or BookingTime; booked: BookedByType API, the user and the time, noted with its number (200)', async () => {
    const draft = await create({ VoucherDate: '2063-01-01', Lines: [line] })
    expect(draft).toMatchObject({ BookedByType: null, BookedByUsername: null, BookingTime: null })
    const path = `${VOUCHERS}/${draft.Guid}/book`
    const reply = await run.api.post(path, { Timestamp: draft.Timestamp, Number: 12 })
    expect(reply.status).toBe(200)
    expect(reply.json()).toMatchObject({
      Status: 'Booked',
      VoucherNumber: 12,
      BookedByType: 'API',
      BookedByUsername: expect.stringMatching(/.+/),
      BookingTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/),
    })
    expect(notes(path)).toMatchObject({ voucherNumber: 12 })
  })

  it('booking → 400 code 45 "The voucher is already booked", "A voucher must have at least one line to be booked", "The voucher does not balance: its lines are off by <amount>"', async () => {
    const booked = await create({ VoucherDate: '2064-01-01', Lines: [line] })
    const first = await run.api.post(`${VOUCHERS}/${booked.Guid}/book`, { Timestamp: booked.Timestamp })
    const again = await run.api.post(`${VOUCHERS}/${booked.Guid}/book`, {
      Timestamp: first.json<ManualVoucher>().Timestamp,
    })
    expect(dineroError(again)).toMatchObject({ code: 45, message: 'The voucher is already booked' })
    const empty = await create({ VoucherDate: '2064-02-01', Lines: [] })
    const noLines = await run.api.post(`${VOUCHERS}/${empty.Guid}/book`, { Timestamp: empty.Timestamp })
    expect(dineroError(noLines)).toMatchObject({
      code: 45,
      message: 'A voucher must have at least one line to be booked',
    })
    const uneven = await create({
      VoucherDate: '2064-03-01',
      Lines: [
        { AccountNumber: 4000, Amount: 100 },
        { BalancingAccountNumber: 55000, Amount: 75 },
      ],
    })
    const off = await run.api.post(`${VOUCHERS}/${uneven.Guid}/book`, { Timestamp: uneven.Timestamp })
    expect(off.status).toBe(400)
    expect(dineroError(off)).toMatchObject({
      code: 45,
      message: 'The voucher does not balance: its lines are off by 25',
    })
  })

  it('an unknown account → 400 code 42 "Account <n> does not exist" under Lines[i].<field>', async () => {
    const reply = await run.api.post(VOUCHERS, { Lines: [line, { ...line, BalancingAccountNumber: 99999 }] })
    expect(reply.status).toBe(400)
    expect(dineroError(reply).validationErrors).toEqual({
      'Lines[1].BalancingAccountNumber': 'Account 99999 does not exist',
    })
  })

  it('PUT replaces a draft’s lines and date (200); on a booked voucher → 400 code 45 "A booked voucher cannot be updated"', async () => {
    const draft = await create({ VoucherDate: '2065-01-01', Lines: [line] })
    const reply = await run.api.put(`${VOUCHERS}/${draft.Guid}`, {
      Timestamp: draft.Timestamp,
      VoucherDate: '2065-02-02',
      Lines: [{ ...line, Amount: 40, Description: 'Leje' }],
    })
    expect(reply.status).toBe(200)
    const read = (await run.api.get(`${VOUCHERS}/${draft.Guid}`)).json<{
      VoucherDate: string
      Timestamp: string
      Lines: Record<string, unknown>[]
    }>()
    expect(read.VoucherDate).toBe('2065-02-02')
    expect(read.Timestamp).not.toBe(draft.Timestamp)
    expect(read.Lines).toEqual([expect.objectContaining({ AmountExclVatValue: 40, Description: 'Leje' })])

    const booked = (
      await run.api.post(`${VOUCHERS}/${draft.Guid}/book`, { Timestamp: read.Timestamp })
    ).json<ManualVoucher>()
    const refused = await run.api.put(`${VOUCHERS}/${draft.Guid}`, {
      Timestamp: booked.Timestamp,
      Lines: [line],
    })
    expect(refused.status).toBe(400)
    expect(dineroError(refused)).toMatchObject({ code: 45, message: 'A booked voucher cannot be updated' })
  })

  it('a deleted booked voucher → 404 code 65 {message: "Invalid Guid, the item is deleted."} on book, update and delete', async () => {
    const draft = await create({ VoucherDate: '2066-01-01', Lines: [line] })
    const booked = (
      await run.api.post(`${VOUCHERS}/${draft.Guid}/book`, { Timestamp: draft.Timestamp })
    ).json<ManualVoucher>()
    const path = `${VOUCHERS}/${draft.Guid}`
    expect((await run.api.delete(path, { Timestamp: booked.Timestamp })).status).toBe(200)
    const deleted = (await run.api.get(path)).json<ManualVoucher>()
    for (const reply of [
      await run.api.post(`${path}/book`, { Timestamp: deleted.Timestamp }),
      await run.api.put(path, { Timestamp: deleted.Timestamp, Lines: [line] }),
      await run.api.delete(path, { Timestamp: deleted.Timestamp }),
    ]) {
      expect(reply.status).toBe(404)
      expect(dineroError(reply)).toMatchObject({
        code: 65,
        validationErrors: { message: 'Invalid Guid, the item is deleted.' },
      })
    }
  })

  it('an unknown property → 400 code 42 naming each operation’s model (ManuelVoucherCreateModel, ManuelVoucherUpdateModel, BookModel, RequiredTimestampObject)', async () => {
    const draft = await create({ VoucherDate: '2067-01-01', Lines: [line] })
    const path = `${VOUCHERS}/${draft.Guid}`
    const cases: [Reply, string][] = [
      [await run.api.post(VOUCHERS, { Extra: 1 }), 'ManuelVoucherCreateModel'],
      [await run.api.put(path, { Timestamp: draft.Timestamp, Extra: 1 }), 'ManuelVoucherUpdateModel'],
      [await run.api.post(`${path}/book`, { Timestamp: draft.Timestamp, Extra: 1 }), 'BookModel'],
      [await run.api.delete(path, { Timestamp: draft.Timestamp, Extra: 1 }), 'RequiredTimestampObject'],
    ]
    for (const [reply, model] of cases) {
      expect(reply.status).toBe(400)
      expect(dineroError(reply)).toMatchObject({
        code: 42,
        validationErrors: { Extra: `Could not find member 'Extra' on object of type '${model}'.` },
      })
    }
  })
})
