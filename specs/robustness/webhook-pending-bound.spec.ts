import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { dineroApi, tokenFor } from '../support/dinero-session.ts'

/**
 * Regression: pending webhook deliveries had no bound. An API client with 100 subscriptions to a
 * loopback port that refuses (or never answers) made 100 pending deliveries per event, each with
 * its record and retry timer, for as long as it kept creating contacts. At most 1,000 are pending
 * now; a delivery past that is journalled as skipped (`too_many_pending`) and not sent.
 */
const ORG = PRO_ORGANISATION_ID
const SUBSCRIPTIONS = 99 // the seeded organisation holds one already; 100 is the limit
const contact = { Name: 'Pending ApS', CountryKey: 'DK', IsPerson: false, IsMember: false, UseCvr: false }

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe.each(TARGET_KINDS)('webhook deliveries pending at once (%s)', (kind) => {
  let target: Target
  afterEach(async () => {
    target.mock.close()
    await target.close()
  })

  it('1,100 deliveries to a refusing port: 1,000 pending, the rest skipped as too_many_pending until retries run out', async () => {
    target = await startTarget(kind, {
      dinero: { rateLimitPerMinute: 0 },
      webhooks: { retryDelaysMs: [60_000] },
    })
    const api = dineroApi(target, await tokenFor(target))
    const port = await closedPort()
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const Uri = `http://127.0.0.1:${port}/hook/${i}`
      expect(
        (await api.post(`/v1/${ORG}/webhooks/subscribe`, { Uri, EventId: 'contact.created' })).status,
      ).toBe(200)
    }
    const events = Math.ceil(1_100 / SUBSCRIPTIONS)
    for (let i = 0; i < events; i++) expect((await api.post(`/v1/${ORG}/contacts`, contact)).status).toBe(200)

    const skipped = target.mock.journal
      .entries({ service: 'webhook' })
      .filter((e) => e.error === 'too_many_pending')
    expect(skipped).toHaveLength(events * SUBSCRIPTIONS - 1_000)
    // Once the retries have run out, pending ones are gone and an event is delivered in full again.
    await target.mock.webhooks.flush()
    expect((await api.post(`/v1/${ORG}/contacts`, contact)).status).toBe(200)
    const after = target.mock.journal
      .entries({ service: 'webhook' })
      .filter((e) => e.error === 'too_many_pending')
    expect(after).toHaveLength(skipped.length)
    expect(target.mock.webhooks.list().filter((d) => d.state === 'pending')).toHaveLength(SUBSCRIPTIONS)
  })
})
