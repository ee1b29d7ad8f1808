import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTarget, type Target } from '../../../scripts/targets/targets.ts'
import { tokenFor } from '../../support/dinero-session.ts'

/**
 * Found by fuzzing (issue 7): a malformed percent-escape in a path parameter made msw's
 * `decodeURIComponent` throw inside `getResponse`, and the served mock answered
 * 500 `{"error":"server_error"}` — a 5xx, in Connect's shape, on a Dinero path. The route index
 * now keeps such a segment undecoded, so the route answers it like any unknown id. The adapter's
 * own refusals on Dinero paths (405, 413, 431) are in Dinero's `{code, message}` shape too.
 */
describe('served mock: malformed escapes and adapter refusals on Dinero paths', () => {
  let target: Target
  let auth: Record<string, string>
  beforeAll(async () => {
    target = await startTarget('served')
    auth = { authorization: `Bearer ${await tokenFor(target)}` }
  })
  afterAll(() => target.close())

  it('404 code 40 for GET /v1/118244/contacts/%E0%A4 (was 500 server_error)', async () => {
    const reply = await target.call('api', '/v1/118244/contacts/%E0%A4', { headers: auth })
    expect(reply.status).toBe(404)
    expect(reply.json()).toMatchObject({ code: 40 })
  })

  it('404 code 40 for GET /v1/%ff/contacts (was 500 server_error)', async () => {
    const reply = await target.call('api', '/v1/%ff/contacts', { headers: auth })
    expect(reply.status).toBe(404)
    expect(reply.json()).toMatchObject({ code: 40 })
  })

  it('405 in Dinero shape for DELETE /v1/organizations, with Allow: GET (RFC 9110 §15.5.6; it had none)', async () => {
    const reply = await target.call('api', '/v1/organizations', { method: 'DELETE', headers: auth })
    expect(reply.status).toBe(405)
    expect(reply.json()).toMatchObject({ code: 45, message: expect.any(String) })
    expect(reply.headers.get('allow')).toBe('GET')
    const contact = await target.call('api', '/v1/118244/contacts/x', { method: 'PATCH', headers: auth })
    expect([contact.status, contact.headers.get('allow')]).toEqual([405, 'DELETE, GET, PUT'])
  })

  it('405 method_not_allowed with Allow: GET for POST to the discovery document', async () => {
    const reply = await target.call('connect', '/.well-known/openid-configuration', { method: 'POST' })
    expect([reply.status, reply.headers.get('allow')]).toEqual([405, 'GET'])
    expect(reply.json()).toEqual({ error: 'method_not_allowed' })
  })

  it('413 in Dinero shape for a body over 1 MiB to POST /v1/118244/contacts', async () => {
    const reply = await target.call('api', '/v1/118244/contacts', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'x'.repeat(1024 * 1024 + 10) }),
    })
    expect(reply.status).toBe(413)
    expect(reply.json()).toMatchObject({ code: 45, message: expect.any(String) })
  })

  it('431 in JSON for a request line over the size limit, and the server keeps answering', async () => {
    const dinero = await target.call('api', `/v1/organizations?x=${'a'.repeat(20_000)}`, { headers: auth })
    expect(dinero.status).toBe(431)
    expect(dinero.json()).toMatchObject({ code: 45 })
    const connect = await target.call('connect', `/connect/authorize?state=${'a'.repeat(20_000)}`)
    expect(connect.status).toBe(431)
    expect(connect.json()).toMatchObject({ error: 'invalid_request' })
    expect((await target.call('connect', '/.well-known/openid-configuration')).status).toBe(200)
  })
})
