import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { exampleOf } from '../../mocks/dinero/contract/examples.ts'
import { extraction, labelModel, type Operation } from '../../mocks/dinero/contract/extraction.ts'
import { DineroErrorBody, generated } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroApi, dineroTarget } from '../support/dinero-session.ts'

/**
 * dinero-openapi: every operation of the extraction, walked on the served mock. Each one exists
 * (no token → 401 code 41, not the HTML 404 of an unknown route), answers a valid request built
 * from its schema with a 2xx whose body parses with its contract schema, and refuses a body its
 * model does not allow with 400 in Dinero's error format.
 */
const ORG = PRO_ORGANISATION_ID
const ZERO = '00000000-0000-0000-0000-000000000000'
const operations = extraction().operations
const name = (op: Operation) => `${op.method} ${op.path}`
const withJsonBody = operations.filter((op) => op.body !== undefined && !op.multipart)

interface Prepared {
  path: string
  body?: unknown
  /** A Files operation: the request is a multipart upload of a small PDF. */
  upload?: boolean
}

describe('every Dinero operation of the extraction (served)', () => {
  const run = dineroTarget('served', { dinero: { rateLimitPerMinute: 0 } })
  const anonymous = () => dineroApi(run.target, undefined)

  const send = (who: DineroApi, method: string, path: string, body?: unknown) =>
    body === undefined && method !== 'GET'
      ? who.raw(method, path, '')
      : method === 'GET'
        ? who.get(path)
        : who.raw(method, path, JSON.stringify(body))
  const ok = async (method: string, path: string, body?: unknown) => {
    const reply = await send(run.api, method, path, body)
    expect(reply.status, `${method} ${path}: ${reply.text.slice(0, 300)}`).toBeLessThan(300)
    return reply
  }
  const now = '2026-01-01T00:00:00Z'
  const request = (model: string) =>
    exampleOf(model, 'request', { now, guid: ZERO }) as Record<string, unknown>
  const line = { BaseAmountValue: 100, Quantity: 1, AccountNumber: 1000, Discount: 0, Description: 'Walk' }
  const purchaseLine = { AccountNumber: 3600, Amount: 125, Description: 'Walk' }
  const payment = { DepositAccountNumber: 55000, Amount: 10, Description: 'Walk', RemainderIsFee: false }

  const contact = async () =>
    (
      await ok('POST', `/v1/${ORG}/contacts`, {
        Name: 'Walk',
        CountryKey: 'DK',
        IsPerson: false,
        IsMember: false,
        UseCvr: false,
        // An address to e-mail and a CVR number to send e-invoices to (mailouts.ts).
        Email: 'walk@example.dk',
        VatNumber: 'DK12345678',
      })
    ).json<{ ContactGuid: string }>().ContactGuid
  const version = async (path: string) => {
    const body = (await ok('GET', path)).json<{ TimeStamp?: string; Timestamp?: string }>()
    return body.TimeStamp ?? body.Timestamp ?? ''
  }
  /** Reminders and pre-reminders need an overdue invoice: dated 60 days ago, due 8 days later. */
  const today = new Date().toISOString().slice(0, 10)
  const longAgo = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10)
  const invoice = async (booked: boolean, overdue = false) => {
    const ContactGuid = await contact()
    const created = await ok('POST', `/v1/${ORG}/invoices`, {
      ContactGuid,
      ProductLines: [line],
      ...(overdue ? { Date: longAgo } : {}),
    })
    const { Guid, TimeStamp } = created.json<{ Guid: string; TimeStamp: string }>()
    if (booked) await ok('POST', `/v1/${ORG}/invoices/${Guid}/book`, { Timestamp: TimeStamp })
    return { guid: Guid, contact: ContactGuid, version: await version(`/v1/${ORG}/invoices/${Guid}`) }
  }
  const purchase = async () => {
    const created = await ok('POST', `/v1.2/${ORG}/vouchers/purchase`, {
      PurchaseType: 'cash',
      Lines: [purchaseLine],
    })
    const { Guid, Timestamp } = created.json<{ Guid: string; Timestamp: string }>()
    return { guid: Guid, version: Timestamp }
  }
  /** A payment of 10 on the booked document at `path` (…/payments): its Guid and the document's new TimeStamp. */
  const pay = async (path: string, Timestamp: string) => {
    const paid = (await ok('POST', path, { Timestamp, ...payment })).json<{
      Guid: string
      TimeStamp: string
    }>()
    return { guid: paid.Guid, version: paid.TimeStamp }
  }
  /** A small PDF sent to a Files operation (multipart/form-data, part `file`). */
  const uploadPdf = (path = `/v1/${ORG}/files`) => {
    const boundary = 'walk'
    return run.target.call('api', path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${run.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`,
    })
  }
  const fileGuid = async (path?: string) => {
    const upload = await uploadPdf(path)
    expect(upload.status).toBe(200)
    return upload.json<{ FileGuid: string }>().FileGuid
  }
  /** A generic resource's item: created through the operation the extraction lists for it. */
  const generic = async (collection: string, model: string, extra: Record<string, unknown> = {}) => {
    const body = { ...request(model), ...extra }
    const created = (await ok('POST', collection, body)).json<Record<string, unknown>>()
    return {
      id: String(created.Guid ?? created.Id ?? created.ContactGuid),
      version: String(created.TimeStamp ?? created.Timestamp ?? ''),
    }
  }

  /** Path parameters and a body the operation accepts, with the entities it acts on created first. */
  async function prepare(op: Operation): Promise<Prepared> {
    const params: Record<string, string> = { organizationId: String(ORG), accountingYear: '2026' }
    let timestamp = 'x'
    const p = op.path
    const overrides: Record<string, unknown> = {}
    if (/\/contacts\/\{contactGuid\}\/notes\/\{noteGuid\}/.test(p)) {
      params.contactGuid = await contact()
      params.noteGuid = (
        await generic(`/v1/${ORG}/contacts/${params.contactGuid}/notes`, 'ContactNoteCreateModel')
      ).id
    } else if (/\/contacts\/\{(contactGuid|guid)\}|state-of-account/.test(p)) {
      params.guid = params.contactGuid = await contact()
    } else if (/\/products\/\{guid\}/.test(p)) {
      const created = await ok('POST', `/v1/${ORG}/products`, {
        Name: 'Walk',
        BaseAmountValue: 10,
        Quantity: 1,
        AccountNumber: 1000,
        Unit: 'parts',
      })
      params.guid = created.json<{ ProductGuid: string }>().ProductGuid
    } else if (/\/invoices\/\{voucherGuid\}\/reminders/.test(p)) {
      const inv = await invoice(true, true)
      params.voucherGuid = inv.guid
      timestamp = inv.version
      // The reminder e-mail sends the invoice's latest reminder, so there must be one.
      if (p.includes('{id}') || (op.method === 'POST' && p.endsWith('/reminders/email'))) {
        const reminder = await generic(`/v1/${ORG}/invoices/${inv.guid}/reminders`, 'ReminderCreateModel', {
          Timestamp: inv.version,
          Date: today,
        })
        params.id = reminder.id
        timestamp = reminder.version
      }
    } else if (/\/invoices\/\{guid\}/.test(p)) {
      const booked =
        !/\/book$/.test(p) && op.method !== 'DELETE' && !(op.method === 'PUT' && /\{guid\}$/.test(p))
      const inv = await invoice(booked || /payments/.test(p), /pre-reminder$/.test(p))
      params.guid = inv.guid
      timestamp = inv.version
      overrides.ContactGuid = inv.contact
      if (/payments\/\{paymentGuid\}/.test(p)) {
        const paid = await pay(`/v1/${ORG}/invoices/${inv.guid}/payments`, inv.version)
        params.paymentGuid = paid.guid
        timestamp = paid.version
      }
    } else if (/\/vouchers\/purchase\/creditnotes\/\{guid\}/.test(p)) {
      // Booking a purchase credit note needs a contact (dinero-openapi).
      overrides.ContactGuid = await contact()
      const note = await generic(
        `/v1/${ORG}/vouchers/purchase/creditnotes`,
        'PurchaseCreditNoteCreateModel',
        {
          ContactGuid: overrides.ContactGuid,
          Lines: [purchaseLine],
        },
      )
      params.guid = note.id
      timestamp = note.version
    } else if (/\/vouchers\/purchase\/\{guid\}/.test(p)) {
      const voucher = await purchase()
      params.guid = voucher.guid
      timestamp = voucher.version
      // A credit note is generated from a booked voucher only.
      if (p.endsWith('/generate-creditnote'))
        timestamp = (
          await ok('POST', `/v1/${ORG}/vouchers/purchase/${voucher.guid}/book`, {
            Timestamp: voucher.version,
          })
        ).json<{ Timestamp: string }>().Timestamp
    } else if (/\/purchase-vouchers\/\{id\}/.test(p)) {
      // Credit payments go on a booked credit purchase (which needs a contact to be booked).
      const created = await ok('POST', `/v1.2/${ORG}/vouchers/purchase`, {
        PurchaseType: 'credit',
        ContactGuid: await contact(),
        Lines: [purchaseLine],
      })
      const voucher = created.json<{ Guid: string; Timestamp: string }>()
      const booked = await ok('POST', `/v1/${ORG}/vouchers/purchase/${voucher.Guid}/book`, {
        Timestamp: voucher.Timestamp,
      })
      params.id = voucher.Guid
      timestamp = booked.json<{ Timestamp: string }>().Timestamp
      if (p.includes('{paymentId}')) {
        const paid = await pay(`/v1/${ORG}/purchase-vouchers/${voucher.Guid}/payments`, timestamp)
        params.paymentId = paid.guid
        timestamp = paid.version
      }
    } else if (/\/vouchers\/manuel\/\{guid\}/.test(p)) {
      const voucher = await generic(`/v1/${ORG}/vouchers/manuel`, 'ManuelVoucherCreateModel', {
        Lines: [{ AccountNumber: 2000, BalancingAccountNumber: 55000, Amount: 125 }],
      })
      params.guid = voucher.id
      timestamp = voucher.version
    } else if (/\/sales\/creditnotes\/\{guid\}/.test(p)) {
      // Update, delete and book take a draft; the PDF, e-mail, e-creditNote and payments a booked one.
      overrides.ContactGuid = await contact()
      const note = await generic(`/v1/${ORG}/sales/creditnotes`, 'SalesCreditNoteCreateModel', {
        ContactGuid: overrides.ContactGuid,
        ProductLines: [line],
      })
      params.guid = note.id
      timestamp = note.version
      if (!p.endsWith('/book') && !(p.endsWith('{guid}') && op.method !== 'GET'))
        timestamp = (
          await ok('POST', `/v1/${ORG}/sales/creditnotes/${note.id}/book`, { Timestamp: note.version })
        ).json<{ TimeStamp: string }>().TimeStamp
      if (p.includes('{paymentGuid}')) {
        const paid = await pay(`/v1/${ORG}/sales/creditnotes/${note.id}/payments`, timestamp)
        params.paymentGuid = paid.guid
        timestamp = paid.version
      }
    } else if (/\/ledgeritems\//.test(p) || (op.method === 'PUT' && p.endsWith('/ledgeritems'))) {
      const created = await ok('POST', `/v1.2/${ORG}/ledgeritems`, [
        {
          VoucherDate: '2026-03-01',
          Lines: [{ AccountNumber: 2000, BalancingAccountNumber: 55000, Amount: 125 }],
        },
      ])
      const item = created.json<{ Id: string; Version: string }>()
      overrides.Id = item.Id
      overrides.Version = item.Version
    } else if (/\/files\/\{fileGuid\}/.test(p)) {
      params.fileGuid = await fileGuid()
    } else if (/\/attachments\//.test(p)) {
      // An attachment binds an uploaded file to a sales document (an invoice here).
      params.documentGuid = (await invoice(true)).guid
      params.documentType = 'Invoice'
      params.fileName = 'walk.pdf'
      params.fileGuid = await fileGuid(`/v1/${ORG}/files/attachment`)
      if (op.method === 'DELETE')
        await ok('POST', `/v1/${ORG}/attachments/${params.documentGuid}/${params.fileGuid}/walk.pdf`)
    } else if (/\/tradeoffers/.test(p)) {
      overrides.ContactGuid = await contact()
      if (p.includes('{guid}')) {
        const offer = await generic(`/v1/${ORG}/tradeoffers`, 'TradeOfferCreateModel', {
          ContactGuid: overrides.ContactGuid,
          ProductLines: [line],
        })
        params.guid = offer.id
        timestamp = offer.version
      }
    } else if (/\/sms\/\{voucherGuid\}/.test(p)) {
      const inv = await invoice(true)
      params.voucherGuid = inv.guid
      timestamp = inv.version
    }
    let path = p.replace(/\{(\w+)\}/g, (_, n: string) =>
      encodeURIComponent(params[n] ?? (n === 'timestamp' ? timestamp : ZERO)),
    )
    // Lists answer only the `fields=` projection (dinero-openapi); ask for every property of the item.
    // The entry lists take a period (dinero-openapi: within one accounting year; changes ≤ 31 days).
    if (p.endsWith('/entries')) path += '?fromDate=2026-01-01&toDate=2026-12-31'
    if (p.endsWith('/entries/changes'))
      path += '?changesFrom=2026-01-01T00:00:00Z&changesTo=2026-01-31T00:00:00Z'
    // (v2 contacts lists its parameters in prose: every DineroCollection takes `fields`.)
    if (op.params.some((q) => q.name === 'fields') || op.response.endsWith('DineroCollection')) {
      const answer = labelModel(op.response)
      const item = answer?.array ? answer.name : answer?.name.replace(/DineroCollection$/, '')
      const props = Object.keys(extraction().components.get(item ?? '')?.properties ?? {})
      path += `?fields=${props.join(',')}`
    }
    const label = op.body === undefined || op.multipart ? undefined : labelModel(op.body)
    if (label === undefined) return op.multipart ? { path, upload: true } : { path }
    const fixed: Record<string, Record<string, unknown>> = {
      ContactCreateModel: { CountryKey: 'DK' },
      ContactUpdateModel: { CountryKey: 'DK' },
      ProductCreateModel: { AccountNumber: 1000, Unit: 'parts' },
      ProductUpdateModel: { AccountNumber: 1000, Unit: 'parts' },
      InvoiceCreateModel: { ProductLines: [line] },
      InvoiceCreateFetchModel: { ProductLines: [line] },
      InvoiceUpdateModel: { ProductLines: [line] },
      PurchaseVoucherCreateModelV2: { PurchaseType: 'cash', Lines: [purchaseLine] },
      PurchaseVoucherUpdateModel: { PurchaseType: 'cash', VoucherDate: '2026-01-01', Lines: [purchaseLine] },
      SalesCreditNoteCreateModel: { ProductLines: [line] },
      SalesCreditNoteCreateFetchModel: { ProductLines: [line] },
      SalesCreditNoteUpdateModel: { ProductLines: [line] },
      PurchaseCreditNoteCreateModel: { Lines: [purchaseLine] },
      PurchaseCreditNoteUpdateModel: { Lines: [purchaseLine] },
      PurchaseVoucherCreditPaymentCreateModel: payment,
      PaymentCreateModel: payment,
      ApiMailoutModel: { Message: 'See [link-to-pdf]' },
      TradeOfferCreateModel: { ProductLines: [line] },
      TradeOfferCreateFetchModel: { ProductLines: [line] },
      TradeOfferUpdateModel: { ProductLines: [line] },
      ReminderCreateModel: { Date: today },
      ReminderFetchModel: {
        Date: today,
        WithDebtCollectionWarning: false,
        WithFee: true,
        WithInterestFee: true,
        WithCompensationFee: false,
      },
      EanReminderModel: { ReceiverEanNumber: '5790000000005' },
      SmsSendModel: { ReceiverPhoneNumber: '+4512345678' },
      AccountCreateModel: { Number: 7100, VatCode: 'I25' },
      DepositCreateModel: { Number: 55900 },
      SubscribeToWebhookModel: { Uri: 'https://hooks.example.invalid/walk', EventId: 'invoice.booked' },
      UnsubscribeFromWebhookModel: { EventId: 'invoice.booked' },
    }
    const body = { ...request(label.name), ...fixed[label.name] }
    const shape = (generated.schema(label.name) as { shape?: Record<string, unknown> }).shape ?? {}
    const stamp = shape.Timestamp as z.ZodType | undefined
    if (stamp?.safeParse(timestamp).success === true) body.Timestamp = timestamp
    if ('ContactGuid' in shape && overrides.ContactGuid !== undefined)
      body.ContactGuid = overrides.ContactGuid
    if (label.name === 'PurchaseVoucherUpdateModel') body.ContactGuid = await contact()
    if (overrides.Id !== undefined)
      Object.assign(body, { Id: overrides.Id }, 'Version' in shape ? { Version: overrides.Version } : {})
    return { path, body: label.array ? [body] : body }
  }

  /** The contract schema of a 200 answer, or how the answer is judged when it is not JSON. */
  function judge(op: Operation, reply: Reply): void {
    const label = op.response
    if (/^OK\b/.test(label)) {
      if (/pdf|file bytes/.test(label)) expect(reply.headers.get('content-type')).toMatch(/pdf|octet-stream/)
      return
    }
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/)
    const model = labelModel(label)
    const body: unknown = JSON.parse(reply.text)
    if (model === undefined) {
      expect(z.array(z.guid()).safeParse(body).success).toBe(true)
      return
    }
    const schema = generated.schema(model.name)
    const parsed = (model.array ? z.array(schema) : schema).safeParse(body)
    expect(parsed.error?.issues.slice(0, 5) ?? [], reply.text.slice(0, 300)).toEqual([])
  }

  it.each(operations.map((op) => [name(op), op] as const))(
    '%s without a token → 401 code 41 (the operation exists)',
    async (_name, op) => {
      const path = op.path.replace(/\{(\w+)\}/g, (_, n: string) =>
        n === 'organizationId' ? String(ORG) : ZERO,
      )
      const reply = await send(anonymous(), op.method, path, op.body === undefined ? undefined : {})
      expect(reply.status).toBe(401)
      expect(DineroErrorBody.parse(reply.json()).code).toBe(41)
    },
  )

  it.each(operations.map((op) => [name(op), op] as const))(
    '%s with a valid token and request → 2xx whose body parses with its contract schema',
    async (_name, op) => {
      const prepared = await prepare(op)
      const reply = prepared.upload
        ? await uploadPdf(prepared.path)
        : await send(run.api, op.method, prepared.path, prepared.body)
      expect(reply.status, reply.text.slice(0, 300)).toBeGreaterThanOrEqual(200)
      expect(reply.status, reply.text.slice(0, 300)).toBeLessThan(300)
      judge(op, reply)
    },
  )

  it.each(withJsonBody.map((op) => [name(op), op] as const))(
    '%s with a body its model does not allow → 400 code 42 in Dinero error format',
    async (_name, op) => {
      const prepared = await prepare(op)
      const label = labelModel(op.body ?? '')
      const bad = { '~undeclared': true }
      const reply = await send(run.api, op.method, prepared.path, label?.array ? [bad] : bad)
      expect(reply.status, reply.text.slice(0, 300)).toBe(400)
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/)
      expect(DineroErrorBody.parse(reply.json()).code).toBe(42)
    },
  )
})
