import { describe, expect, it } from 'vitest'
import { calendarDay, calendarInstant } from '../../mocks/dinero/dates.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroError, dineroPerTest, ok } from '../support/dinero-session.ts'

/**
 * Regression: calendar days that do not exist. V8's Date.parse rolls 2030-02-31 over to 3 March
 * and 2031-04-31 to 1 May; Dinero's .NET binding refuses them, as RFC 3339 §5.7 bounds a day by
 * its month and year. Every request date the mock reads (dinero-openapi `YYYY-MM-DD` days and
 * date-times) now goes through mocks/dinero/dates.ts: an impossible day gets the very 400 the
 * endpoint gives a malformed date (dinero-api-errors codes 42 and 44), and real days, 29 February
 * of a leap year among them, are still read.
 */
const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:1`)
/** The mock clock: 2026-01-15 12:00 UTC, so an invoice of 2025-11-01 is overdue. */
const NOW = Date.UTC(2026, 0, 15, 12)
/** Days the calendar lacks: past February's end (leap and not), past a 30-day month's end. */
const IMPOSSIBLE = ['2030-02-31', '2029-02-29', '2100-02-29', '2031-04-31', '2031-06-31', '2031-11-31']

const withApi = dineroPerTest('in-process', { clock: { start: NOW }, dinero: { rateLimitPerMinute: 0 } })

/** `reply`'s status and whole Dinero error body (the start of any other body), for one comparison. */
const refusal = (reply: Reply) => ({
  status: reply.status,
  body: reply.status === 400 ? dineroError(reply) : reply.text.slice(0, 200),
})

describe('dates.ts: calendarDay reads YYYY-MM-DD only when the day is on the calendar (RFC 3339 §5.7)', () => {
  it('real days, 29 February of 2028 and 2000 among them, are their UTC midnight', () => {
    const days: [string, number][] = [
      ['2028-02-29', Date.UTC(2028, 1, 29)],
      ['2000-02-29', Date.UTC(2000, 1, 29)],
      ['2030-02-28', Date.UTC(2030, 1, 28)],
      ['2030-01-31', Date.UTC(2030, 0, 31)],
      ['2030-04-30', Date.UTC(2030, 3, 30)],
      ['2030-12-31', Date.UTC(2030, 11, 31)],
    ]
    for (const [text, ms] of days) expect(calendarDay(text), text).toBe(ms)
  })

  it('a day its month lacks, or any other layout, is no day (undefined)', () => {
    const none = [
      ...IMPOSSIBLE,
      '2030-02-30',
      '2031-09-31',
      '2030-13-01',
      '2030-00-10',
      '2030-01-00',
      '2030-01-32',
      '2030/01/31',
      '2030-1-31',
      ' 2030-01-31',
      '2030-01-31T00:00:00Z',
      'abcd-01-01',
      '',
    ]
    for (const text of none) expect(calendarDay(text), text).toBeUndefined()
  })
})

describe('dates.ts: calendarInstant is Date.parse, except that the day written must exist', () => {
  it('a date-time on a real day reads as Date.parse reads it, in every layout it reads (and one that names no day)', () => {
    const read = [
      '2028-02-29T10:00:00Z',
      '2030-02-28T23:59:59+02:00',
      '2030-02-28T08:30',
      '2030-2-28',
      '2030/02/28 10:00',
      '2030.02.28',
      '+002030-02-28T10:00:00Z',
      '0050-01-01',
      '2031-04-30',
      'Feb 28 2030',
      'Feb 29 2028',
      'Apr 30 2030',
      '2/28/2030',
      '12/31/2030',
      'December 31, 2030 23:59:59',
      'Mon, 28 Feb 2030 10:00:00 GMT+0200',
      'Feb 2030',
    ]
    for (const text of read) {
      expect(Number.isNaN(Date.parse(text)), text).toBe(false)
      expect(calendarInstant(text), text).toBe(Date.parse(text))
    }
    expect(calendarInstant('2028-02-29T10:00:00Z')).toBe(Date.UTC(2028, 1, 29, 10))
  })

  it('a day its month lacks (year-first or not, with or without a time, padded or not), hour 24 on any day, and anything Date.parse refuses are undefined', () => {
    const none = [
      ...IMPOSSIBLE,
      '2030-02-31T00:00:00Z',
      '2031-04-31T10:00:00+02:00',
      '2029-02-29T12:00',
      '2030-2-31',
      '2030/02/30 10:00',
      ' 2030-02-31',
      '2030-02-28T24:00',
      '2030-02-28 24:00:00Z',
      // Other layouts Date.parse reads roll over too (Feb 31 → 3 March): refused as the ISO ones.
      'Feb 31 2030',
      '31 Feb 2030',
      '2030 Feb 31',
      '2/31/2030',
      'February 30, 2030 10:00',
      'Apr 31 2030',
      'Feb 29 2029',
      'Mon, 31 Feb 2030 10:00:00 GMT',
      '2030.02.31',
      '2030 02 31',
      '+002030-02-31T00:00:00Z',
      '+002030-02-28T24:00:00Z',
      'someday',
      '2030-13-01',
      '',
    ]
    for (const text of none) expect(calendarInstant(text), text).toBeUndefined()
  })
})

describe('Dinero request dates on days the calendar lacks → the 400 of a malformed date (in-process)', () => {
  it('POST /v1.2/{org}/ledgeritems with VoucherDate 2030-02-31, 2029-02-29, 2031-04-31 … → 400 code 42 "[i].VoucherDate": "VoucherDate must be yyyy-mm-dd", as for 2054/02/03; 2028-02-29 → 200', async () => {
    await withApi(async (api) => {
      const line = { AccountNumber: 2000, BalancingAccountNumber: 55000, Amount: 250, Description: 'Varekøb' }
      const dates = ['2054/02/03', ...IMPOSSIBLE]
      const reply = await api.post(
        `/v1.2/${ORG}/ledgeritems`,
        dates.map((VoucherDate) => ({ VoucherDate, Lines: [line] })),
      )
      expect(refusal(reply)).toEqual({
        status: 400,
        body: {
          code: 42,
          message: 'Validation Error',
          validationErrors: Object.fromEntries(
            dates.map((_, i) => [`[${i}].VoucherDate`, 'VoucherDate must be yyyy-mm-dd']),
          ),
        },
      })
      ok(await api.post(`/v1.2/${ORG}/ledgeritems`, [{ VoucherDate: '2028-02-29', Lines: [line] }]))
    })
  })

  it("GET /v1/{org}/invoices, /sales and /sales/creditnotes with startDate or endDate 2030-02-31 → 400 code 44 \"<name> must be 'YYYY-MM-DD', got '…'\", as for 2030-2-01; 2028-02-29 → 200", async () => {
    await withApi(async (api) => {
      for (const list of ['invoices', 'sales', 'sales/creditnotes']) {
        const cases: [string, string, string][] = [
          ['startDate', '2030-2-01', '2030-03-31'],
          ['startDate', '2030-02-31', '2030-03-31'],
          ['endDate', '2030-01-01', '2031-06-31'],
          ['startDate', '2029-02-29', '2029-03-31'],
        ]
        for (const [name, startDate, endDate] of cases) {
          const raw = name === 'startDate' ? startDate : endDate
          const reply = await api.get(`/v1/${ORG}/${list}?startDate=${startDate}&endDate=${endDate}`)
          expect(refusal(reply), `${list} ${name}=${raw}`).toEqual({
            status: 400,
            body: { code: 44, message: `${name} must be 'YYYY-MM-DD', got '${raw}'` },
          })
        }
        ok(await api.get(`/v1/${ORG}/${list}?startDate=2028-02-29&endDate=2028-02-29`))
      }
    })
  })

  it('POST /v1/{org}/invoices/{guid}/reminders with Date 2030-02-31 → 400 code 42 {Date: "The value \'2030-02-31\' is not a valid date (YYYY-MM-DD)"}, as for 2030/02/28; 2028-02-29 → 200', async () => {
    await withApi(async (api) => {
      const path = await overdueInvoiceReminders(api)
      const terms = {
        WithDebtCollectionWarning: false,
        WithFee: false,
        WithInterestFee: false,
        WithCompensationFee: false,
      }
      for (const date of ['2030/02/28', ...IMPOSSIBLE]) {
        const reply = await api.post(path.reminders, { ...terms, Timestamp: path.version, Date: date })
        expect(refusal(reply), date).toEqual({
          status: 400,
          body: {
            code: 42,
            message: 'Validation Error',
            validationErrors: { Date: `The value '${date}' is not a valid date (YYYY-MM-DD)` },
          },
        })
      }
      const made = ok(
        await api.post(path.reminders, { ...terms, Timestamp: path.version, Date: '2028-02-29' }),
      )
      expect(made.json<{ Date: string }>().Date).toBe('2028-02-29')
    })
  })

  it('POST /v1/{org}/vouchers/purchase/creditnotes with Date 2030-02-31 or 2031-04-31T10:00:00 → 400 code 42 {Date: "The value \'…\' is not a valid date"}, as for someday; 2028-02-29 → 200', async () => {
    await withApi(async (api) => {
      const path = `/v1/${ORG}/vouchers/purchase/creditnotes`
      const line = { AccountNumber: 3600, Amount: 125, Description: 'Kontorartikler' }
      for (const date of ['someday', ...IMPOSSIBLE, '2031-04-31T10:00:00', '2029-02-29T00:00:00Z']) {
        const reply = await api.post(path, { ContactGuid: CONTACT, Date: date, Lines: [line] })
        expect(refusal(reply), date).toEqual({
          status: 400,
          body: {
            code: 42,
            message: 'Validation Error',
            validationErrors: { Date: `The value '${date}' is not a valid date` },
          },
        })
      }
      for (const [date, kept] of [
        ['2028-02-29', '2028-02-29T00:00:00'],
        ['2028-02-29T10:00:00', '2028-02-29T00:00:00'],
      ]) {
        const guid = ok(await api.post(path, { ContactGuid: CONTACT, Date: date, Lines: [line] })).json<{
          Guid: string
        }>().Guid
        expect(ok(await api.get(`${path}/${guid}`)).json<{ Date: string }>().Date, date).toBe(kept)
      }
    })
  })

  it('POST /v1/{org}/vouchers/purchase/{guid}/generate-creditnote with VoucherDate 2030-02-31 → 400 code 42 {VoucherDate: "The value \'2030-02-31\' is not a valid date"}, as for someday; 2028-02-29 → 200', async () => {
    await withApi(async (api) => {
      const line = { AccountNumber: 3600, Amount: 125, Description: 'Kontorartikler' }
      const created = ok(
        await api.post(`/v1.2/${ORG}/vouchers/purchase`, {
          PurchaseType: 'credit',
          ContactGuid: CONTACT,
          Lines: [line],
        }),
      ).json<{ Guid: string; Timestamp: string }>()
      const booked = ok(
        await api.post(`/v1/${ORG}/vouchers/purchase/${created.Guid}/book`, { Timestamp: created.Timestamp }),
      ).json<{ Timestamp: string }>()
      const path = `/v1/${ORG}/vouchers/purchase/${created.Guid}/generate-creditnote`
      for (const date of ['someday', ...IMPOSSIBLE]) {
        const reply = await api.post(path, { Timestamp: { Timestamp: booked.Timestamp }, VoucherDate: date })
        expect(refusal(reply), date).toEqual({
          status: 400,
          body: {
            code: 42,
            message: 'Validation Error',
            validationErrors: { VoucherDate: `The value '${date}' is not a valid date` },
          },
        })
      }
      ok(await api.post(path, { Timestamp: { Timestamp: booked.Timestamp }, VoucherDate: '2028-02-29' }))
    })
  })

  it('GET /v1/{org}/state-of-account/{guid} with from or to 2030-02-31 (or 2031-04-31T10:00:00) → 400 code 44 "The value \'…\' is not valid for from|to.", as for someday; 2028-02-29 → 200', async () => {
    await withApi(async (api) => {
      const path = `/v1/${ORG}/state-of-account/${CONTACT}`
      for (const name of ['from', 'to'])
        for (const raw of ['someday', ...IMPOSSIBLE, '2031-04-31T10:00:00']) {
          const reply = await api.get(`${path}?${name}=${encodeURIComponent(raw)}`)
          expect(refusal(reply), `${name}=${raw}`).toEqual({
            status: 400,
            body: { code: 44, message: `The value '${raw}' is not valid for ${name}.` },
          })
        }
      ok(await api.get(`${path}?from=2028-02-29&to=2028-02-29T23:00:00`))
    })
  })

  it("GET /v1/{org}/contacts and /products with changesSince 2030-02-31T00:00:00Z → 400 code 44 \"changesSince must be UTC 'YYYY-MM-DDTHH:mm:ssZ', got '…'\", as for yesterday; 2028-02-29T00:00:00Z → 200", async () => {
    await withApi(async (api) => {
      for (const list of ['contacts', 'products']) {
        for (const raw of ['yesterday', ...IMPOSSIBLE.map((d) => `${d}T00:00:00Z`)]) {
          const reply = await api.get(`/v1/${ORG}/${list}?changesSince=${raw}`)
          expect(refusal(reply), `${list} ${raw}`).toEqual({
            status: 400,
            body: { code: 44, message: `changesSince must be UTC 'YYYY-MM-DDTHH:mm:ssZ', got '${raw}'` },
          })
        }
        ok(await api.get(`/v1/${ORG}/${list}?changesSince=2028-02-29T00:00:00Z`))
      }
    })
  })

  it('GET /v1/{org}/files with uploadedBefore or uploadedAfter 2030/02/31 (or 2029-02-29) → 400 code 44 "The value \'…\' is not valid for <name>; use yyyy/MM/dd", as for 2030.02.01; 2028/02/29 → 200', async () => {
    await withApi(async (api) => {
      const bad = ['2030.02.01', ...IMPOSSIBLE, ...IMPOSSIBLE.map((d) => d.replaceAll('-', '/'))]
      for (const name of ['uploadedBefore', 'uploadedAfter'])
        for (const raw of bad) {
          const reply = await api.get(`/v1/${ORG}/files?${name}=${raw}`)
          expect(refusal(reply), `${name}=${raw}`).toEqual({
            status: 400,
            body: { code: 44, message: `The value '${raw}' is not valid for ${name}; use yyyy/MM/dd` },
          })
        }
      ok(await api.get(`/v1/${ORG}/files?uploadedAfter=2028/02/29&uploadedBefore=2028-02-29`))
    })
  })

  it('GET /v1/{org}/entries and /entries/changes with a bound on 2030-02-31 (also written 2030-2-31 or as a date-time) or at hour 24 → 400 code 44 "The value \'…\' is not valid for <name>.", as for someday; 2028-02-29 → 200', async () => {
    await withApi(async (api) => {
      const cases: [string, string, string][] = [
        ['entries', 'fromDate', 'toDate=2030-03-01'],
        ['entries', 'toDate', 'fromDate=2030-02-01'],
        ['entries/changes', 'changesFrom', 'changesTo=2030-03-01'],
        ['entries/changes', 'changesTo', 'changesFrom=2030-02-01'],
      ]
      const bad = [
        'someday',
        ...IMPOSSIBLE,
        '2030-2-31',
        '2031-04-31T08:00:00Z',
        '2029-02-29T12:00',
        '2030-02-28T24:00',
      ]
      for (const [path, name, other] of cases)
        for (const raw of bad) {
          const reply = await api.get(`/v1/${ORG}/${path}?${name}=${encodeURIComponent(raw)}&${other}`)
          expect(refusal(reply), `${path} ${name}=${raw}`).toEqual({
            status: 400,
            body: { code: 44, message: `The value '${raw}' is not valid for ${name}.` },
          })
        }
      ok(await api.get(`/v1/${ORG}/entries?fromDate=2028-02-29&toDate=2028-02-29`))
      ok(await api.get(`/v1/${ORG}/entries/changes?changesFrom=2028-02-29T00:00:00Z&changesTo=2028-03-01`))
    })
  })
})

/** A booked invoice of 2025-11-01, due eight days later (overdue on the mock clock), and its reminders path. */
async function overdueInvoiceReminders(api: DineroApi): Promise<{ reminders: string; version: string }> {
  const created = ok(
    await api.post(`/v1/${ORG}/invoices`, {
      ContactGuid: CONTACT,
      Date: '2025-11-01',
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 8,
      ProductLines: [
        { BaseAmountValue: 1000, Quantity: 1, AccountNumber: 1000, Discount: 0, Description: 'Rådgivning' },
      ],
    }),
  ).json<{ Guid: string; TimeStamp: string }>()
  const booked = ok(
    await api.post(`/v1/${ORG}/invoices/${created.Guid}/book`, { Timestamp: created.TimeStamp }),
  ).json<{ TimeStamp: string }>()
  return { reminders: `/v1/${ORG}/invoices/${created.Guid}/reminders`, version: booked.TimeStamp }
}
