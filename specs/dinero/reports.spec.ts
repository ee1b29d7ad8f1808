import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DineroErrorBody, generated } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroSuite } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const Years = z.array(generated.schema('AccountingYearReadModel'))
const Rows = z.array(generated.schema('BalanceReportApiModel'))
const Entries = z.array(generated.schema('EntryReadModel'))
const VatTypes = z.array(generated.schema('VatTypeReadModel'))
const Countries = z.array(generated.schema('CountryModel'))
const StateOfAccount = generated.schema('ContactStateOfAccount')
const Settings = generated.schema('SalesVoucherSetttingsModel')
const SalesList = generated.schema('SalesVoucherReadListModelDineroCollection')

interface Row {
  AccountNumber: number
  Amount: number
}
interface Entry extends Row {
  Date: string
  Type: string
  EntryGuid: string
}

const amountOf = (rows: readonly Row[], account: number) =>
  rows.find((r) => r.AccountNumber === account)?.Amount ?? 0
const sum = (rows: readonly Row[]) => Math.round(rows.reduce((s, r) => s + r.Amount, 0) * 100) / 100
const codeOf = (text: string) => DineroErrorBody.parse(JSON.parse(text)).code

/**
 * dinero-openapi (AccountingYears, Reports, Entry): the organisation's accounting years and the
 * four reports, computed from the booked entries of one year; dinero-api-errors code 47 for a year
 * the organisation does not have.
 */
