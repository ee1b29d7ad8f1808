import { type AddressInfo, createServer as createNetServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { CLOCK_RANGE, createClock } from '../../../mocks/clock.ts'
import { RECORDS_MAX } from '../../../mocks/connect/store.ts'
import { PRO_ORGANISATION_ID } from '../../../mocks/dinero/seed.ts'
import { codeFlow, token } from '../../../scripts/targets/oauth.ts'
import type { Reply, Target } from '../../../scripts/targets/targets.ts'
import { controlPost } from '../../support/control.ts'
import { dineroApi, tokenFor } from '../../support/dinero-session.ts'
import { targetPerTest } from '../../support/target-per-test.ts'

/**
 * Found by an adversarial pass over the control surface: `POST /__mock/clock` with
 * `advanceSeconds: 8.7e12` answered 500 and left the clock past any Date, so every later
 * `GET /__mock/clock` answered 500 and Dinero wrote years like `+271381`; `POST /__mock/settings`
 * stored refresh policies it never checked (`absoluteLifetimeSeconds: "30 days"` made refresh
 * tokens live forever, with `exp: null` at introspection), and a misspelt setting answered
 * `{"ok":true}`; every bad authorize request kept an error record for 10 minutes with no bound
 * (RSS 99 → 380 MB in 250k requests). Each is now refused with 400 `invalid_control_request`
 * and changes nothing, or bounded.
 */
const start = targetPerTest('in-process')

const control = controlPost

const refused = (reply: Reply) => {
  expect(reply.status).toBe(400)
  expect(reply.json()).toMatchObject({ error: 'invalid_control_request' })
}

describe('control surface: input out of bounds is refused and changes nothing', () => {
  it.each([8.7e12, 1e300, -1e11, -1e300])(
    'POST /__mock/clock advanceSeconds %d → 400 invalid_control_request; the clock stays, and a code still lives its 300 s',
    async (seconds) => {
      const t = await start({ clock: { frozen: true } })
      const before = (await t.call('connect', '/__mock/clock')).json<{ now: string }>().now
      refused(await control(t, '/__mock/clock', { advanceSeconds: seconds }))
      const after = await t.call('connect', '/__mock/clock')
      expect(after.status).toBe(200)
      expect(after.json<{ now: string }>().now).toBe(before)
      expect((await codeFlow(t)).access_token).toEqual(expect.any(String))
    },
  )

  it('POST /__mock/clock to the last day of 9999 → 200 with a four-digit year; one more year → 400', async () => {
    const t = await start({ clock: { start: Date.UTC(2030, 0, 1) } })
    const seconds = (Date.UTC(9999, 11, 31) - Date.UTC(2030, 0, 1)) / 1000
    const moved = await control(t, '/__mock/clock', { advanceSeconds: seconds })
    expect(moved.status).toBe(200)
    expect(moved.json()).toEqual({ now: '9999-12-31T00:00:00.000Z' })
    refused(await control(t, '/__mock/clock', { advanceSeconds: 366 * 86_400 }))
  })

  it('a clock following real time, advanced to the last millisecond of 9999, stays there as time passes; a start outside the range is refused', async () => {
    let real = Date.UTC(2030, 0, 1)
    const clock = createClock({ realNow: () => real })
    clock.advance(CLOCK_RANGE.max - real)
    real += 5_000
    expect(new Date(clock.now()).toISOString()).toBe('9999-12-31T23:59:59.999Z')
    expect(() => createClock({ start: -5_000 })).toThrow(RangeError)
  })

  it.each([
    [{ refresh: { absoluteLifetimeSeconds: '30 days' } }, 'absoluteLifetimeSeconds'],
    [{ refresh: { slidingLifetimeSeconds: 0 } }, 'slidingLifetimeSeconds'],
    [{ refresh: { absoluteLifetimeSeconds: 1.5 } }, 'absoluteLifetimeSeconds'],
    [{ refresh: { usage: 'bogus' } }, 'usage'],
    [{ refresh: { replay: 7 } }, 'replay'],
    [{ refresh: { expiration: 'x' } }, 'expiration'],
    [{ refresh: { gracePeriod: 5 } }, 'gracePeriod'],
    [{ refresh: [] }, 'refresh settings'],
    [{ refersh: { usage: 'reuse' } }, 'refersh'],
    [{ dinero: { rateLimitPerMinute: -1 } }, 'rateLimitPerMinute'],
    [{ dinero: { retryAfter: 'yes' } }, 'retryAfter'],
    [{ dinero: { rateLimit: 5 } }, 'rateLimit'],
    [{ clientId: 'no_such_client', refresh: { usage: 'reuse' } }, 'no_such_client'],
    [{ clientId: 7, refresh: { usage: 'reuse' } }, 'clientId'],
  ])('POST /__mock/settings %j → 400 invalid_control_request naming %s', async (settings, named) => {
    const t = await start()
    const reply = await control(t, '/__mock/settings', settings)
    refused(reply)
    expect(JSON.stringify(reply.json())).toContain(named)
  })

  it('a refused settings patch changes nothing: usage "reuse" beside a bad lifetime → 400, and refresh tokens still rotate one-time (a replay → invalid_grant)', async () => {
    const t = await start()
    refused(
      await control(t, '/__mock/settings', { refresh: { usage: 'reuse', absoluteLifetimeSeconds: 'x' } }),
    )
    const grant = await codeFlow(t)
    const refresh = (handle: string) =>
      token(t, { grant_type: 'refresh_token', refresh_token: handle }, { kind: 'post' })
    expect((await refresh(grant.refresh_token!)).status).toBe(200)
    const replay = await refresh(grant.refresh_token!)
    expect(replay.status).toBe(400)
    expect(replay.json()).toEqual({ error: 'invalid_grant' })
  })

  it.each([
    [{ event: 'lose-pro', organizationId: [118244] }, 'organizationId'],
    [{ event: 'lose-pro', organizationId: '0x1CDE4' }, 'organizationId'],
    [{ event: 'lose-pro', organizationId: -1 }, 'organizationId'],
    [
      { event: 'remove-organisation-access', organizationId: 118244, subject: 'nobody' },
      'unknown user "nobody"',
    ],
    [{ event: 'revoke-consent', clientId: 'isv_conformance_test', subject: 7 }, 'subject'],
  ])('POST /__mock/lifecycle %j → 400 invalid_control_request naming %s', async (event, named) => {
    const t = await start()
    const reply = await control(t, '/__mock/lifecycle', event)
    refused(reply)
    expect(JSON.stringify(reply.json())).toContain(named.replace(/"/g, '\\"'))
  })

  it('POST /__mock/lifecycle with organizationId as decimal digits in a string still answers 200', async () => {
    const t = await start()
    expect(
      (await control(t, '/__mock/lifecycle', { event: 'lose-pro', organizationId: '118244' })).status,
    ).toBe(200)
  })

  it('valid settings still answer 200 {"ok":true}', async () => {
    const t = await start()
    const reply = await control(t, '/__mock/settings', {
      refresh: {
        usage: 'reuse',
        graceSeconds: 30,
        replay: 'reject',
        expiration: 'sliding',
        absoluteLifetimeSeconds: 0,
        slidingLifetimeSeconds: 600,
      },
      dinero: { rateLimitPerMinute: 5, retryAfter: true },
    })
    expect(reply.status).toBe(200)
    expect(reply.json()).toEqual({ ok: true })
  })
})

describe('error and logout records are bounded', () => {
  it(`past ${RECORDS_MAX} error records the oldest goes first: the count stays at ${RECORDS_MAX}, the newest is still shown`, async () => {
    const t = await start()
    const store = t.mock.store.connect
    const error = { error: 'invalid_request', errorDescription: 'x', requestId: 'r' }
    const ids = Array.from({ length: RECORDS_MAX + 50 }, () => store.recordError(error, t.mock.clock.now()))
    expect(store.counts().errors).toBe(RECORDS_MAX)
    expect(store.getError(ids[0]!)).toBeUndefined()
    expect(store.getError(ids.at(-1)!)).toBeDefined()
  })
})

/** A subscriber at `uri` for contact.created, and a contact created for it to hear of. */
async function contactCreatedTo(t: Target, uri: string, name: string): Promise<void> {
  const api = dineroApi(t, await tokenFor(t))
  const subscribed = await api.post(`/v1/${PRO_ORGANISATION_ID}/webhooks/subscribe`, {
    Uri: uri,
    EventId: 'contact.created',
  })
  expect(subscribed.status, subscribed.text).toBe(200)
  const created = await api.post(`/v1/${PRO_ORGANISATION_ID}/contacts`, {
    Name: name,
    CountryKey: 'DK',
    IsPerson: false,
    IsMember: false,
    UseCvr: false,
  })
  expect(created.status, created.text).toBe(200)
}

describe('webhooks: the sink and a delivery are bounded', () => {
  it('POST /__mock/webhooks/sink → 400 for a body over 64 KiB or nested over 64 deep (a bound of its own, not where the stack ends); GET /__mock/webhooks/sink still 200 with the bodies it kept', async () => {
    const t = await start()
    const post = (text: string) =>
      t.call('connect', '/__mock/webhooks/sink', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      })
    expect((await post(JSON.stringify({ EventId: 'contact.created' }))).status).toBe(200)
    refused(await post(JSON.stringify({ big: 'x'.repeat(64 * 1024) })))
    refused(await post(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`))
    // The bound is exact: 64 levels of objects and arrays are kept, 65 are not, in any mix.
    const nested = (depth: number) => `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`
    expect((await post(nested(64))).status).toBe(200)
    refused(await post(nested(66)))
    refused(await post(`{"b":${nested(64)}}`))
    const listed = await t.call('connect', '/__mock/webhooks/sink')
    expect(listed.status).toBe(200)
    expect(listed.json<{ received: { body: unknown }[] }>().received.map((r) => r.body)).toEqual([
      { EventId: 'contact.created' },
      JSON.parse(nested(64)),
    ])
  })

  it('a subscriber that answers its status line and then holds the connection: the mock closes its side once the attempt is judged', async () => {
    let closed!: () => void
    const sawClose = new Promise<void>((resolve) => {
      closed = resolve
    })
    // It keeps writing after its status line: only a write finds out that the mock has let go.
    const holder = createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', () => {})
      let drip: NodeJS.Timeout | undefined
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\n')
        drip = setInterval(() => socket.write('x-held: yes\r\n'), 50)
      })
      socket.on('close', () => {
        clearInterval(drip)
        closed()
      })
    })
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    try {
      const t = await start({
        webhooks: { retryDelaysMs: [], timeoutMs: 60_000 },
        dinero: { rateLimitPerMinute: 0 },
      })
      const uri = `http://127.0.0.1:${(holder.address() as AddressInfo).port}/hooks`
      await contactCreatedTo(t, uri, 'Holder ApS')
      const flushed = await control(t, '/__mock/webhooks/flush', {})
      const delivery = flushed
        .json<{ deliveries: { target: string; state: string }[] }>()
        .deliveries.find((d) => d.target === uri)
      expect(delivery?.state).toBe('delivered')
      // Before the fix the connection stayed open until the subscriber closed it.
      await sawClose
    } finally {
      holder.close()
    }
  })

  it('a subscriber that trickles bytes and never a status line: the attempt ends at its timeout (error timeout), and POST /__mock/webhooks/flush answers 200', async () => {
    // Half-open allowed: the mock ends its side once its request is written, as it always does.
    const trickler = createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', () => {})
      socket.on('error', () => {})
      const drip = setInterval(() => socket.write('H'), 100)
      socket.on('close', () => clearInterval(drip))
    })
    await new Promise<void>((resolve) => trickler.listen(0, '127.0.0.1', resolve))
    try {
      const t = await start({
        webhooks: { retryDelaysMs: [], timeoutMs: 500 },
        dinero: { rateLimitPerMinute: 0 },
      })
      const uri = `http://127.0.0.1:${(trickler.address() as AddressInfo).port}/hooks`
      await contactCreatedTo(t, uri, 'Trickle ApS')
      const flushed = await control(t, '/__mock/webhooks/flush', {})
      expect(flushed.status).toBe(200)
      const delivery = flushed
        .json<{ deliveries: { target: string; state: string; attempts: { error?: string }[] }[] }>()
        .deliveries.find((d) => d.target === uri)
      expect(delivery?.state).toBe('failed')
      expect(delivery?.attempts.map((a) => a.error)).toEqual(['timeout'])
    } finally {
      trickler.close()
    }
  })
})
