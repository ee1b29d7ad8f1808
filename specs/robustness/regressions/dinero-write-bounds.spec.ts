import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID, seededGuid } from '../../../mocks/dinero/seed.ts'
import type { Reply } from '../../../scripts/targets/targets.ts'
import { dineroPerTest, dineroTarget } from '../../support/dinero-session.ts'

/**
 * What broke, each found by an adversarial pass over the Dinero half of the served mock:
 * - a purchase voucher update took any non-empty VoucherDate ("not-a-date"), any PaymentDate and
 *   any RegionKey, all refused on create; once booked, the organisation had no accounting years;
 * - a booking asking for Number 2^53 (or long.MaxValue, a draft's own served Number) was taken,
 *   and every later automatic number was that same number again;
 * - a ledger-item book list with two drafts asking for one number (or one draft twice) answered
 *   400 after the first was booked and its entries posted;
 * - a credit note with a negative total made room for more credit than the invoice held;
 * - an invoice due after 9999-12-31 read PaymentDate "+010000-01" and was Overdue once booked.
 */
const ORG = PRO_ORGANISATION_ID
const O = `/v1/${ORG}`
const CONTACT = seededGuid(`${ORG}:contact:0`)
const LINE = {
  BaseAmountValue: 100,
  Quantity: 1,
  AccountNumber: 1000,
  Discount: 0,
  Description: 'x',
  Unit: 'parts',
}

const code = (reply: Reply) => reply.json<{ code?: number }>().code

