import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, SEEDED_WEBHOOK_URI, seededGuid } from '../../mocks/dinero/seed.ts'
import { WEBHOOK_EVENTS } from '../../mocks/dinero/webhook-events.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroApi, tokenFor } from '../support/dinero-session.ts'

/**
 * Webhooks (dinero-openapi, tag Webhooks; the payload and delivery are the mock's design,
 * open-dinero-webhooks): the four operations, and delivery of what happens to the subscribers'
 * loopback listeners, in-process (msw intercepting the test process) and served alike. No timed
 * assertions: a retry's wait is either tiny or skipped with flush, and "it waits" is shown by
 * what has not happened yet under a wait of a minute.
 */
const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:1`)
const errorOf = (text: string) => DineroErrorBody.parse(JSON.parse(text))
const line = { BaseAmountValue: 100, Quantity: 1, AccountNumber: 1000, Discount: 0, Description: 'Hook' }

interface Hit {
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
}

/** A real loopback listener that answers each request with the next status of `statuses` (then the last). */
class Listener {
  readonly hits: Hit[] = []
  statuses: number[] = [200]
  /** Requests left unanswered (to show an in-flight attempt being cancelled). */
  hang = false
  private server: Server | undefined
  private waiters: (() => void)[] = []
  url = ''

  async start(): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = ''
      req.on('data', (c: Buffer) => {
        text += c.toString('utf8')
      })
      req.on('end', () => {
        this.hits.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> })
        for (const w of this.waiters.splice(0)) w()
        if (this.hang) return
        const status = this.statuses[Math.min(this.hits.length - 1, this.statuses.length - 1)] ?? 200
        res.writeHead(status, { 'content-type': 'text/plain' })
        res.end('ok')
      })
    })
    this.server = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/dinero`
  }

  /** Resolves once `n` requests have arrived. */
  received(n: number): Promise<void> {
    if (this.hits.length >= n) return Promise.resolve()
    return new Promise((resolve) => {
      const check = () => (this.hits.length >= n ? resolve() : this.waiters.push(check))
      this.waiters.push(check)
    })
  }

  close(): Promise<void> {
    this.server?.closeAllConnections()
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}

