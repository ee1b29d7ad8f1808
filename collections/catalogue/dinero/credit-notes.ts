import { type Check, defineChecks, type Step } from '../../model/types.ts'
import {
  bearer,
  bookInvoice,
  createContact,
  createInvoice,
  dineroError,
  refreshChain,
  status,
  step,
} from '../steps.ts'

/**
 * Sales credit notes (dinero-openapi, dinero-api-errors). The list check only reads, so it runs
 * live; the others write a contact, an invoice or credit notes in the organisation, so they run
 * live only on a write-test organisation.
 * The refusal code of both rules is not published (open-dinero-unlisted-responses): the mock
 * answers 45 "Invalid request", as the API does for other business-rule refusals of a
 * well-formed body (apaq-dinero-fixtures), so a live run tells whether Dinero agrees.
 */
/** 100 excl. VAT on the 25 % sales account: 125 incl. VAT. */
const line = (BaseAmountValue: number) => ({
  BaseAmountValue,
  Quantity: 1,
  AccountNumber: 1000,
  Discount: 0,
  Description: 'Conformance check',
  Unit: 'parts',
})

const createCreditNote = (name: string, amount: number, expect: Step['expect'], forInvoice: boolean): Step =>
  step(
    name,
    {
      method: 'POST',
      url: '{{apiUrl}}/v1/{{organizationId}}/sales/creditnotes',
      headers: bearer,
      json: {
        ContactGuid: '{{contactGuid}}',
        ...(forInvoice ? { CreditNoteFor: '{{invoiceGuid}}' } : {}),
        ProductLines: [line(amount)],
      },
    },
    expect,
    {
      capture: [
        { set: 'creditNoteGuid', from: 'json', path: 'Guid' },
        { set: 'creditNoteTimestamp', from: 'json', path: 'TimeStamp' },
      ],
    },
  )

const created = [
  status(200),
  { kind: 'json-path-matches', path: 'TimeStamp', pattern: '^[0-9A-F]{16}$' } as const,
]

export const creditNoteChecks: Check[] = defineChecks([
  {
    id: 'dinero.credit-notes.list-envelope',
    title:
      'GET /v1/{org}/sales/creditnotes?pageSize=1 answers the list envelope with PageSize 1 and at most one credit note',
    area: 'dinero',
    pins: ['dinero.list-envelope'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'list credit notes, one per page',
        {
          method: 'GET',
          url: '{{apiUrl}}/v1/{{organizationId}}/sales/creditnotes',
          query: { fields: 'Guid,Number,Type', pageSize: '1' },
          headers: bearer,
        },
        [
          status(200),
          { kind: 'schema', schema: 'DineroListEnvelope' },
          { kind: 'json-path-equals', path: 'Pagination.PageSize', value: 1 },
          { kind: 'json-array-length-between', path: 'Collection', min: 0, max: 1 },
        ],
      ),
    ],
  },
  {
    id: 'dinero.credit-notes.exceeding-invoice',
    title:
      'a credit note that would credit more than its invoice’s total is refused with 400 and error code 45',
    area: 'dinero',
    pins: ['dinero.invalid-request-45'],
    sources: [
      'dinero-openapi',
      'dinero-api-errors',
      'open-dinero-unlisted-responses',
      'apaq-dinero-fixtures',
    ],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      createContact(),
      createInvoice(
        'create a draft invoice of 125 incl. VAT',
        { ContactGuid: '{{contactGuid}}', ProductLines: [line(100)] },
        created,
      ),
      bookInvoice([status(200), { kind: 'json-path-equals', path: 'TotalInclVat', value: 125 }]),
      createCreditNote('credit 75 incl. VAT of it', 60, created, true),
      createCreditNote(
        'credit another 62.50 incl. VAT: 137.50 in all, more than 125',
        50,
        dineroError(45),
        true,
      ),
    ],
  },
  {
    id: 'dinero.credit-notes.booked-immutable',
    title:
      'a booked credit note cannot be changed: updating or deleting it is refused with 400 and error code 45',
    area: 'dinero',
    pins: ['dinero.invalid-request-45', 'dinero.version-prefixes'],
    sources: [
      'dinero-openapi',
      'dinero-api-errors',
      'open-dinero-unlisted-responses',
      'apaq-dinero-fixtures',
    ],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      createContact(),
      createCreditNote('create a draft credit note', 100, created, false),
      step(
        'book it',
        {
          method: 'POST',
          url: '{{apiUrl}}/v1/{{organizationId}}/sales/creditnotes/{{creditNoteGuid}}/book',
          headers: bearer,
          json: { Timestamp: '{{creditNoteTimestamp}}' },
        },
        [status(200), { kind: 'json-path-equals', path: 'Status', value: 'Booked' }],
        { capture: [{ set: 'creditNoteTimestamp', from: 'json', path: 'TimeStamp' }] },
      ),
      step(
        'update the booked credit note',
        {
          method: 'PUT',
          url: '{{apiUrl}}/v1.2/{{organizationId}}/sales/creditnotes/{{creditNoteGuid}}',
          headers: bearer,
          json: {
            Timestamp: '{{creditNoteTimestamp}}',
            ContactGuid: '{{contactGuid}}',
            ProductLines: [line(200)],
          },
        },
        dineroError(45),
      ),
      step(
        'delete the booked credit note',
        {
          method: 'DELETE',
          url: '{{apiUrl}}/v1/{{organizationId}}/sales/creditnotes/{{creditNoteGuid}}',
          headers: bearer,
          json: { Timestamp: '{{creditNoteTimestamp}}' },
        },
        dineroError(45),
      ),
    ],
  },
])
