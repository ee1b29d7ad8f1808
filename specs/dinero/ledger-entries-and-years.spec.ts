import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { DEFAULT_USER } from '../../mocks/options.ts'
import { dineroError, dineroTarget, type LedgerEntry } from '../support/dinero-session.ts'

/**
 * The journal behind GET /v1/:org/entries and /entries/changes, accounting years, and the primo
 * (opening) amounts (mocks/dinero/ledger.ts; dinero-openapi: Entry, AccountingYears, Reports;
 * dinero-api-errors codes 44, 45 and 47): when a deleted voucher's reversal is dated and posted,
 * which window and period list which entries, how `includePrimo` and the instants are read, which
 * accounts are result and which balance accounts, and what the primo of a year carries.
 * Each test sets the mock clock itself and books in years of its own, so any one runs alone.
 */
const ORG = PRO_ORGANISATION_ID
const DAY = 86_400_000

interface Row {
  AccountNumber: number
  AccountName: string | null
  Amount: number
}
interface Line {
  AccountNumber: number
  BalancingAccountNumber?: number
  Amount: number
}

const iso = (ms: number) => new Date(ms).toISOString()

describe('Dinero ledger entries, accounting years and primo (in-process)', () => {
  const run = dineroTarget('in-process', {
    clock: { start: Date.UTC(2030, 5, 1) },
    dinero: { rateLimitPerMinute: 0 },
  })

  /** Puts the frozen mock clock at `ms`; a new session, as the last one may be from another time. */
  const at = async (ms: number) => {
    run.target.mock.clock.set(ms)
    await run.renew()
  }
  const book = async (date: string, lines: readonly Line[]) => {
    const created = await run.api.post(`/v1/${ORG}/vouchers/manuel`, {
      VoucherDate: date,
      Lines: lines.map((l) => ({ Description: 'Postering', ...l })),
    })
    expect(created.status, created.text.slice(0, 200)).toBe(200)
    const draft = created.json<{ Guid: string; Timestamp: string }>()
    const booked = await run.api.post(`/v1/${ORG}/vouchers/manuel/${draft.Guid}/book`, {
      Timestamp: draft.Timestamp,
    })
    expect(booked.status, booked.text.slice(0, 200)).toBe(200)
    return draft.Guid
  }
  const remove = async (guid: string) => {
    const { Timestamp } = (await run.api.get(`/v1/${ORG}/vouchers/manuel/${guid}`)).json<{
      Timestamp: string
    }>()
    expect((await run.api.delete(`/v1/${ORG}/vouchers/manuel/${guid}`, { Timestamp })).status).toBe(200)
  }
  const list = async (path: string) => {
    const reply = await run.api.get(`/v1/${ORG}/${path}`)
    expect(reply.status, reply.text.slice(0, 200)).toBe(200)
    return reply.json<LedgerEntry[]>()
  }
  const period = (from: string, to: string, query = '') =>
    list(`entries?fromDate=${from}&toDate=${to}${query}`)
  const changes = (from: number, to: number, query = '') =>
    list(`entries/changes?changesFrom=${iso(from)}&changesTo=${iso(to)}${query}`)
  const report = async (year: number, name: string) => {
    const reply = await run.api.get(`/v1/${ORG}/${year}/reports/${name}`)
    expect(reply.status, reply.text.slice(0, 200)).toBe(200)
    return reply.json<Row[]>()
  }
  const of = (entries: readonly LedgerEntry[], guid: string) =>
    entries.filter((e) => e.VoucherGuid === guid).map((e) => [e.Date, e.AccountNumber, e.Amount])
  const refused = async (path: string, status: number, code: number, message: string) => {
    const reply = await run.api.get(`/v1/${ORG}/${path}`)
    expect(reply.status, reply.text.slice(0, 200)).toBe(status)
    expect(dineroError(reply)).toMatchObject({ code, message })
  }

  /** Accounts whose category and number disagree, made once for whichever test needs them first. */
  let accounts: Promise<void> | undefined
  const oddAccounts = () => {
    accounts ??= (async () => {
      for (const [number, Name] of [
        [49999, 'Uden kategori, resultat'],
        [50000, 'Uden kategori, balance'],
        [58000, 'Mellemregning'],
      ] as const)
        expect(
          (await run.api.post(`/v1/${ORG}/accounts/entry`, { Number: number, Name, VatCode: 'none' })).status,
        ).toBe(200)
      expect(
        (await run.api.post(`/v1/${ORG}/accounts/deposit`, { Number: 9100, Name: 'Lille kasse' })).status,
      ).toBe(200)
      // A result account numbered in the balance range: no API sets a category, Dinero's own charts can.
      run.target.mock.store.dinero.addEntryAccount(ORG, {
        AccountNumber: 70000,
        PublicStandardNumber: null,
        Name: 'Andre indtægter',
        VatCode: null,
        Category: 'Turnover',
        CategoryName: 'Omsætning',
        IsHidden: false,
        IsDefaultSalesAccount: false,
      })
    })()
    return accounts
  }

  it('a booked voucher deleted later: its entries stay on their date, the reversal is dated the deletion day (kept within the voucher’s year and not before its date)', async () => {
    const booked = Date.UTC(2030, 5, 15, 12)
    await at(booked)
    const spring = await book('2030-03-01', [
      { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 100 },
    ])
    const autumn = await book('2030-09-01', [
      { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 200 },
    ])
    const lastYear = await book('2029-05-01', [
      { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 300 },
    ])
    await at(booked + 2 * DAY)
    for (const guid of [spring, autumn, lastYear]) await remove(guid)
    const year2030 = await period('2030-01-01', '2030-12-31', '&includePrimo=false')
    expect(of(year2030, spring)).toEqual([
      ['2030-03-01', 4000, 100],
      ['2030-03-01', 55000, -100],
      ['2030-06-17', 4000, -100],
      ['2030-06-17', 55000, 100],
    ])
    expect(of(year2030, autumn)).toEqual([
      ['2030-09-01', 4000, 200],
      ['2030-09-01', 55000, -200],
      ['2030-09-01', 4000, -200],
      ['2030-09-01', 55000, 200],
    ])
    expect(of(await period('2029-01-01', '2029-12-31', '&includePrimo=false'), lastYear)).toEqual([
      ['2029-05-01', 4000, 300],
      ['2029-05-01', 55000, -300],
      ['2029-12-31', 4000, -300],
      ['2029-12-31', 55000, 300],
    ])
  })

  it('entry changes: a booking is in the window of its booking instant and a deletion’s reversal in the window of the deletion, not the other way round', async () => {
    const booked = Date.UTC(2030, 6, 10, 9)
    const deleted = booked + 3 * DAY
    await at(booked)
    const kept = await book('2030-07-01', [
      { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 11 },
    ])
    const gone = await book('2030-07-01', [
      { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 12 },
    ])
    await at(deleted)
    await remove(gone)
    const atBooking = await changes(booked, booked, '&includePrimo=false')
    expect(of(atBooking, kept)).toEqual([
      ['2030-07-01', 4000, 11],
      ['2030-07-01', 55000, -11],
    ])
    expect(of(atBooking, gone)).toEqual([
      ['2030-07-01', 4000, 12],
      ['2030-07-01', 55000, -12],
    ])
    const atDeletion = await changes(deleted, deleted, '&includePrimo=false')
    expect(of(atDeletion, kept)).toEqual([])
    expect(of(atDeletion, gone)).toEqual([
      ['2030-07-13', 4000, -12],
      ['2030-07-13', 55000, 12],
    ])
  })

  it('entry changes hold the entries posted from changesFrom to changesTo, both ends included; an instant without an offset is UTC (200)', async () => {
    const booked = Date.UTC(2030, 7, 5, 8, 30)
    await at(booked)
    const guid = await book('2030-08-05', [{ AccountNumber: 4000, BalancingAccountNumber: 55010, Amount: 7 }])
    const listed = async (from: number, to: number) => of(await changes(from, to), guid).length
    expect(await listed(booked, booked)).toBe(2)
    expect(await listed(booked - DAY, booked)).toBe(2)
    expect(await listed(booked, booked + DAY)).toBe(2)
    expect(await listed(booked + 1, booked + DAY)).toBe(0)
    expect(await listed(booked - DAY, booked - 1)).toBe(0)
    const local = await list(
      'entries/changes?changesFrom=2030-08-05T08:30:00&changesTo=2030-08-05T08:30:00.000',
    )
    expect(of(local, guid)).toHaveLength(2)
    const day = await list('entries/changes?changesFrom=2030-08-05&changesTo=2030-08-06')
    expect(of(day, guid)).toHaveLength(2)
  })

  it('entry changes: a window of exactly 31 days → 200; a millisecond more → 400 code 45; changesTo before changesFrom → 400 code 45', async () => {
    const from = Date.UTC(2030, 0, 1)
    expect(Array.isArray(await changes(from, from + 31 * DAY))).toBe(true)
    await refused(
      `entries/changes?changesFrom=${iso(from)}&changesTo=${iso(from + 31 * DAY + 1)}`,
      400,
      45,
      'The time range cannot be longer than 31 days',
    )
    await refused(
      `entries/changes?changesFrom=${iso(from)}&changesTo=${iso(from - 1)}`,
      400,
      45,
      'changesTo must not be before changesFrom',
    )
  })

  it('a missing or empty changesFrom, fromDate or toDate → 400 code 45 "<name> is required"; one that is no date → 400 code 44 naming it', async () => {
    await refused('entries/changes?changesTo=2030-01-02', 400, 45, 'changesFrom is required')
    await refused('entries/changes?changesFrom=&changesTo=2030-01-02', 400, 45, 'changesFrom is required')
    await refused('entries/changes?changesFrom=2030-01-01', 400, 45, 'changesTo is required')
    await refused('entries?toDate=2030-01-02', 400, 45, 'fromDate is required')
    await refused('entries?fromDate=&toDate=2030-01-02', 400, 45, 'fromDate is required')
    await refused('entries?fromDate=2030-01-01&toDate=', 400, 45, 'toDate is required')
    await refused(
      'entries/changes?changesFrom=someday&changesTo=2030-01-02',
      400,
      44,
      "The value 'someday' is not valid for changesFrom.",
    )
    await refused(
      'entries?fromDate=2030-01-01&toDate=later',
      400,
      44,
      "The value 'later' is not valid for toDate.",
    )
  })

  it('entries of a period: both ends included (a one-day period lists that day); toDate before fromDate → 400 code 45; a period across accounting years → 400 code 45', async () => {
    await at(Date.UTC(2030, 8, 1, 10))
    const guid = await book('2030-08-20', [{ AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 5 }])
    expect(of(await period('2030-08-20', '2030-08-20'), guid)).toEqual([
      ['2030-08-20', 4000, 5],
      ['2030-08-20', 55000, -5],
    ])
    expect(of(await period('2030-08-01', '2030-08-19'), guid)).toEqual([])
    expect(of(await period('2030-08-21', '2030-08-31'), guid)).toEqual([])
    await refused(
      'entries?fromDate=2030-08-20&toDate=2030-08-19',
      400,
      45,
      'toDate must not be before fromDate',
    )
    await refused(
      'entries?fromDate=2030-12-31&toDate=2031-01-01',
      400,
      45,
      'The period cannot cross accounting years',
    )
  })

  it('a date written loosely (month or day without its 0, a leading space) is read as the day it names (200); a year that is no four digits (abcd-06-15, 2-06-15) → 400 code 44', async () => {
    await at(Date.UTC(2030, 8, 2, 10))
    const guid = await book('2030-06-05', [{ AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 6 }])
    for (const day of ['2030-6-05', '2030-06-5', '%202030-06-05'])
      expect(of(await period(day, day), guid)).toEqual([
        ['2030-06-05', 4000, 6],
        ['2030-06-05', 55000, -6],
      ])
    for (const day of ['abcd-06-15', '2-06-15'])
      await refused(
        `entries?fromDate=${day}&toDate=2030-06-15`,
        400,
        44,
        `The value '${day}' is not valid for fromDate.`,
      )
  })

  it('a bound may be a date-time with or without seconds, fractions and an offset (200); text before or after it, or an offset without its colon → 400 code 44', async () => {
    const changes = (from: string) =>
      `entries/changes?changesFrom=${encodeURIComponent(from)}&changesTo=2030-06-06`
    for (const bound of [
      '2030-06-05T10:00Z',
      '2030-06-05T10:00:00+02:00',
      '2030-06-05T10:00:00.1234567-01:30',
    ])
      expect((await run.api.get(`/v1/${ORG}/${changes(bound)}`)).status).toBe(200)
    for (const bound of ['x2030-06-05', '2030-06-05x', '2030-06-05T10:00:00+0200'])
      await refused(changes(bound), 400, 44, `The value '${bound}' is not valid for changesFrom.`)
  })

  it('an entry carries its account’s name, Type Normal and an EntryGuid of its own (the reversal’s differ from the posting’s)', async () => {
    await at(Date.UTC(2030, 9, 1, 10))
    const guid = await book('2030-10-01', [{ AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 9 }])
    await remove(guid)
    const mine = (await period('2030-10-01', '2030-10-01')).filter((e) => e.VoucherGuid === guid)
    expect(mine.map((e) => [e.AccountNumber, e.AccountName, e.Type])).toEqual([
      [4000, 'Husleje', 'Normal'],
      [55000, 'Bank', 'Normal'],
      [4000, 'Husleje', 'Normal'],
      [55000, 'Bank', 'Normal'],
    ])
    expect(new Set(mine.map((e) => e.EntryGuid)).size).toBe(4)
  })

  it('includePrimo: absent, empty, true or True lists the Primo entries; false or FALSE leaves them out; xtrue or truex → 400 code 44 naming the value', async () => {
    const primoOn = async (query: string) =>
      (await period('2025-01-01', '2025-01-01', query)).filter((e) => e.Type === 'Primo').length
    const listed = await primoOn('')
    expect(listed).toBeGreaterThan(0)
    for (const query of ['&includePrimo=', '&includePrimo=true', '&includePrimo=True'])
      expect(await primoOn(query)).toBe(listed)
    for (const query of ['&includePrimo=false', '&includePrimo=FALSE']) expect(await primoOn(query)).toBe(0)
    for (const value of ['xtrue', 'truex'])
      await refused(
        `entries?fromDate=2025-01-01&toDate=2025-01-01&includePrimo=${value}`,
        400,
        44,
        `The value '${value}' is not valid for includePrimo.`,
      )
  })

  it('Primo entries: dated the year’s first day, Description Primo, account names, one EntryGuid each, in account order, none of amount 0', async () => {
    const primo = (await period('2025-01-01', '2025-01-01')).filter((e) => e.Type === 'Primo')
    const numbers = primo.map((e) => e.AccountNumber)
    expect(numbers).toEqual(expect.arrayContaining([55000, 57000, 61000, 66000]))
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(primo.every((e) => e.Date === '2025-01-01' && e.Description === 'Primo' && e.Amount !== 0)).toBe(
      true,
    )
    expect(primo.find((e) => e.AccountNumber === 55000)?.AccountName).toBe('Bank')
    expect(new Set(primo.map((e) => e.EntryGuid)).size).toBe(primo.length)
  })

  it('an account that nets to 0 by the year’s end has no Primo entry the next year', async () => {
    await oddAccounts()
    await at(Date.UTC(2030, 10, 1, 10))
    await book('2036-03-01', [{ AccountNumber: 58000, BalancingAccountNumber: 55010, Amount: 50 }])
    await book('2036-04-01', [{ AccountNumber: 58000, BalancingAccountNumber: 55010, Amount: -50 }])
    await book('2037-02-01', [{ AccountNumber: 55000, BalancingAccountNumber: 55010, Amount: 1 }])
    const primo = (await period('2037-01-01', '2037-01-01')).filter((e) => e.Type === 'Primo')
    expect(primo.length).toBeGreaterThan(0)
    expect(primo.some((e) => e.AccountNumber === 58000)).toBe(false)
  })

  it('a voucher dated a year’s first day is in that year, not in its primo', async () => {
    await at(Date.UTC(2030, 10, 5, 10))
    await book('2032-06-01', [{ AccountNumber: 55000, BalancingAccountNumber: 55010, Amount: 1 }])
    const before = await report(2032, 'primo')
    await book('2032-01-01', [{ AccountNumber: 55000, BalancingAccountNumber: 55010, Amount: 1000 }])
    expect(await report(2032, 'primo')).toEqual(before)
  })

  it('entry changes list the later years’ Primo entries of a booking made in the window, equity’s (61000) with them when the booking hits a result account', async () => {
    const booked = Date.UTC(2030, 10, 20, 10)
    await at(booked - 5 * DAY)
    await book('2034-02-01', [{ AccountNumber: 55000, BalancingAccountNumber: 55010, Amount: 1 }])
    await at(booked)
    await book('2033-05-01', [{ AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 100 }])
    const primo = (await changes(booked, booked)).filter((e) => e.Type === 'Primo' && e.Date === '2034-01-01')
    expect(primo.map((e) => e.AccountNumber)).toEqual(expect.arrayContaining([55000, 61000]))
    expect(primo.find((e) => e.AccountNumber === 61000)?.AccountName).toBe('Overført resultat')
  })

  it('a booking on equity (61000) itself puts its later Primo entry in the window of that booking', async () => {
    const booked = Date.UTC(2030, 10, 28, 10)
    await at(booked - 5 * DAY)
    await book('2035-02-01', [{ AccountNumber: 55000, BalancingAccountNumber: 55010, Amount: 1 }])
    await at(booked)
    await book('2034-05-01', [{ AccountNumber: 61000, BalancingAccountNumber: 55010, Amount: 40 }])
    const primo = (await changes(booked, booked)).filter((e) => e.Type === 'Primo' && e.Date === '2035-01-01')
    expect(primo.map((e) => e.AccountNumber)).toContain(61000)
  })

  it('result and balance reports: an account is a result account by its category (Turnover at 70000), a balance account by its category (a deposit at 9100), else by number (49999 result, 50000 balance)', async () => {
    await oddAccounts()
    await at(Date.UTC(2030, 11, 1, 10))
    await book('2038-03-01', [
      { AccountNumber: 49999, BalancingAccountNumber: 55010, Amount: 10 },
      { AccountNumber: 50000, BalancingAccountNumber: 55010, Amount: 20 },
      { AccountNumber: 9100, BalancingAccountNumber: 55010, Amount: 30 },
      { AccountNumber: 70000, BalancingAccountNumber: 55010, Amount: -40 },
    ])
    const result = (await report(2038, 'result')).map((r) => r.AccountNumber)
    const balance = (await report(2038, 'balance')).map((r) => r.AccountNumber)
    expect(result).toEqual([49999, 70000])
    // The balance also holds what earlier years carried in (bank, debtors, equity, VAT).
    expect(balance).toEqual(expect.arrayContaining([9100, 50000, 55010]))
    expect(balance.filter((n) => n === 49999 || n === 70000)).toEqual([])
  })

  it('primo carries the balance accounts by category (the deposit at 9100) and carries a result category’s amount (Turnover at 70000) to equity', async () => {
    await oddAccounts()
    await at(Date.UTC(2030, 11, 5, 10))
    await book('2039-03-01', [
      { AccountNumber: 9100, BalancingAccountNumber: 55010, Amount: 30 },
      { AccountNumber: 70000, BalancingAccountNumber: 55010, Amount: -40 },
    ])
    await book('2040-02-01', [{ AccountNumber: 55000, BalancingAccountNumber: 55010, Amount: 1 }])
    const [primo2039, primo2040] = [await report(2039, 'primo'), await report(2040, 'primo')]
    const amount = (rows: readonly Row[], n: number) => rows.find((r) => r.AccountNumber === n)?.Amount ?? 0
    expect(primo2040.some((r) => r.AccountNumber === 70000)).toBe(false)
    expect(amount(primo2040, 9100) - amount(primo2039, 9100)).toBe(30)
    expect(primo2040.find((r) => r.AccountNumber === 9100)?.AccountName).toBe('Lille kasse')
  })

  it('reports name their accounts: the saldo’s rows of the year’s entries and the primo’s carried rows', async () => {
    await at(Date.UTC(2030, 11, 10, 10))
    await book('2031-03-01', [{ AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 3 }])
    const saldo = await report(2031, 'saldo')
    expect(saldo.find((r) => r.AccountNumber === 4000)?.AccountName).toBe('Husleje')
    const primo = await report(2025, 'primo')
    expect(primo.find((r) => r.AccountNumber === 55000)?.AccountName).toBe('Bank')
  })

  it('a year the organisation does not have → 400 code 47 "The accounting year \'2019\' was not found"', async () => {
    await refused('2019/reports/saldo', 400, 47, "The accounting year '2019' was not found")
  })

  it('an organisation whose chart has no Equity account: its primo carries the balance accounts and no result (200)', async () => {
    const store = run.target.mock.store.dinero
    const id = 777_001
    const template = store.organisation(ORG)
    if (template === undefined) throw new Error('the seeded organisation is missing')
    if (store.organisation(id) === undefined) {
      store.addOrganisation({ ...template, Id: id, Name: 'Uden Egenkapital ApS' })
      store.grantAccess(DEFAULT_USER.subject, id)
      for (const a of store.entryAccounts(ORG))
        if (a.Category !== 'Equity') store.addEntryAccount(id, { ...a })
    }
    await at(Date.UTC(2030, 11, 15, 10))
    for (const [date, account] of [
      ['2030-03-01', 4000],
      ['2031-02-01', 55010],
    ] as const) {
      const created = await run.api.post(`/v1/${id}/vouchers/manuel`, {
        VoucherDate: date,
        Lines: [
          { AccountNumber: account, BalancingAccountNumber: 55000, Amount: 100, Description: 'Uden EK' },
        ],
      })
      const draft = created.json<{ Guid: string; Timestamp: string }>()
      const reply = await run.api.post(`/v1/${id}/vouchers/manuel/${draft.Guid}/book`, {
        Timestamp: draft.Timestamp,
      })
      expect(reply.status).toBe(200)
    }
    const primo = await run.api.get(`/v1/${id}/2031/reports/primo`)
    expect(primo.status, primo.text.slice(0, 200)).toBe(200)
    expect(primo.json<Row[]>().map((r) => [r.AccountNumber, r.Amount])).toEqual([[55000, -100]])
  })
})

describe('Dinero entries under deviation dinero.entries-enveloped (in-process)', () => {
  const run = dineroTarget('in-process', { deviations: ['dinero.entries-enveloped'] })

  it('the deviated entries answer one page holding every entry of the period, PageSize their count', async () => {
    const reply = await run.api.get(`/v1/${ORG}/entries?fromDate=2024-01-01&toDate=2024-12-31`)
    expect(reply.status).toBe(200)
    const page = reply.json<{ Collection: unknown[]; Pagination: Record<string, number> }>()
    expect(page.Collection.length).toBeGreaterThan(1)
    expect(page.Pagination).toMatchObject({
      PageSize: page.Collection.length,
      Result: page.Collection.length,
      ResultWithoutFilter: page.Collection.length,
      Page: 0,
    })
  })
})
