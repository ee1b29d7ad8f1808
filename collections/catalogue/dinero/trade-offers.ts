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
 * Trade offers and reminders (dinero-openapi, dinero-api-errors). Each check writes: a contact, a
 * trade offer or a booked invoice in the organisation, so it runs live only on a write-test
 * organisation.
 */
const line = (Description: string, Quantity: number) => ({
  BaseAmountValue: 100,
  Quantity,
  AccountNumber: 1000,
  Discount: 0,
  Description,
  Unit: 'parts',
})

/** A business contact with an e-mail, for the offer or invoice to be about. */
const contactWithEmail = (): Step => createContact({ fields: { Email: 'conformance@example.dk' } })

const createOffer = (lines: unknown[]): Step =>
  step(
    'create a trade offer',
    {
      method: 'POST',
      url: '{{apiUrl}}/v1/{{organizationId}}/tradeoffers',
      headers: bearer,
      json: { ContactGuid: '{{contactGuid}}', Description: 'Conformance check', ProductLines: lines },
    },
    [status(200), { kind: 'json-path-matches', path: 'TimeStamp', pattern: '^[0-9A-F]{16}$' }],
    {
      capture: [
        { set: 'offerGuid', from: 'json', path: 'Guid' },
        { set: 'offerTimestamp', from: 'json', path: 'TimeStamp' },
      ],
    },
  )

const updateOffer = (name: string, quantity: number, expect: Step['expect']): Step =>
  step(
    name,
    {
      method: 'PUT',
      url: '{{apiUrl}}/v1.2/{{organizationId}}/tradeoffers/{{offerGuid}}',
      headers: bearer,
      json: {
        Timestamp: '{{offerTimestamp}}',
        ContactGuid: '{{contactGuid}}',
        ProductLines: [line('Rådgivning', quantity)],
      },
    },
    expect,
  )

export const tradeOfferChecks: Check[] = defineChecks([
  {
    id: 'dinero.trade-offers.stale-timestamp',
    title: 'a trade offer updated with a stale Timestamp is refused with 400 and error code 58',
    area: 'dinero',
    pins: ['dinero.timestamp-out-of-date-58', 'dinero.version-prefixes', 'dinero.timestamp-casing'],
    sources: ['dinero-openapi', 'dinero-api-errors'],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      contactWithEmail(),
      createOffer([line('Rådgivning', 1)]),
      updateOffer('update it with the current Timestamp', 2, [status(200)]),
      updateOffer('update it again with the now stale Timestamp', 3, dineroError(58)),
    ],
  },
  {
    id: 'dinero.trade-offers.generate-invoice',
    title:
      'generating an invoice from a trade offer answers 200 with a draft invoice that has the offer’s lines',
    area: 'dinero',
    pins: ['dinero.trade-offer-generates-invoice'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      contactWithEmail(),
      createOffer([line('Rådgivning', 2), line('Opstart', 1)]),
      step(
        'generate an invoice from it',
        {
          method: 'POST',
          url: '{{apiUrl}}/v1/{{organizationId}}/tradeoffers/{{offerGuid}}/generate-invoice',
          headers: bearer,
          json: { Timestamp: '{{offerTimestamp}}' },
        },
        [status(200), { kind: 'json-path-matches', path: 'Guid', pattern: '^[0-9a-f-]{36}$' }],
        { capture: [{ set: 'invoiceGuid', from: 'json', path: 'Guid' }] },
      ),
      step(
        'read the invoice',
        {
          method: 'GET',
          url: '{{apiUrl}}/v1/{{organizationId}}/invoices/{{invoiceGuid}}',
          headers: bearer,
        },
        [
          status(200),
          { kind: 'json-path-equals', path: 'Status', value: 'Draft' },
          { kind: 'json-array-length-between', path: 'ProductLines', min: 2, max: 2 },
          { kind: 'json-path-equals', path: 'ProductLines.0.Description', value: 'Rådgivning' },
          { kind: 'json-path-equals', path: 'ProductLines.0.Quantity', value: 2 },
          { kind: 'json-path-equals', path: 'TotalExclVat', value: 300 },
        ],
      ),
      step(
        'read the trade offer: it lists the invoice',
        {
          method: 'GET',
          url: '{{apiUrl}}/v1/{{organizationId}}/tradeoffers/{{offerGuid}}',
          headers: bearer,
        },
        [
          status(200),
          { kind: 'json-path-equals', path: 'HasGeneratedAnyVouchers', value: true },
          { kind: 'json-path-not-equals-var', path: 'TimeStamp', variable: 'offerTimestamp' },
        ],
      ),
    ],
  },
  {
    id: 'dinero.reminders.not-overdue',
    title: 'a reminder for a booked invoice that is not overdue is refused with 400 and error code 45',
    area: 'dinero',
    pins: ['dinero.invalid-request-45'],
    sources: ['dinero-openapi', 'dinero-api-errors'],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      contactWithEmail(),
      createInvoice('create a draft invoice due in 30 days', {
        ContactGuid: '{{contactGuid}}',
        PaymentConditionType: 'Netto',
        PaymentConditionNumberOfDays: 30,
        ProductLines: [line('Rådgivning', 1)],
      }),
      bookInvoice([status(200), { kind: 'json-path-equals', path: 'Status', value: 'Booked' }], undefined, [
        { set: 'invoiceTimestamp', from: 'json', path: 'TimeStamp' },
        { set: 'reminderDate', from: 'json', path: 'Date' },
      ]),
      step(
        'add a reminder dated the invoice day, before it is due',
        {
          method: 'POST',
          url: '{{apiUrl}}/v1/{{organizationId}}/invoices/{{invoiceGuid}}/reminders',
          headers: bearer,
          json: {
            Timestamp: '{{invoiceTimestamp}}',
            Date: '{{reminderDate}}',
            WithDebtCollectionWarning: false,
            WithFee: true,
            WithInterestFee: false,
            WithCompensationFee: false,
          },
        },
        dineroError(45),
      ),
    ],
  },
])
