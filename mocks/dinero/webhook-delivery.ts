import { randomUUID } from 'node:crypto'
import { isIP, connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { Clock } from '../clock.ts'
import { isLoopbackHost } from '../http/control-guard.ts'
import type { Journal } from '../journal.ts'

/**
 * Webhook delivery: the mock POSTs an event's payload to a subscriber's Uri.
 * assumption: open-dinero-webhooks — Dinero publishes the subscribe operations but no payload,
 * headers, retry policy or timeout; everything below is the mock's own design:
 * - the payload is JSON `{EventId, OrganizationId, EntityGuid, OccurredAt, DeliveryId}`, the same
 *   on every attempt (DeliveryId lets a receiver drop a repeat); headers `x-mock-webhook-event`,
 *   `x-mock-webhook-delivery`, `x-mock-webhook-attempt`;
 * - a 2xx answer delivers; anything else (another status, a refused or broken connection, no
 *   status line within `timeoutMs`) fails the attempt, and the next one follows after the
 *   option's wait (default 1 s, 5 s, 25 s): after the last wait's attempt fails, it gives up;
 * - no network but loopback: a Uri on a loopback host goes out over a raw `net`/`tls` socket,
 *   which msw's interceptors (they patch `http.request` and `fetch`) do not see, so it reaches a
 *   real listener in-process and served alike; a Uri at an origin the mock itself answers for
 *   (in-process `https://connect.visma.com/__mock/…`) is answered by the mock without the
 *   network; any other Uri is journalled as skipped and nothing is sent;
 * - at most 1,000 deliveries are pending at once; an event past that is journalled as skipped
 *   (`too_many_pending`) and not sent;
 * - every attempt (and every skip) is one journal entry of service `webhook`: the target without
 *   userinfo, query or fragment (a subscriber's secret may sit there), the status, the outcome;
 * - `flush` runs every waiting retry at once and settles; `reset` and `close` cancel what waits
 *   or is in flight (timers cleared, sockets destroyed); timers and sockets are unref'd, so a
 *   forgotten mock never holds a process open.
 */
export interface WebhookPayload {
  EventId: string
  OrganizationId: number
  EntityGuid: string
  /** When the event happened, on the mock clock (ISO 8601, UTC). */
  OccurredAt: string
  DeliveryId: string
}

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'skipped' | 'cancelled'

export interface DeliveryAttempt {
  attempt: number
  /** Mock-clock ms when the attempt ended. */
  at: number
  /** The subscriber's status, or null when none came. */
  status: number | null
  /** Why the attempt failed (`http_status`, `connection_refused`, `timeout`, …), null when delivered. */
  error: string | null
}

export interface DeliveryRecord {
  id: string
  eventId: string
  organizationId: number
  entityGuid: string
  /** The subscriber's Uri without userinfo, query or fragment. */
  target: string
  state: DeliveryState
  attempts: DeliveryAttempt[]
  payload: WebhookPayload
}

export interface WebhookDeliveryOptions {
  clock: Clock
  journal: Journal
  /** The wait before each retry; attempts in all = waits + 1. */
  retryDelaysMs: readonly number[]
  /** How long one attempt may take to bring a status line. */
  timeoutMs: number
  /** Whether the mock itself answers at this URL's origin (its in-process origins). */
  ownsOrigin?: (url: URL) => boolean
  /** Answers a request to one of those origins, without the network. */
  self?: (request: Request) => Promise<Response | undefined>
}

export interface WebhookDelivery {
  /** Starts delivering `event` to `uri`; the first attempt starts at once. */
  send(event: Omit<WebhookPayload, 'DeliveryId'>, uri: string): DeliveryRecord
  /** The deliveries remembered (the last 1,000), oldest first. */
  list(): DeliveryRecord[]
  /** Runs every waiting retry now and resolves once nothing is pending. */
  flush(): Promise<DeliveryRecord[]>
  /** Cancels what is pending and forgets every delivery. */
  reset(): void
  /** Cancels what is pending; later events are not delivered. */
  close(): void
}

/**
 * The header every attempt carries with its delivery id: the control surface (control.ts) refuses
 * a request that has it anywhere but its sink, so a subscriber Uri on `/__mock/*` cannot reset or
 * reconfigure the mock.
 */
export const DELIVERY_HEADER = 'x-mock-webhook-delivery'

const KEEP = 1_000
/** A status line longer than this is not HTTP. */
const MAX_HEAD = 8_192

type Outcome = { status: number } | { error: string }

interface Job {
  record: DeliveryRecord
  url: URL
  body: string
  timer: NodeJS.Timeout | undefined
  inflight: Promise<void> | undefined
  cancelled: boolean
}

const targetOf = (url: URL) => `${url.protocol}//${url.host}${url.pathname}`

const errorName = (e: NodeJS.ErrnoException) =>
  e.code === 'ECONNREFUSED'
    ? 'connection_refused'
    : e.code === 'ENOTFOUND'
      ? 'host_not_found'
      : 'connection_error'

/** One POST over a socket of our own: msw's interceptors patch `http.request` and `fetch`, not `net`. */
function postOverSocket(
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  sockets: Set<Socket>,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false
    // One deadline for the whole attempt, from connect to the status line: a socket's idle
    // timeout restarts with every byte, so a subscriber trickling a byte every 2 s held the
    // attempt (and `flush`) open for ever.
    const deadline = setTimeout(() => done({ error: 'timeout' }), timeoutMs)
    deadline.unref()
    const done = (outcome: Outcome) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      // The status line is all an attempt reads: a subscriber that holds the connection open
      // after it no longer holds a socket of the mock's.
      socket.destroy()
      resolve(outcome)
    }
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const tls = url.protocol === 'https:'
    const port = Number(url.port) || (tls ? 443 : 80)
    const socket: Socket = tls
      ? tlsConnect({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}) })
      : netConnect({ host, port })
    sockets.add(socket)
    // Like the retry timers: an attempt under way does not keep the process alive on its own.
    socket.unref()
    const lines = [
      `POST ${url.pathname}${url.search} HTTP/1.1`,
      `host: ${url.host}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ]
    socket.once(tls ? 'secureConnect' : 'connect', () => socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`))
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      if (settled) return
      head += chunk.toString('latin1')
      const line = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(head)
      if (line !== null) done({ status: Number(line[1]) })
      else if (head.includes('\r\n') || head.length > MAX_HEAD) {
        done({ error: 'bad_response' })
        socket.destroy()
      }
    })
    socket.on('error', (e: NodeJS.ErrnoException) => done({ error: errorName(e) }))
    socket.on('close', () => {
      sockets.delete(socket)
      done({ error: 'connection_closed' })
    })
  })
}