describe('Dinero writes refused whole, before anything is stored (write-bound regressions)', () => {
  const t = dineroTarget('in-process', { dinero: { rateLimitPerMinute: 0 } })
  /** A mock of the test's own, for what would spoil the shared one (its invoice numbers used up); served, as two in-process mocks would share msw's one patched fetch. */
  const fresh = dineroPerTest('served', { dinero: { rateLimitPerMinute: 0 } })
  const today = () => new Date(t.target.mock.clock.now()).toISOString().slice(0, 10)

  it('PUT /v1.1/:org/vouchers/purchase/:guid → 400 code 42 naming VoucherDate, PaymentDate or RegionKey for values create refuses; the voucher is unchanged', async () => {
    const lines = [{ AccountNumber: 2000, Amount: 125, Description: 'x' }]
    const created = await t.api.post('/v1.2/118244/vouchers/purchase', {
      PurchaseType: 'credit',
      ContactGuid: CONTACT,
      Lines: lines,
    })
    expect(created.status, created.text).toBe(200)
    const { Guid, Timestamp } = created.json<{ Guid: string; Timestamp: string }>()
    const update = (patch: Record<string, unknown>) =>
      t.api.put(`/v1.1/118244/vouchers/purchase/${Guid}`, {
        Timestamp,
        VoucherDate: today(),
        ContactGuid: CONTACT,
        PurchaseType: 'credit',
        Lines: lines,
        ...patch,
      })
    for (const [field, patch] of [
      ['VoucherDate', { VoucherDate: 'not-a-date' }],
      ['VoucherDate', { VoucherDate: '2024-02-30' }],
      ['PaymentDate', { PaymentDate: 'whenever' }],
      ['RegionKey', { RegionKey: 'Mars' }],
      ['PurchaseType', { PurchaseType: 'barter' }],
    ] as const) {
      const reply = await update(patch)
      expect(reply.status, `${field}: ${reply.text}`).toBe(400)
      expect(reply.json()).toMatchObject({ code: 42, validationErrors: { [field]: expect.any(String) } })
    }
    const read = await t.api.get(`${O}/vouchers/purchase/${Guid}`)
    expect(read.json()).toMatchObject({ Timestamp, RegionKey: null })
    expect((await t.api.get(`${O}/accountingyears`)).json<unknown[]>().length).toBeGreaterThan(0)
  })

  it('POST …/invoices/:guid/book → 400 code 42 naming Number for 2^53, long.MaxValue, 0 or −5; after them two bookings get two numbers', async () => {
    const draft = async () => {
      const created = await t.api.post(`${O}/invoices`, { ContactGuid: CONTACT, ProductLines: [LINE] })
      expect(created.status, created.text).toBe(200)
      return created.json<{ Guid: string; TimeStamp: string }>()
    }
    const a = await draft()
    for (const n of ['9007199254740992', '9223372036854775807', '0', '-5']) {
      const reply = await t.api.raw(
        'POST',
        `${O}/invoices/${a.Guid}/book`,
        `{"Timestamp":"${a.TimeStamp}","Number":${n}}`,
      )
      expect(reply.status, `${n}: ${reply.text}`).toBe(400)
      expect(reply.json()).toMatchObject({ code: 42, validationErrors: { Number: expect.any(String) } })
    }
    const numbers: number[] = []
    for (const d of [a, await draft()]) {
      const booked = await t.api.post(`${O}/invoices/${d.Guid}/book`, { Timestamp: d.TimeStamp })
      expect(booked.status, booked.text).toBe(200)
      numbers.push(booked.json<{ Number: number }>().Number)
    }
    expect(numbers[1]).toBe(numbers[0]! + 1)
  })

  it('POST …/invoices/:guid/book with no Number after one booked as 2^53 − 1 → 400 code 45 (no number left), never 2^53 a second time', async () => {
    await fresh(async (api) => {
      const draft = async () =>
        (await api.post(`${O}/invoices`, { ContactGuid: CONTACT, ProductLines: [LINE] })).json<{
          Guid: string
          TimeStamp: string
        }>()
      const top = await draft()
      const booked = await api.raw(
        'POST',
        `${O}/invoices/${top.Guid}/book`,
        `{"Timestamp":"${top.TimeStamp}","Number":${Number.MAX_SAFE_INTEGER}}`,
      )
      expect(booked.status, booked.text).toBe(200)
      const after = await draft()
      const refused = await api.post(`${O}/invoices/${after.Guid}/book`, { Timestamp: after.TimeStamp })
      expect(refused.status, refused.text).toBe(400)
      expect(code(refused)).toBe(45)
    })
  })

  it('POST …/ledgeritems/book → 400 code 45 for two drafts asking for one number, one draft listed twice, or a draft asking for the number an earlier one in the list is given, and every item stays a draft with no entries', async () => {
    const item = (n: number | null) => ({
      VoucherNumber: n,
      VoucherDate: today(),
      Lines: [{ Description: 'x', Amount: 10, AccountNumber: 2000, BalancingAccountNumber: 55000 }],
    })
    const create = async (n: number | null) => {
      const reply = await t.api.post('/v1.2/118244/ledgeritems', [item(n)])
      expect(reply.status, reply.text).toBe(200)
      const { Id, Version } = reply.json<{ Id: string; Version: string }>()
      return { Id, Version }
    }
    const a = await create(900)
    const b = await create(900)
    const c = await create(null)
    for (const list of [
      [a, b],
      [c, c],
    ]) {
      const reply = await t.api.post(`${O}/ledgeritems/book`, list)
      expect(reply.status, reply.text).toBe(400)
      expect(code(reply)).toBe(45)
    }
    // With 900 the year's highest, a draft with no number listed first would be given 901; a later
    // one asking for 901 clashes with it, found before either is booked.
    const f = await create(900)
    expect((await t.api.post(`${O}/ledgeritems/book`, [f])).status).toBe(200)
    const d = await create(null)
    const e = await create(901)
    const clash = await t.api.post(`${O}/ledgeritems/book`, [d, e])
    expect(clash.status, clash.text).toBe(400)
    expect(code(clash)).toBe(45)
    const all = [a, b, c, d, e]
    const status = await t.api.post(
      `${O}/ledgeritems/status`,
      all.map((x) => ({ Id: x.Id })),
    )
    expect(status.json<{ Status: string }[]>().map((s) => s.Status)).toEqual(all.map(() => 'Draft'))
    const entries = await t.api.get(`${O}/entries?fromDate=${today()}&toDate=${today()}`)
    const ids = new Set(all.map((x) => x.Id))
    expect(entries.json<{ VoucherGuid: string }[]>().filter((e) => ids.has(e.VoucherGuid))).toEqual([])
  })

  it('POST …/sales/creditnotes → 400 code 45 once positive credit would pass the invoice, however many negative notes came before', async () => {
    const created = await t.api.post(`${O}/invoices`, { ContactGuid: CONTACT, ProductLines: [LINE] })
    const invoice = created.json<{ Guid: string; TimeStamp: string }>()
    expect(
      (await t.api.post(`${O}/invoices/${invoice.Guid}/book`, { Timestamp: invoice.TimeStamp })).status,
    ).toBe(200)
    const note = async (base: number) => {
      const reply = await t.api.post(`${O}/sales/creditnotes`, {
        CreditNoteFor: invoice.Guid,
        ProductLines: [{ ...LINE, BaseAmountValue: base }],
      })
      if (reply.status !== 200) return reply
      const n = reply.json<{ Guid: string; TimeStamp: string }>()
      return t.api.post(`${O}/sales/creditnotes/${n.Guid}/book`, { Timestamp: n.TimeStamp })
    }
    expect((await note(100)).status).toBe(200)
    expect((await note(-1000)).status).toBe(200)
    const over = await note(1000)
    expect(over.status, over.text).toBe(400)
    expect(code(over)).toBe(45)
  })

  it('POST …/invoices → 400 code 42 naming PaymentConditionNumberOfDays when the due date would fall after 9999-12-31; 9999-12-31 with 0 days is taken', async () => {
    const create = (date: string, days: number) =>
      t.api.post(`${O}/invoices`, {
        ContactGuid: CONTACT,
        Date: date,
        PaymentConditionType: 'Netto',
        PaymentConditionNumberOfDays: days,
        ProductLines: [LINE],
      })
    for (const [date, days] of [
      ['9999-12-31', 14],
      ['9999-12-20', 30],
    ] as const) {
      const reply = await create(date, days)
      expect(reply.status, reply.text).toBe(400)
      expect(reply.json()).toMatchObject({
        code: 42,
        validationErrors: { PaymentConditionNumberOfDays: expect.any(String) },
      })
    }
    const edge = await create('9999-12-31', 0)
    expect(edge.status, edge.text).toBe(200)
    const read = await t.api.get(`${O}/invoices/${edge.json<{ Guid: string }>().Guid}`)
    expect(read.json()).toMatchObject({ PaymentDate: '9999-12-31' })
  })

  it('GET …/invoices/:guid → 200 with a text holding ":9223372036854776000," as it was saved, while the draft’s Number is still long.MaxValue digit for digit', async () => {
    const text = 'ref:9223372036854776000,x'
    const created = await t.api.post(`${O}/invoices`, {
      ContactGuid: CONTACT,
      Description: text,
      ProductLines: [{ ...LINE, Description: `b:9223372036854776000]` }],
    })
    expect(created.status, created.text).toBe(200)
    const read = await t.api.get(`${O}/invoices/${created.json<{ Guid: string }>().Guid}`)
    expect(read.text).toContain('"Number":9223372036854775807')
    expect(read.text).toContain(`"Description":"${text}"`)
    expect(read.text).toContain('"Description":"b:9223372036854776000]"')
  })

  it('POST …/contacts and …/invoices with an upper-case Guid → 200, and every answer names it in lower case, a purchase voucher’s ContactGuid too, as .NET writes a Guid', async () => {
    const contactGuid = 'ABCDEF01-2345-6789-ABCD-EF0123456789'
    const contact = await t.api.post(`${O}/contacts`, {
      ContactGuid: contactGuid,
      Name: 'Store Bogstaver ApS',
      CountryKey: 'DK',
      IsPerson: false,
      IsMember: false,
      UseCvr: false,
    })
    expect(contact.status, contact.text).toBe(200)
    expect(contact.json()).toEqual({ ContactGuid: contactGuid.toLowerCase() })
    const invoiceGuid = 'FEDCBA98-7654-3210-FEDC-BA9876543210'
    const invoice = await t.api.post(`${O}/invoices`, {
      Guid: invoiceGuid,
      ContactGuid: contactGuid,
      ProductLines: [LINE],
    })
    expect(invoice.status, invoice.text).toBe(200)
    expect(invoice.json()).toMatchObject({ Guid: invoiceGuid.toLowerCase() })
    const read = await t.api.get(`${O}/invoices/${invoiceGuid}`)
    expect(read.json()).toMatchObject({
      Guid: invoiceGuid.toLowerCase(),
      ContactGuid: contactGuid.toLowerCase(),
    })
    const purchase = await t.api.post('/v1.2/118244/vouchers/purchase', {
      PurchaseType: 'credit',
      ContactGuid: contactGuid,
      Lines: [{ AccountNumber: 2000, Amount: 125, Description: 'x' }],
    })
    expect(purchase.status, purchase.text).toBe(200)
    const stored = await t.api.get(`${O}/vouchers/purchase/${purchase.json<{ Guid: string }>().Guid}`)
    expect(stored.json()).toMatchObject({ ContactGuid: contactGuid.toLowerCase() })
  })

  it('POST /v1.2/:org/ledgeritems with one Id twice in different letter cases → 400 code 42 naming Id; neither is stored', async () => {
    const id = 'C0FFEE00-1234-4abc-8def-0123456789AB'
    const item = (n: number) => ({
      Id: n === 1 ? id : id.toLowerCase(),
      VoucherDate: today(),
      Lines: [{ Description: 'x', Amount: n, AccountNumber: 2000, BalancingAccountNumber: 55000 }],
    })
    const reply = await t.api.post('/v1.2/118244/ledgeritems', [item(1), item(2)])
    expect(reply.status, reply.text).toBe(400)
    expect(reply.json()).toMatchObject({ code: 42, validationErrors: { Id: expect.any(String) } })
    const status = await t.api.post(`${O}/ledgeritems/status`, [{ Id: id.toLowerCase() }])
    expect(status.status).toBe(404)
  })
})