describe.each(TARGET_KINDS)('Dinero accounting years and reports (%s)', (kind) => {
  const api = dineroSuite(kind)
  const report = async (year: string | number, name: string, query = '') => {
    const reply = await api.get(`/v1/${ORG}/${year}/reports/${name}${query}`)
    expect(reply.status, reply.text.slice(0, 200)).toBe(200)
    return Rows.parse(reply.json()) as Row[]
  }
  const bookVoucher = async (date: string, account: number, balancing: number, amount: number) => {
    const created = await api.post(`/v1/${ORG}/vouchers/manuel`, {
      VoucherDate: date,
      Lines: [
        { AccountNumber: account, BalancingAccountNumber: balancing, Amount: amount, Description: 'Rapport' },
      ],
    })
    const draft = created.json<{ Guid: string; Timestamp: string }>()
    const booked = await api.post(`/v1/${ORG}/vouchers/manuel/${draft.Guid}/book`, {
      Timestamp: draft.Timestamp,
    })
    expect(booked.status).toBe(200)
  }

  it('200 on GET /v1/:org/accountingyears: a plain array of AccountingYearReadModel, the seeded years to the current one', async () => {
    const reply = await api.get(`/v1/${ORG}/accountingyears`)
    expect(reply.status).toBe(200)
    const years = Years.parse(reply.json()) as { Name: string; FromDate: string; ToDate: string }[]
    const now = new Date().getUTCFullYear()
    expect(years.map((y) => y.Name)).toEqual(
      Array.from({ length: now - 2024 + 1 }, (_, i) => String(2024 + i)),
    )
    expect(years[0]).toMatchObject({ FromDate: '2024-01-01', ToDate: '2024-12-31' })
  })

  it('booking a voucher in a later year opens every accounting year up to it', async () => {
    await bookVoucher('2041-04-01', 4000, 55000, 100)
    const years = (await api.get(`/v1/${ORG}/accountingyears`)).json<{ Name: string }[]>().map((y) => y.Name)
    expect(years).toContain('2040')
    expect(years.at(-1)).toBe('2041')
    expect((await api.get(`/v1/${ORG}/2041/reports/saldo`)).status).toBe(200)
  })

  it('a year the organisation does not have → 400 code 47 on every report', async () => {
    for (const name of ['saldo', 'result', 'primo', 'balance']) {
      const reply = await api.get(`/v1/${ORG}/2019/reports/${name}`)
      expect(reply.status).toBe(400)
      expect(codeOf(reply.text)).toBe(47)
    }
    expect(codeOf((await api.get(`/v1/${ORG}/lastyear/reports/saldo`)).text)).toBe(47)
  })

  it('a report flag that is not true/false → 400 code 44', async () => {
    const reply = await api.get(`/v1/${ORG}/2024/reports/saldo?showZeroAccount=maybe`)
    expect(reply.status).toBe(400)
    expect(codeOf(reply.text)).toBe(44)
  })

  it('the seeded 2024 saldo: rent, sale and bank as booked, the invoices’ revenue excl. VAT (1000), their VAT (66000), what is unpaid on the debtors (57000); it sums to 0', async () => {
    const saldo = await report(2024, 'saldo')
    const reply = await api.get(
      `/v1/${ORG}/sales?startDate=2024-01-01&endDate=2024-12-31&statusFilter=Booked,Paid,OverPaid,Overdue&fields=Type,Status,TotalInclVat,TotalExclVat&pageSize=1000`,
    )
    const sales = reply.json<{
      Collection: { Type: string; Status: string; TotalInclVat: number; TotalExclVat: number }[]
    }>().Collection
    const sign = (t: string) => (t === 'Invoice' ? 1 : -1)
    const total = (pick: (s: (typeof sales)[number]) => number) =>
      Math.round(sales.reduce((acc, s) => acc + sign(s.Type) * pick(s), 0) * 100) / 100
    // The seeded paid invoices are paid in full on their own date.
    const paid = total((s) => (s.Status === 'Paid' ? s.TotalInclVat : 0))
    expect(sales.some((s) => s.Type === 'CreditNote')).toBe(true)
    expect(paid).toBeGreaterThan(0)
    expect(amountOf(saldo, 4000)).toBe(12_000)
    expect(amountOf(saldo, 1100)).toBe(-30_000)
    expect(amountOf(saldo, 1000)).toBeCloseTo(-total((s) => s.TotalExclVat), 2)
    expect(amountOf(saldo, 66000)).toBeCloseTo(-total((s) => s.TotalInclVat - s.TotalExclVat), 2)
    expect(amountOf(saldo, 57000)).toBeCloseTo(total((s) => s.TotalInclVat) - paid, 2)
    expect(amountOf(saldo, 55000)).toBeCloseTo(18_000 + paid, 2)
    expect(sum(saldo) + 0).toBe(0)
  })

  it('booking a manual voucher changes the saldo of its account by +amount and its balancing account by −amount (sum unchanged)', async () => {
    await bookVoucher('2042-01-15', 2750, 55000, 10)
    const before = await report(2042, 'saldo')
    await bookVoucher('2042-03-01', 4000, 55000, 1234.5)
    const after = await report(2042, 'saldo')
    expect(amountOf(after, 4000) - amountOf(before, 4000)).toBeCloseTo(1234.5, 2)
    expect(amountOf(after, 55000) - amountOf(before, 55000)).toBeCloseTo(-1234.5, 2)
    expect(sum(after)).toBeCloseTo(sum(before), 2)
  })

  it('result holds the saldo rows of result accounts and balance the rest; together they are the saldo', async () => {
    await bookVoucher('2043-02-01', 3600, 55010, 250)
    const [saldo, result, balance] = await Promise.all([
      report(2043, 'saldo'),
      report(2043, 'result'),
      report(2043, 'balance'),
    ])
    expect(result.map((r) => r.AccountNumber)).toContain(3600)
    expect(balance.map((r) => r.AccountNumber)).toContain(55010)
    expect(result.every((r) => r.AccountNumber < 50_000)).toBe(true)
    expect([...result, ...balance].sort((a, b) => a.AccountNumber - b.AccountNumber)).toEqual(saldo)
  })

  it('primo of a year = the balance accounts at the end of the year before, with its result carried to equity (61000)', async () => {
    const [saldo2024, result2024, primo2025] = await Promise.all([
      report(2024, 'saldo'),
      report(2024, 'result'),
      report(2025, 'primo'),
    ])
    expect(amountOf(primo2025, 55000)).toBe(amountOf(saldo2024, 55000))
    expect(amountOf(primo2025, 61000)).toBeCloseTo(amountOf(saldo2024, 61000) + sum(result2024), 2)
    expect(primo2025.some((r) => r.AccountNumber === 4000)).toBe(false)
    expect(sum(primo2025)).toBeCloseTo(sum(saldo2024), 2)
  })

  it('showZeroAccount=true lists the chart accounts with nothing booked as 0', async () => {
    const rows = await report(2024, 'result', '?showZeroAccount=true')
    expect(rows.find((r) => r.AccountNumber === 2750)).toMatchObject({ Amount: 0 })
    expect((await report(2024, 'result')).some((r) => r.AccountNumber === 2750)).toBe(false)
  })

  it('entry changes include the Primo entries a booking in the window changed, unless includePrimo=false', async () => {
    await bookVoucher('2044-06-01', 4000, 55010, 500)
    await bookVoucher('2045-01-10', 4000, 55010, 1)
    const day = 86_400_000
    const window = `changesFrom=${new Date(Date.now() - day).toISOString().slice(0, 19)}Z&changesTo=${new Date(Date.now() + day).toISOString().slice(0, 19)}Z`
    const changes = Entries.parse((await api.get(`/v1/${ORG}/entries/changes?${window}`)).json()) as Entry[]
    expect(changes).toContainEqual(
      expect.objectContaining({ Type: 'Primo', Date: '2045-01-01', AccountNumber: 55010 }),
    )
    const without = Entries.parse(
      (await api.get(`/v1/${ORG}/entries/changes?${window}&includePrimo=false`)).json(),
    ) as Entry[]
    expect(without.some((e) => e.Type === 'Primo')).toBe(false)
  })

  it('entries list the year’s Primo entries unless includePrimo=false; their EntryGuid is the same on every read', async () => {
    const url = `/v1/${ORG}/entries?fromDate=2025-01-01&toDate=2025-12-31`
    const withPrimo = Entries.parse((await api.get(url)).json()) as Entry[]
    const primo = withPrimo.filter((e) => e.Type === 'Primo')
    // The balance accounts 2024 closes with (bank, debtors, VAT), and 2024's result carried to equity.
    const closing = (await report(2024, 'balance')).filter((r) => r.Amount !== 0).map((r) => r.AccountNumber)
    expect(primo.map((e) => e.AccountNumber).sort()).toEqual([...new Set([...closing, 61000])].sort())
    expect(primo.map((e) => e.AccountNumber)).toEqual(expect.arrayContaining([55000, 57000, 61000, 66000]))
    expect(primo.every((e) => e.Date === '2025-01-01')).toBe(true)
    const again = (Entries.parse((await api.get(url)).json()) as Entry[]).filter((e) => e.Type === 'Primo')
    expect(again.map((e) => e.EntryGuid)).toEqual(primo.map((e) => e.EntryGuid))
    const without = Entries.parse((await api.get(`${url}&includePrimo=false`)).json()) as Entry[]
    expect(without.some((e) => e.Type === 'Primo')).toBe(false)
    expect(without.length).toBe(withPrimo.length - primo.length)
    const bad = await api.get(`${url}&includePrimo=sometimes`)
    expect(bad.status).toBe(400)
    expect(codeOf(bad.text)).toBe(44)
  })
})

