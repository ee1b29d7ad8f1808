import { type Check, defineChecks, type Step } from '../../model/types.ts'
import { bearer, dineroError, refreshChain, status, step } from '../steps.ts'

/**
 * The ledger (dinero-openapi: AccountingYears, VatTypes, Entry, ManuelVouchers; dinero-api-errors).
 * The first three read only, so they run live with the stored grant. The manual-voucher checks
 * book vouchers, which cannot be undone (a deleted booked voucher is reversed, its number stays
 * used), so they run live only on a write-test organisation; they book in the current year and
 * request one number past the year's highest, which moves that organisation's series on.
 */
const manualVouchers = '{{apiUrl}}/v1/{{organizationId}}/vouchers/manuel'

/** A draft manual voucher dated today (rent paid from the bank), its Guid and Timestamp captured. */
const createVoucher = (name: string): Step =>
  step(
    `create manual voucher ${name}`,
    {
      method: 'POST',
      url: manualVouchers,
      headers: bearer,
      json: {
        Lines: [
          {
            AccountNumber: 4000,
            BalancingAccountNumber: 55000,
            Amount: 100,
            Description: 'Conformance check',
          },
        ],
      },
    },
    [status(200), { kind: 'json-path-equals', path: 'Status', value: 'Draft' }],
    {
      capture: [
        { set: `${name}Guid`, from: 'json', path: 'Guid' },
        { set: `${name}Timestamp`, from: 'json', path: 'Timestamp' },
      ],
    },
  )

/** Book voucher `name`; `number` is the raw JSON of a requested Number (a template), none by default. */
const bookVoucher = (name: string, expect: Step['expect'], number?: string): Step =>
  step(
    `book manual voucher ${name}${number === undefined ? ' without a Number' : ` requesting Number ${number}`}`,
    {
      method: 'POST',
      url: `${manualVouchers}/{{${name}Guid}}/book`,
      headers: bearer,
      raw: {
        contentType: 'application/json',
        body: `{"Timestamp":"{{${name}Timestamp}}"${number === undefined ? '' : `,"Number":${number}`}}`,
      },
    },
    expect,
    {
      capture: [
        { set: `${name}Number`, from: 'json', path: 'VoucherNumber' },
        { set: `${name}Timestamp`, from: 'json', path: 'Timestamp' },
      ],
    },
  )

export const ledgerChecks: Check[] = defineChecks([
  {
    id: 'dinero.accounting-years.list',
    title:
      'GET /v1/{org}/accountingyears answers 200 with a plain, non-empty array of AccountingYearReadModel (Name, FromDate, ToDate, SalarySumTaxStateEnum)',
    area: 'dinero',
    pins: ['dinero.plain-array-lists'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'list the accounting years',
        { method: 'GET', url: '{{apiUrl}}/v1/{{organizationId}}/accountingyears', headers: bearer },
        [status(200), { kind: 'schema', schema: 'AccountingYearList' }],
      ),
    ],
  },
  {
    id: 'dinero.vat-types.list',
    title:
      'GET /v1/{org}/vatTypes answers 200 with a plain array of VatTypeReadModel whose VatRate is a fraction (0.25, not 25)',
    area: 'dinero',
    pins: ['dinero.plain-array-lists', 'dinero.vat-rate-fraction'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'list the VAT types',
        { method: 'GET', url: '{{apiUrl}}/v1/{{organizationId}}/vatTypes', headers: bearer },
        [status(200), { kind: 'schema', schema: 'VatTypeList' }],
      ),
    ],
  },
  {
    id: 'dinero.entries.accounting-year',
    title:
      'GET /v1/{org}/entries for one accounting year (fromDate/toDate, includePrimo true or false) answers 200 with a plain array of EntryReadModel, not a paged envelope',
    area: 'dinero',
    pins: ['dinero.plain-array-lists'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'read the first accounting year',
        { method: 'GET', url: '{{apiUrl}}/v1/{{organizationId}}/accountingyears', headers: bearer },
        [status(200), { kind: 'json-path-matches', path: '0.FromDate', pattern: '^\\d{4}-\\d{2}-\\d{2}' }],
        {
          capture: [
            { set: 'yearFrom', from: 'json', path: '0.FromDate' },
            { set: 'yearTo', from: 'json', path: '0.ToDate' },
          ],
        },
      ),
      step(
        'list that year’s entries, primo included (the default)',
        {
          method: 'GET',
          url: '{{apiUrl}}/v1/{{organizationId}}/entries',
          query: { fromDate: '{{yearFrom}}', toDate: '{{yearTo}}' },
          headers: bearer,
        },
        [status(200), { kind: 'schema', schema: 'EntryList' }],
      ),
      step(
        'list them without primo entries',
        {
          method: 'GET',
          url: '{{apiUrl}}/v1/{{organizationId}}/entries',
          query: { fromDate: '{{yearFrom}}', toDate: '{{yearTo}}', includePrimo: 'false' },
          headers: bearer,
        },
        [status(200), { kind: 'schema', schema: 'EntryList' }],
      ),
    ],
  },
  {
    id: 'dinero.manual-vouchers.next-number',
    title:
      'booking a manual voucher without a Number gives it the next number of its accounting year: the year’s highest + 1 (a requested higher number counts)',
    area: 'dinero',
    pins: ['dinero.voucher-next-number'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      createVoucher('first'),
      bookVoucher('first', [status(200), { kind: 'json-path-equals', path: 'Status', value: 'Booked' }]),
      createVoucher('second'),
      // The first voucher's number with an 8 after it: larger than any number the year has.
      bookVoucher(
        'second',
        [status(200), { kind: 'body-contains', text: '"VoucherNumber":{{firstNumber}}8,' }],
        '{{firstNumber}}8',
      ),
      createVoucher('third'),
      bookVoucher('third', [
        status(200),
        { kind: 'body-contains', text: '"VoucherNumber":{{firstNumber}}9,' },
      ]),
    ],
  },
  {
    id: 'dinero.manual-vouchers.booked-immutable',
    title:
      'updating a booked manual voucher is refused with 400 and error code 45 (not possible once booked)',
    area: 'dinero',
    pins: ['dinero.invalid-request-45'],
    sources: ['dinero-openapi', 'dinero-api-errors'],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      createVoucher('booked'),
      bookVoucher('booked', [status(200), { kind: 'json-path-equals', path: 'Status', value: 'Booked' }]),
      step(
        'update it with its current Timestamp',
        {
          method: 'PUT',
          url: `${manualVouchers}/{{bookedGuid}}`,
          headers: bearer,
          json: {
            Timestamp: '{{bookedTimestamp}}',
            Lines: [
              { AccountNumber: 4000, BalancingAccountNumber: 55000, Amount: 200, Description: 'Changed' },
            ],
          },
        },
        dineroError(45),
      ),
    ],
  },
])
