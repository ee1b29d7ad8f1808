import { type Check, defineChecks } from '../../model/types.ts'
import { bearer, bookInvoice, createContact, createInvoice, refreshChain, status, step } from '../steps.ts'

/**
 * Files and webhooks (dinero-openapi, tags Files and Webhooks). The files list is read-only and
 * runs live. Delivery has no published payload (open-dinero-webhooks), so its check is the
 * mock's: it subscribes the mock's own sink (`/__mock/webhooks/sink`), books an invoice, flushes
 * the deliveries and reads what the sink received.
 */
const INVOICE_LINE = {
  BaseAmountValue: 100,
  Quantity: 1,
  AccountNumber: 1000,
  Discount: 0,
  Description: 'Webhook',
}

/** Where the webhook check keeps the invoice whose booking it subscribes to. */
const HOOK_INVOICE = { guid: 'hookInvoice', timestamp: 'hookStamp' }

export const filesWebhookChecks: Check[] = defineChecks([
  {
    id: 'dinero.files.list-shape',
    title:
      'GET /v1/{org}/files answers a plain JSON array of FilteredFileReadModel (not the paged envelope), at most pageSize long',
    area: 'dinero',
    pins: ['dinero.plain-array-lists'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'list files, page 0 of size 5',
        {
          method: 'GET',
          url: '{{apiUrl}}/v1/{{organizationId}}/files',
          query: { page: '0', pageSize: '5' },
          headers: bearer,
        },
        [
          status(200),
          { kind: 'schema', schema: 'DineroFileList' },
          { kind: 'json-array-length-between', path: '', min: 0, max: 5 },
        ],
      ),
    ],
  },
  {
    id: 'dinero.webhooks.invoice-booked-delivered',
    title:
      'booking an invoice delivers a webhook POST {EventId: invoice.booked, EntityGuid: the invoice} to the subscriber’s Uri',
    area: 'dinero',
    pins: ['dinero.webhook-subscription'],
    sources: ['dinero-openapi', 'open-dinero-webhooks'],
    needs: ['grant', 'organisation', 'control-surface'],
    steps: [
      refreshChain(),
      step(
        'subscribe the mock’s sink to invoice.booked',
        {
          method: 'POST',
          url: '{{apiUrl}}/v1/{{organizationId}}/webhooks/subscribe',
          headers: bearer,
          json: { Uri: '{{controlUrl}}/__mock/webhooks/sink', EventId: 'invoice.booked' },
        },
        [status(200)],
      ),
      createContact({ title: 'create a contact to invoice', name: 'Webhook Check ApS', into: 'hookContact' }),
      createInvoice(
        'create a draft invoice',
        { ContactGuid: '{{hookContact}}', ProductLines: [INVOICE_LINE] },
        [status(200)],
        HOOK_INVOICE,
      ),
      bookInvoice([status(200)], HOOK_INVOICE),
      step(
        'mock: deliver what is pending now',
        { method: 'POST', url: '{{controlUrl}}/__mock/webhooks/flush', json: {} },
        [status(200)],
      ),
      step(
        'mock: read what the sink received for the invoice',
        {
          method: 'GET',
          url: '{{controlUrl}}/__mock/webhooks/sink',
          query: { eventId: 'invoice.booked', entityGuid: '{{hookInvoice}}' },
        },
        [
          status(200),
          { kind: 'json-array-length-between', path: 'received', min: 1, max: 1 },
          { kind: 'json-path-equals', path: 'received.0.body.EventId', value: 'invoice.booked' },
          { kind: 'json-path-matches', path: 'received.0.body.DeliveryId', pattern: '^[0-9a-f-]{36}$' },
        ],
      ),
      step(
        'unsubscribe from invoice.booked',
        {
          method: 'DELETE',
          url: '{{apiUrl}}/v1/{{organizationId}}/webhooks/unsubscribe',
          headers: bearer,
          json: { EventId: 'invoice.booked' },
        },
        [status(200)],
      ),
    ],
  },
])