/** dinero-openapi (VatTypes, Countries): plain arrays; VAT rates agree with the priced amounts. */
describe.each(TARGET_KINDS)('Dinero VAT types and countries (%s)', (kind) => {
  const api = dineroSuite(kind)

  it('200 on GET /v1/:org/vatTypes: VatTypeReadModel for every VAT code the accounts use, 25 % for U25 and I25', async () => {
    const reply = await api.get(`/v1/${ORG}/vatTypes`)
    expect(reply.status).toBe(200)
    const types = VatTypes.parse(reply.json()) as { VatCode: string; VatRate: number }[]
    expect(types.map((t) => t.VatCode).sort()).toEqual(['I25', 'KUNS', 'U25', 'UVC'])
    expect(types.find((t) => t.VatCode === 'I25')?.VatRate).toBe(0.25)
    const accounts = (await api.get(`/v1/${ORG}/accounts/entry?fields=AccountNumber,VatCode`)).json<
      { VatCode: string | null }[]
    >()
    for (const a of accounts) if (a.VatCode !== null) expect(types.map((t) => t.VatCode)).toContain(a.VatCode)
  })

  it('200 on GET /v1/countries (no organisation): the 249 ISO 3166-1 countries with Danish and English names', async () => {
    const reply = await api.get('/v1/countries')
    expect(reply.status).toBe(200)
    const countries = Countries.parse(reply.json()) as {
      Key: string
      DanishName: string
      EnglishName: string
    }[]
    expect(countries).toHaveLength(249)
    expect(countries).toContainEqual({ Key: 'DK', DanishName: 'Danmark', EnglishName: 'Denmark' })
    expect(countries).toContainEqual({ Key: 'DE', DanishName: 'Tyskland', EnglishName: 'Germany' })
    expect(new Set(countries.map((c) => c.Key)).size).toBe(249)
  })
})

