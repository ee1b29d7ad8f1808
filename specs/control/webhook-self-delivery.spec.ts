import { afterEach, describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroApi, tokenFor } from '../support/dinero-session.ts'

/**
 * Regression: any Dinero API client may subscribe any Uri (open-dinero-webhooks), and the mock's
 * own delivery carries a loopback Host and no Origin, so a subscription to the mock's control
 * surface made the mock reset itself with its own POST. A delivery now reaches only the sink;
 * every other control route answers it 403 `webhook_delivery`, whatever the spelling of the path.
 */
const ORG = PRO_ORGANISATION_ID
const contact = {
  Name: 'Self-delivery ApS',
  CountryKey: 'DK',
  IsPerson: false,
  IsMember: false,
  UseCvr: false,
}

describe.each(TARGET_KINDS)('webhook delivery to the mock’s own control surface (%s)', (kind) => {
  let target: Target
  let api: DineroApi
  afterEach(async () => {
    target.mock.close()
    await target.close()
  })

  it('a subscriber Uri on /__mock/reset (in any spelling) is answered 403 and the mock keeps its state', async () => {
    target = await startTarget(kind, { dinero: { rateLimitPerMinute: 0 }, webhooks: { retryDelaysMs: [] } })
    api = dineroApi(target, await tokenFor(target))
    const origins = [target.connect]
    if (kind === 'served') origins.push(target.connect.replace('127.0.0.1', 'localhost'))
    const paths = [
      '/__mock/reset',
      '/%5F%5Fmock/reset',
      '/x/../__MOCK/reset?again=1',
      '/__mock//deviations',
      '/__mock/settings',
      '/__mock/webhooks/flush',
    ]
    const uris = [...new Set(origins.flatMap((o) => paths.map((p) => `${o}${p}`)))]
    for (const Uri of uris) {
      const subscribed = await api.post(`/v1/${ORG}/webhooks/subscribe`, { Uri, EventId: 'contact.created' })
      expect(subscribed.status, Uri).toBe(200)
    }
    const created = await api.post(`/v1/${ORG}/contacts`, contact)
    expect(created.status, created.text).toBe(200)
    const guid = created.json<{ ContactGuid: string }>().ContactGuid

    const deliveries = (await target.mock.webhooks.flush()).filter((d) => d.entityGuid === guid)
    expect(deliveries).toHaveLength(uris.length)
    for (const d of deliveries)
      expect(d, d.target).toMatchObject({
        state: 'failed',
        attempts: [{ status: 403, error: 'http_status' }],
      })

    // A reset would have reseeded the contacts and dropped the subscriptions.
    expect((await api.get(`/v1/${ORG}/contacts/${guid}`)).status).toBe(200)
    const listed = await api.get(`/v1/${ORG}/webhooks/subscriptions`)
    expect(listed.json<unknown[]>().length).toBeGreaterThanOrEqual(uris.length)
  })

  it('the sink still takes a delivery: 200, and it lists what arrived', async () => {
    target = await startTarget(kind, { dinero: { rateLimitPerMinute: 0 }, webhooks: { retryDelaysMs: [] } })
    api = dineroApi(target, await tokenFor(target))
    const Uri = `${target.connect}/__mock/webhooks/sink`
    expect(
      (await api.post(`/v1/${ORG}/webhooks/subscribe`, { Uri, EventId: 'contact.created' })).status,
    ).toBe(200)
    const guid = (await api.post(`/v1/${ORG}/contacts`, contact)).json<{ ContactGuid: string }>().ContactGuid
    const [delivery] = (await target.mock.webhooks.flush()).filter((d) => d.entityGuid === guid)
    expect(delivery).toMatchObject({ state: 'delivered', attempts: [{ status: 200 }] })
    const sink = await target.call('connect', `/__mock/webhooks/sink?entityGuid=${guid}`)
    expect(sink.json<{ received: unknown[] }>().received).toHaveLength(1)
  })

  it('403 webhook_delivery when a request to a control route carries x-mock-webhook-delivery', async () => {
    target = await startTarget(kind)
    const refused = await target.call('connect', '/__mock/reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mock-webhook-delivery': 'd' },
      body: '{}',
    })
    expect(refused.status).toBe(403)
    expect(refused.json()).toMatchObject({ error: 'forbidden', reason: 'webhook_delivery' })
  })
})