describe.each(TARGET_KINDS)('webhooks (%s)', (kind) => {
  let target: Target
  let api: DineroApi
  let listener: Listener

  async function start(options: Parameters<typeof startTarget>[1] = {}): Promise<void> {
    target = await startTarget(kind, { dinero: { rateLimitPerMinute: 0 }, ...options })
    api = dineroApi(target, await tokenFor(target))
  }
  beforeEach(async () => {
    listener = new Listener()
    await listener.start()
  })
  afterEach(async () => {
    target.mock.close()
    await target.close()
    await listener.close()
  })

  const subscribe = (EventId: string, Uri = listener.url) =>
    api.post(`/v1/${ORG}/webhooks/subscribe`, { Uri, EventId })
  const bookInvoice = async () => {
    const created = await api.post(`/v1/${ORG}/invoices`, { ContactGuid: CONTACT, ProductLines: [line] })
    const { Guid, TimeStamp } = created.json<{ Guid: string; TimeStamp: string }>()
    const booked = await api.post(`/v1/${ORG}/invoices/${Guid}/book`, { Timestamp: TimeStamp })
    expect(booked.status, booked.text).toBe(200)
    return Guid
  }
  const journal = () => target.mock.journal.entries({ service: 'webhook' })

  describe('the four operations', () => {
    beforeEach(() => start())

    it('200 on GET /v1/:org/webhooks/events: every event id the mock emits, with a description', async () => {
      const reply = await api.get(`/v1/${ORG}/webhooks/events`)
      expect(reply.status).toBe(200)
      expect(reply.json()).toEqual(
        Object.entries(WEBHOOK_EVENTS).map(([EventId, Description]) => ({ EventId, Description })),
      )
    })

    it('200 on GET /v1/:org/webhooks/subscriptions: the seeded subscription, pointing nowhere', async () => {
      const reply = await api.get(`/v1/${ORG}/webhooks/subscriptions`)
      expect(reply.status).toBe(200)
      expect(reply.json()).toEqual([{ EventId: 'invoice.booked', Uri: SEEDED_WEBHOOK_URI }])
    })

    it('subscribe → listed once however often it is sent; unsubscribe → gone, and 200 again when none is left', async () => {
      for (let i = 0; i < 2; i++) expect((await subscribe('Contact.Created')).status).toBe(200)
      const listed = await api.get(`/v1/${ORG}/webhooks/subscriptions`)
      expect(listed.json()).toContainEqual({ EventId: 'contact.created', Uri: listener.url })
      expect(listed.json<unknown[]>()).toHaveLength(2)
      const gone = await api.delete(`/v1/${ORG}/webhooks/unsubscribe`, { EventId: 'contact.created' })
      expect(gone.status).toBe(200)
      expect((await api.get(`/v1/${ORG}/webhooks/subscriptions`)).json<unknown[]>()).toHaveLength(1)
      const again = await api.delete(`/v1/${ORG}/webhooks/unsubscribe`, { EventId: 'contact.created' })
      expect(again.status).toBe(200)
    })

    it('400 code 42 naming Uri or EventId: missing, not an absolute http(s) URL, an unknown event', async () => {
      const cases: [unknown, string][] = [
        [{ EventId: 'invoice.booked' }, 'Uri'],
        [{ Uri: 'ftp://127.0.0.1/x', EventId: 'invoice.booked' }, 'Uri'],
        [{ Uri: '/relative/hook', EventId: 'invoice.booked' }, 'Uri'],
        [{ Uri: listener.url }, 'EventId'],
        [{ Uri: listener.url, EventId: 'invoice.exploded' }, 'EventId'],
      ]
      for (const [body, property] of cases) {
        const reply = await api.post(`/v1/${ORG}/webhooks/subscribe`, body)
        expect(reply.status, JSON.stringify(body)).toBe(400)
        const error = errorOf(reply.text)
        expect(error.code).toBe(42)
        expect(Object.keys(error.validationErrors ?? {})).toEqual([property])
      }
      const undeclared = await api.post(`/v1/${ORG}/webhooks/subscribe`, { Uri: listener.url, Secret: 'x' })
      expect(errorOf(undeclared.text).code).toBe(42)
      const unknown = await api.delete(`/v1/${ORG}/webhooks/unsubscribe`, { EventId: 'nope' })
      expect(errorOf(unknown.text).code).toBe(42)
    })
  })

  describe('delivery to a loopback listener', () => {
    it('booking an invoice POSTs {EventId, OrganizationId, EntityGuid, OccurredAt, DeliveryId} as JSON to the subscriber', async () => {
      await start()
      await subscribe('invoice.booked')
      const guid = await bookInvoice()
      await listener.received(1)
      const [hit] = listener.hits
      expect(hit?.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(hit?.headers['x-mock-webhook-event']).toBe('invoice.booked')
      expect(hit?.body).toEqual({
        EventId: 'invoice.booked',
        OrganizationId: ORG,
        EntityGuid: guid,
        OccurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        DeliveryId: hit?.headers['x-mock-webhook-delivery'],
      })
      const delivery = (await target.mock.webhooks.flush()).find((d) => d.target === listener.url)
      expect(delivery).toMatchObject({
        state: 'delivered',
        attempts: [{ attempt: 1, status: 200, error: null }],
      })
    })

    it('creating a contact delivers contact.created; events nobody subscribed to are not sent', async () => {
      await start()
      await subscribe('contact.created')
      const created = await api.post(`/v1/${ORG}/contacts`, {
        Name: 'Webhook ApS',
        CountryKey: 'DK',
        IsPerson: false,
        IsMember: false,
        UseCvr: false,
      })
      await bookInvoice()
      await target.mock.webhooks.flush()
      expect(listener.hits.map((h) => h.body.EventId)).toEqual(['contact.created'])
      expect(listener.hits[0]?.body.EntityGuid).toBe(created.json<{ ContactGuid: string }>().ContactGuid)
    })

    it('contact.updated, contact.deleted, invoice.created and invoice.payment-added are delivered for their entity', async () => {
      await start()
      for (const id of ['contact.updated', 'contact.deleted', 'invoice.created', 'invoice.payment-added'])
        await subscribe(id)
      const contact = {
        Name: 'Opdateret ApS',
        CountryKey: 'DK',
        IsPerson: false,
        IsMember: false,
        UseCvr: false,
      }
      expect((await api.put(`/v2/${ORG}/contacts/${CONTACT}`, contact)).status).toBe(200)
      expect((await api.delete(`/v1/${ORG}/contacts/${seededGuid(`${ORG}:contact:2`)}`)).status).toBe(200)
      const invoice = await bookInvoice()
      const read = await api.get(`/v1/${ORG}/invoices/${invoice}`)
      const paid = await api.post(`/v1/${ORG}/invoices/${invoice}/payments`, {
        Timestamp: read.json<{ TimeStamp: string }>().TimeStamp,
        DepositAccountNumber: 55000,
        Amount: 10,
        Description: 'Delbetaling',
        RemainderIsFee: false,
      })
      expect(paid.status, paid.text).toBe(200)
      await target.mock.webhooks.flush()
      // Each delivery travels on its own: compared as a set, not in arrival order.
      expect(listener.hits.map((h) => [h.body.EventId, h.body.EntityGuid]).sort()).toEqual(
        [
          ['contact.updated', CONTACT],
          ['contact.deleted', seededGuid(`${ORG}:contact:2`)],
          ['invoice.created', invoice],
          ['invoice.payment-added', invoice],
        ].sort(),
      )
    })

    it('a failed attempt (500) is retried after the wait; the same DeliveryId comes again, attempt numbered', async () => {
      await start({ webhooks: { retryDelaysMs: [1, 1, 1] } })
      listener.statuses = [500, 503, 200]
      await subscribe('invoice.booked')
      await bookInvoice()
      await listener.received(3)
      const delivery = (await target.mock.webhooks.flush()).find((d) => d.target === listener.url)
      expect(delivery?.state).toBe('delivered')
      expect(delivery?.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
        [1, 500, 'http_status'],
        [2, 503, 'http_status'],
        [3, 200, null],
      ])
      expect(new Set(listener.hits.map((h) => h.body.DeliveryId)).size).toBe(1)
      expect(listener.hits.map((h) => h.headers['x-mock-webhook-attempt'])).toEqual(['1', '2', '3'])
    })

    it('the retry waits its turn: under a one-minute wait only the first attempt has happened; flush runs the rest now', async () => {
      await start({ webhooks: { retryDelaysMs: [60_000] } })
      listener.statuses = [500, 200]
      await subscribe('invoice.booked')
      await bookInvoice()
      await listener.received(1)
      const pending = target.mock.webhooks.list().find((d) => d.target.startsWith('http://127.0.0.1'))
      // The first attempt's outcome is recorded once its status line is read.
      await expect.poll(() => pending?.attempts.length).toBe(1)
      expect(pending?.state).toBe('pending')
      expect(listener.hits).toHaveLength(1)
      await target.mock.webhooks.flush()
      expect(pending?.state).toBe('delivered')
      expect(listener.hits).toHaveLength(2)
    })

    it('gives up after the last wait: N waits → N+1 attempts, state failed, each attempt journalled', async () => {
      await start({ webhooks: { retryDelaysMs: [0, 0] } })
      listener.statuses = [500]
      await subscribe('invoice.booked')
      await bookInvoice()
      const deliveries = await target.mock.webhooks.flush()
      const failed = deliveries.find((d) => d.target === listener.url)
      expect(failed?.state).toBe('failed')
      expect(failed?.attempts).toHaveLength(3)
      expect(listener.hits).toHaveLength(3)
      const entries = journal().filter((e) => e.details.deliveryId === failed?.id)
      expect(entries.map((e) => [e.details.attempt, e.status, e.details.outcome, e.error])).toEqual([
        [1, 500, 'retry', 'http_status'],
        [2, 500, 'retry', 'http_status'],
        [3, 500, 'failed', 'http_status'],
      ])
    })

    it('a refused connection counts as a failed attempt (connection_refused) and is retried', async () => {
      await start({ webhooks: { retryDelaysMs: [0] } })
      const closed = listener.url
      await listener.close()
      await subscribe('invoice.booked', closed)
      await bookInvoice()
      const delivery = (await target.mock.webhooks.flush()).find((d) => d.target === closed)
      expect(delivery?.state).toBe('failed')
      expect(delivery?.attempts.map((a) => a.error)).toEqual(['connection_refused', 'connection_refused'])
    })
  })

  describe('no network but loopback, and no secret in the journal', () => {
    it('a non-loopback Uri is accepted at subscribe, but its delivery is journalled as skipped and nothing is sent', async () => {
      await start()
      expect((await subscribe('invoice.booked', 'https://hooks.example.com/dinero')).status).toBe(200)
      await bookInvoice()
      const deliveries = await target.mock.webhooks.flush()
      expect(deliveries.map((d) => [d.target, d.state, d.attempts.length])).toEqual([
        [SEEDED_WEBHOOK_URI, 'skipped', 0],
        ['https://hooks.example.com/dinero', 'skipped', 0],
      ])
      expect(journal().map((e) => [e.url, e.status, e.error, e.details.outcome])).toEqual([
        [SEEDED_WEBHOOK_URI, 0, 'non_loopback', 'skipped'],
        ['https://hooks.example.com/dinero', 0, 'non_loopback', 'skipped'],
      ])
    })

    it('the journal and the delivery list keep the Uri without its userinfo and query', async () => {
      await start()
      const url = new URL(listener.url)
      url.username = 'hookuser'
      url.password = 'hook-password-value'
      url.search = '?token=query-secret-value&sig=abc123secret'
      await subscribe('invoice.booked', url.href)
      await bookInvoice()
      await listener.received(1)
      const deliveries = await target.mock.webhooks.flush()
      const text = JSON.stringify([journal(), deliveries.map(({ payload: _p, ...d }) => d)])
      for (const secret of ['hookuser', 'hook-password-value', 'query-secret-value', 'abc123secret'])
        expect(text).not.toContain(secret)
      expect(text).toContain(listener.url)
    })
  })

  describe('the control surface: deliveries, flush, and a sink of the mock’s own', () => {
    it('a subscription to /__mock/webhooks/sink receives the booking; flush then GET sink?entityGuid= shows it', async () => {
      await start()
      const control = target.connect
      await subscribe('invoice.booked', `${control}/__mock/webhooks/sink`)
      const guid = await bookInvoice()
      const flushed = await target.call('connect', '/__mock/webhooks/flush', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(flushed.status).toBe(200)
      const sink = await target.call('connect', `/__mock/webhooks/sink?entityGuid=${guid}`)
      expect(sink.json<{ received: { body: unknown }[] }>().received).toEqual([
        expect.objectContaining({
          status: 200,
          attempt: '1',
          body: expect.objectContaining({ EventId: 'invoice.booked', EntityGuid: guid }),
        }),
      ])
      const listed = await target.call('connect', '/__mock/webhooks/deliveries')
      expect(
        listed
          .json<{ deliveries: { entityGuid: string; state: string }[] }>()
          .deliveries.filter((d) => d.entityGuid === guid),
      ).toEqual([
        expect.objectContaining({ state: 'skipped' }),
        expect.objectContaining({ state: 'delivered' }),
      ])
    })

    it('the sink answers the ?status= it is given, so a failing subscriber can be rehearsed', async () => {
      await start({ webhooks: { retryDelaysMs: [0] } })
      await subscribe('invoice.booked', `${target.connect}/__mock/webhooks/sink?status=503`)
      await bookInvoice()
      const deliveries = await target.mock.webhooks.flush()
      expect(deliveries.at(-1)?.attempts.map((a) => a.status)).toEqual([503, 503])
      expect(deliveries.at(-1)?.state).toBe('failed')
    })

    it('POST /__mock/reset forgets the deliveries and what the sink received', async () => {
      await start()
      await subscribe('invoice.booked', `${target.connect}/__mock/webhooks/sink`)
      await bookInvoice()
      await target.mock.webhooks.flush()
      target.mock.control.reset()
      expect(target.mock.webhooks.list()).toEqual([])
      const sink = await target.call('connect', '/__mock/webhooks/sink')
      expect(sink.json()).toEqual({ received: [] })
    })
  })

  describe('cancel and close', () => {
    it('closing the mock cancels a waiting retry: journalled as cancelled, never sent', async () => {
      await start({ webhooks: { retryDelaysMs: [60_000] } })
      listener.statuses = [500]
      await subscribe('invoice.booked')
      await bookInvoice()
      await listener.received(1)
      const delivery = target.mock.webhooks.list().find((d) => d.target === listener.url)
      await expect.poll(() => delivery?.state === 'pending' && delivery.attempts.length === 1).toBe(true)
      target.mock.close()
      expect(delivery?.state).toBe('cancelled')
      expect(journal().at(-1)?.details).toMatchObject({ deliveryId: delivery?.id, outcome: 'cancelled' })
      expect(await target.mock.webhooks.flush()).toContainEqual(
        expect.objectContaining({ state: 'cancelled' }),
      )
      expect(listener.hits).toHaveLength(1)
    })

    it('closing the mock ends an attempt in flight (its socket destroyed) without an unhandled rejection', async () => {
      await start({ webhooks: { retryDelaysMs: [0], timeoutMs: 60_000 } })
      listener.hang = true
      await subscribe('invoice.booked')
      await bookInvoice()
      await listener.received(1)
      target.mock.close()
      const delivery = target.mock.webhooks.list().find((d) => d.target === listener.url)
      await expect.poll(() => delivery?.state).toBe('cancelled')
      expect(delivery?.attempts).toEqual([
        expect.objectContaining({ attempt: 1, status: null, error: 'cancelled' }),
      ])
    })

    it('after close no event is delivered', async () => {
      await start()
      await subscribe('invoice.booked')
      target.mock.close()
      await bookInvoice()
      expect(await target.mock.webhooks.flush()).toEqual([])
      expect(listener.hits).toEqual([])
    })
  })

  it('deviation dinero.webhooks-not-delivered: subscriptions are kept but nothing is sent', async () => {
    await start({ deviations: ['dinero.webhooks-not-delivered'] })
    await subscribe('invoice.booked')
    await bookInvoice()
    expect(await target.mock.webhooks.flush()).toEqual([])
    expect(listener.hits).toEqual([])
  })
})

describe('webhook options', () => {
  it('a retry schedule beyond ten waits, a negative wait or a zero timeout is refused with RangeError', async () => {
    for (const webhooks of [
      { retryDelaysMs: Array.from({ length: 11 }, () => 1) },
      { retryDelaysMs: [-1] },
      { retryDelaysMs: [Number.NaN] },
      { timeoutMs: 0 },
    ])
      await expect(startTarget('in-process', { webhooks })).rejects.toThrow(RangeError)
  })
})