/** dinero-openapi (ContactStateOfAccount): computed from the contact's booked invoices and payments. */
describe.each(TARGET_KINDS)('Dinero contact state of account (%s)', (kind) => {
  const api = dineroSuite(kind)
  const contact = async (email: string | null) =>
    (
      await api.post(`/v1/${ORG}/contacts`, {
        Name: 'Kontoudtog ApS',
        CountryKey: 'DK',
        IsPerson: false,
        IsMember: false,
        UseCvr: false,
        ...(email === null ? {} : { Email: email }),
      })
    ).json<{ ContactGuid: string }>().ContactGuid
  const bookedInvoice = async (contactGuid: string, date: string, amount: number) => {
    const created = (
      await api.post(`/v1/${ORG}/invoices`, {
        ContactGuid: contactGuid,
        Date: date,
        ProductLines: [
          { BaseAmountValue: amount, Quantity: 1, AccountNumber: 1100, Discount: 0, Description: 'Ydelse' },
        ],
      })
    ).json<{ Guid: string; TimeStamp: string }>()
    const booked = await api.post(`/v1/${ORG}/invoices/${created.Guid}/book`, {
      Timestamp: created.TimeStamp,
    })
    expect(booked.status).toBe(200)
    return booked.json<{ Guid: string; TimeStamp: string }>()
  }

  it('an unknown contact → 404 code 40 on the state of account, its PDF and its e-mail', async () => {
    const guid = '6f9619ff-8b86-4011-b42d-00c04fc964ff'
    for (const reply of [
      await api.get(`/v1/${ORG}/state-of-account/${guid}`),
      await api.get(`/v1/${ORG}/state-of-account/${guid}/pdf`),
      await api.post(`/v1/${ORG}/state-of-account/${guid}/email`, { CCToSender: false, HideClosed: false }),
    ]) {
      expect(reply.status).toBe(404)
      expect(codeOf(reply.text)).toBe(40)
    }
  })

  it('200: booked invoices (+) and their payments (−) with a running balance; Income sums the invoices; hideClosed drops the paid ones', async () => {
    const guid = await contact('kontoudtog@example.dk')
    const paid = await bookedInvoice(guid, '2026-02-01', 1000)
    await bookedInvoice(guid, '2026-03-01', 400)
    const payment = await api.post(`/v1/${ORG}/invoices/${paid.Guid}/payments`, {
      Timestamp: paid.TimeStamp,
      DepositAccountNumber: 55000,
      RemainderIsFee: false,
      Description: 'Indbetaling',
      Amount: 1000,
      PaymentDate: '2026-02-10',
    })
    expect(payment.status, payment.text).toBe(200)
    const reply = await api.get(`/v1/${ORG}/state-of-account/${guid}`)
    expect(reply.status).toBe(200)
    const state = StateOfAccount.parse(reply.json()) as {
      Income: number
      Entries: { Type: string; Amount: number; Balance: number; Status: string }[]
    }
    expect(state.Income).toBe(1400)
    expect(state.Entries.map((e) => [e.Type, e.Amount, e.Balance, e.Status])).toEqual([
      ['Invoice', 1000, 1000, 'closed'],
      ['Payment', -1000, 0, 'closed'],
      ['Invoice', 400, 400, 'open'],
    ])
    const open = StateOfAccount.parse(
      (await api.get(`/v1/${ORG}/state-of-account/${guid}?hideClosed=true`)).json(),
    ) as { Entries: { Amount: number; Balance: number }[] }
    expect(open.Entries).toEqual([expect.objectContaining({ Amount: 400, Balance: 400 })])
  })

  it('from/to keep the period’s entries, the Balance carried from before it; a from that is not a date → 400 code 44', async () => {
    const guid = await contact('periode@example.dk')
    await bookedInvoice(guid, '2026-01-05', 300)
    await bookedInvoice(guid, '2026-02-05', 200)
    await bookedInvoice(guid, '2026-03-05', 100)
    const reply = await api.get(
      `/v1/${ORG}/state-of-account/${guid}?from=2026-02-01T00:00:00&to=2026-02-28T00:00:00`,
    )
    const state = StateOfAccount.parse(reply.json()) as {
      Income: number
      Entries: { Amount: number; Balance: number }[]
    }
    expect(state.Entries.map((e) => [e.Amount, e.Balance])).toEqual([[200, 500]])
    expect(state.Income).toBe(200)
    const bad = await api.get(`/v1/${ORG}/state-of-account/${guid}?from=someday`)
    expect(bad.status).toBe(400)
    expect(codeOf(bad.text)).toBe(44)
  })

  it('200: a booked credit note against an invoice counts − its total (closed) and lowers Income', async () => {
    const guid = await contact('kredit@example.dk')
    const invoice = await bookedInvoice(guid, '2026-04-01', 1000)
    const created = await api.post(`/v1/${ORG}/sales/creditnotes`, {
      ContactGuid: guid,
      CreditNoteFor: invoice.Guid,
      Date: '2026-04-05',
      ProductLines: [
        { BaseAmountValue: 250, Quantity: 1, AccountNumber: 1100, Discount: 0, Description: 'Rabat' },
      ],
    })
    expect(created.status, created.text).toBe(200)
    const note = created.json<{ Guid: string; TimeStamp: string }>()
    const booked = await api.post(`/v1/${ORG}/sales/creditnotes/${note.Guid}/book`, {
      Timestamp: note.TimeStamp,
    })
    expect(booked.status, booked.text).toBe(200)
    const state = StateOfAccount.parse((await api.get(`/v1/${ORG}/state-of-account/${guid}`)).json()) as {
      Income: number
      Entries: { Type: string; Amount: number; Balance: number; Status: string }[]
    }
    expect(state.Entries.map((e) => [e.Type, e.Amount, e.Balance, e.Status])).toEqual([
      ['Invoice', 1000, 1000, 'open'],
      ['CreditNote', -250, 750, 'closed'],
    ])
    expect(state.Income).toBe(750)
  })

  it('200 on …/pdf: a PDF document; 200 on …/email; no Receiver and no contact e-mail → 400 code 55', async () => {
    const withMail = await contact('kunde@example.dk')
    const pdf = await api.get(`/v1/${ORG}/state-of-account/${withMail}/pdf`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/)
    expect(pdf.text.startsWith('%PDF-')).toBe(true)
    const sent = await api.post(`/v1/${ORG}/state-of-account/${withMail}/email`, {
      CCToSender: false,
      HideClosed: true,
    })
    expect(sent.status).toBe(200)
    const without = await contact(null)
    const refused = await api.post(`/v1/${ORG}/state-of-account/${without}/email`, {
      CCToSender: false,
      HideClosed: false,
    })
    expect(refused.status).toBe(400)
    expect(codeOf(refused.text)).toBe(55)
    const named = await api.post(`/v1/${ORG}/state-of-account/${without}/email`, {
      CCToSender: false,
      HideClosed: false,
      Receiver: 'bogholderi@example.dk',
    })
    expect(named.status).toBe(200)
  })
})