export function createWebhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  const { clock, journal } = options
  let records: DeliveryRecord[] = []
  const jobs = new Map<string, Job>()
  const sockets = new Set<Socket>()
  let closed = false

  const remember = (record: DeliveryRecord) => {
    records.push(record)
    if (records.length > KEEP) records = records.slice(-KEEP)
  }

  const note = (
    record: DeliveryRecord,
    attempt: DeliveryAttempt | undefined,
    outcome: string,
    skipped = 'non_loopback',
  ) =>
    journal.record({
      at: clock.now(),
      service: 'webhook',
      method: 'POST',
      url: record.target,
      contentType: 'application/json; charset=utf-8',
      status: attempt?.status ?? 0,
      ...(attempt?.error ? { error: attempt.error } : outcome === 'skipped' ? { error: skipped } : {}),
      details: {
        deliveryId: record.id,
        eventId: record.eventId,
        organizationId: record.organizationId,
        attempt: attempt?.attempt ?? 0,
        outcome,
      },
    })

  const attemptOnce = async (job: Job, n: number): Promise<Outcome> => {
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'dinero-conformance-mock (webhooks)',
      'x-mock-webhook-event': job.record.eventId,
      [DELIVERY_HEADER]: job.record.id,
      'x-mock-webhook-attempt': String(n),
    }
    if (isLoopbackHost(job.url.hostname))
      return postOverSocket(job.url, job.body, headers, options.timeoutMs, sockets)
    try {
      const request = new Request(job.url, { method: 'POST', headers, body: job.body })
      const response = await options.self?.(request)
      if (response === undefined) return { error: 'no_route' }
      await response.body?.cancel()
      return { status: response.status }
    } catch {
      return { error: 'connection_error' }
    }
  }

  const run = (job: Job): Promise<void> => {
    job.timer = undefined
    const n = job.record.attempts.length + 1
    const inflight = (async () => {
      const outcome = await attemptOnce(job, n)
      job.inflight = undefined
      const delivered = 'status' in outcome && outcome.status >= 200 && outcome.status < 300
      const attempt: DeliveryAttempt = {
        attempt: n,
        at: clock.now(),
        status: 'status' in outcome ? outcome.status : null,
        error: job.cancelled
          ? 'cancelled'
          : delivered
            ? null
            : 'error' in outcome
              ? outcome.error
              : 'http_status',
      }
      job.record.attempts.push(attempt)
      const wait = options.retryDelaysMs[n - 1]
      job.record.state = job.cancelled
        ? 'cancelled'
        : delivered
          ? 'delivered'
          : wait === undefined
            ? 'failed'
            : 'pending'
      note(job.record, attempt, job.record.state === 'pending' ? 'retry' : job.record.state)
      if (job.record.state === 'pending' && wait !== undefined) {
        job.timer = setTimeout(() => void run(job), wait)
        job.timer.unref()
      } else jobs.delete(job.record.id)
    })()
    job.inflight = inflight
    return inflight
  }

  const cancelAll = () => {
    for (const job of jobs.values()) {
      job.cancelled = true
      if (job.timer !== undefined) {
        clearTimeout(job.timer)
        job.timer = undefined
        job.record.state = 'cancelled'
        note(job.record, undefined, 'cancelled')
      }
    }
    // What is in flight ends with its socket and records itself as cancelled.
    for (const socket of sockets) socket.destroy()
    jobs.clear()
  }

  return {
    send(event, uri) {
      const url = new URL(uri)
      const payload: WebhookPayload = { ...event, DeliveryId: randomUUID() }
      const record: DeliveryRecord = {
        id: payload.DeliveryId,
        eventId: event.EventId,
        organizationId: event.OrganizationId,
        entityGuid: event.EntityGuid,
        target: targetOf(url),
        state: closed ? 'cancelled' : 'pending',
        attempts: [],
        payload,
      }
      if (closed) return record
      remember(record)
      const local = isLoopbackHost(url.hostname) || options.ownsOrigin?.(url) === true
      if (!local || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        record.state = 'skipped'
        note(record, undefined, 'skipped')
        return record
      }
      // Each pending delivery holds a record, a timer and perhaps a socket: an API client with
      // 100 subscriptions to a listener that never answers would otherwise grow them per event.
      if (jobs.size >= KEEP) {
        record.state = 'skipped'
        note(record, undefined, 'skipped', 'too_many_pending')
        return record
      }
      const job: Job = {
        record,
        url,
        body: JSON.stringify(payload),
        cancelled: false,
        timer: undefined,
        inflight: undefined,
      }
      jobs.set(record.id, job)
      void run(job)
      return record
    },
    list: () => [...records],
    async flush() {
      for (;;) {
        const waiting = [...jobs.values()]
        if (waiting.length === 0) return [...records]
        await Promise.all(
          waiting.map((job) => {
            if (job.inflight !== undefined) return job.inflight
            if (job.timer !== undefined) {
              clearTimeout(job.timer)
              return run(job)
            }
            jobs.delete(job.record.id)
            return undefined
          }),
        )
      }
    },
    reset() {
      cancelAll()
      records = []
    },
    close() {
      closed = true
      cancelAll()
    },
  }
}
