import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { obtainCode, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * RFC 6749 §3.2: request parameters MUST NOT be included more than once. The token endpoint
 * refuses each protocol parameter sent twice with 400 invalid_request naming it, before the
 * client is authenticated or a code is looked up (so the code is not burned), and leaves other
 * repeated parameters to the grant, which ignores them (assumption open-visma-endpoint-details in
 * mocks/connect/form.ts). A mutation run left every name of that list unpinned.
 */
const PROTOCOL = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'client_id',
  'client_secret',
  'scope',
]
const CLIENT = { client_id: 'isv_conformance_test', client_secret: 'conformance-secret' }

describe.each(TARGET_KINDS)('token endpoint: a parameter sent twice (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  const post = (pairs: [string, string][]) =>
    target.call('connect', '/connect/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(pairs).toString(),
    })

  it.each(PROTOCOL)(
    '%s sent twice → 400 invalid_request "Parameter included more than once: <name>", and the code still redeems once',
    async (name) => {
      const code = await obtainCode(target)
      const fields: Record<string, string> = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        ...CLIENT,
      }
      const pairs: [string, string][] = Object.entries(fields)
      pairs.push([name, fields[name] ?? 'x'], [name, fields[name] ?? 'y'])
      const reply = await post(pairs)
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({
        error: 'invalid_request',
        error_description: `Parameter included more than once: ${name}`,
      })
      const redeemed = await token(target, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
      })
      expect(redeemed.status).toBe(200)
    },
  )

  it('a repeated parameter that is not a protocol parameter is no reason to refuse: 200', async () => {
    const code = await obtainCode(target)
    const reply = await post([
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['redirect_uri', REDIRECT_URI],
      ['client_id', CLIENT.client_id],
      ['client_secret', CLIENT.client_secret],
      ['extra', '1'],
      ['extra', '2'],
    ])
    expect(reply.status).toBe(200)
  })
})
