import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { dineroApi, tokenFor } from '../support/dinero-session.ts'

/**
 * What a webhook delivery carries to a loopback subscriber, and what the mock keeps of a Uri with
 * credentials (open-dinero-webhooks; the payload is the mock's design): no Authorization made from
 * the Uri's userinfo, none of the API client's bearer token, and neither the password nor the
 * query in the journal or the deliveries list.
 */
const ORG = PRO_ORGANISATION_ID
const PASSWORD = 'hook-pass-7Qz'
const QUERY_SECRET = 'query-secret-9Wx'

describe.each(TARGET_KINDS)('webhook delivery and secrets (%s)', (kind) => {
  let target: Target
  let server: Server
  afterEach(async () => {
    target.mock.close()
    await target.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('a Uri with user:pass@ and ?token=: the listener gets no Authorization and no token; journal and deliveries keep neither', async () => {
    const hits: { url: string; headers: IncomingHttpHeaders; body: string }[] = []
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => {
        body += c.toString()
      })
      req.on('end', () => {
        hits.push({ url: req.url ?? '', headers: req.headers, body })
        res.end('ok')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    target = await startTarget(kind, { dinero: { rateLimitPerMinute: 0 }, webhooks: { retryDelaysMs: [] } })
    const token = await tokenFor(target)
    const api = dineroApi(target, token)
    const Uri = `http://hook:${PASSWORD}@127.0.0.1:${port}/in?token=${QUERY_SECRET}`
    expect(
      (await api.post(`/v1/${ORG}/webhooks/subscribe`, { Uri, EventId: 'contact.created' })).status,
    ).toBe(200)
    const created = await api.post(`/v1/${ORG}/contacts`, {
      Name: 'Secret ApS',
      CountryKey: 'DK',
      IsPerson: false,
      IsMember: false,
      UseCvr: false,
    })
    expect(created.status).toBe(200)
    const deliveries = await target.mock.webhooks.flush()

    expect(hits).toHaveLength(1)
    const [hit] = hits
    expect(hit?.headers.authorization).toBeUndefined()
    expect(JSON.stringify(hit)).not.toContain(PASSWORD)
    expect(JSON.stringify(hit)).not.toContain(token)
    expect(Object.keys(JSON.parse(hit?.body ?? '{}')).sort()).toEqual([
      'DeliveryId',
      'EntityGuid',
      'EventId',
      'OccurredAt',
      'OrganizationId',
    ])
    const kept = JSON.stringify([deliveries, target.mock.journal.entries({ service: 'webhook' })])
    expect(kept).not.toContain(PASSWORD)
    expect(kept).not.toContain(QUERY_SECRET)
    expect(kept).toContain(`http://127.0.0.1:${port}/in`)
  })
})