/** dinero-openapi (Sales): the sales documents as one paged list, and the sales defaults. */
describe.each(TARGET_KINDS)('Dinero sales (%s)', (kind) => {
  const api = dineroSuite(kind)

  it('200 on GET /v1/:org/sales: the paged envelope, default fields Guid, ContactName, Date, Description, Type', async () => {
    const reply = await api.get(`/v1/${ORG}/sales?pageSize=3`)
    expect(reply.status).toBe(200)
    const page = reply.json<{ Collection: Record<string, unknown>[]; Pagination: Record<string, number> }>()
    expect(Object.keys(page.Collection[0] ?? {}).sort()).toEqual(
      ['ContactName', 'Date', 'Description', 'Guid', 'Type'].sort(),
    )
    expect(page.Pagination).toMatchObject({ PageSize: 3, Result: 3, Page: 0, MaxPageSizeAllowed: 1000 })
    expect(page.Pagination.ResultWithoutFilter).toBeGreaterThanOrEqual(10)
  })

  it('every field parses as SalesVoucherReadListModel; statusFilter=Paid lists the paid invoices', async () => {
    const fields = Object.keys(
      (generated.schema('SalesVoucherReadListModel') as unknown as { shape: Record<string, unknown> }).shape,
    ).join(',')
    const all = SalesList.parse(
      (await api.get(`/v1/${ORG}/sales?fields=${fields}&pageSize=1000`)).json(),
    ) as {
      Collection: { Type: string; Status: string }[]
    }
    expect(all.Collection.every((i) => ['Invoice', 'CreditNote'].includes(i.Type))).toBe(true)
    const paid = (await api.get(`/v1/${ORG}/sales?fields=Status&statusFilter=Paid`)).json<{
      Collection: { Status: string }[]
    }>()
    expect(paid.Collection.length).toBeGreaterThan(0)
    expect(paid.Collection.every((i) => i.Status === 'Paid')).toBe(true)
  })

  it('pageSize above 1000 → 400 code 45, as on every paged list; a startDate without endDate → 400 code 45', async () => {
    const big = await api.get(`/v1/${ORG}/sales?pageSize=1001`)
    expect(big.status).toBe(400)
    expect(codeOf(big.text)).toBe(45)
    const half = await api.get(`/v1/${ORG}/sales?startDate=2024-01-01`)
    expect(half.status).toBe(400)
    expect(codeOf(half.text)).toBe(45)
  })

  it('200 on GET /v1/:org/sales/settings: SalesVoucherSetttingsModel with the chart’s default sales account', async () => {
    const reply = await api.get(`/v1/${ORG}/sales/settings`)
    expect(reply.status).toBe(200)
    expect(Settings.parse(reply.json())).toMatchObject({
      DefaultAccountNumber: 1000,
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 8,
    })
  })
})
