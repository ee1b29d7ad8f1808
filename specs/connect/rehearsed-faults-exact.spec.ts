import { describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../mocks/options.ts'
import { basicHeader, codeFlow, refresh } from '../../scripts/targets/oauth.ts'
import { TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { targetPerTest } from '../support/target-per-test.ts'

/**
 * A deviation rehearses one fault and nothing else: the bite specs prove each one breaks the
 * checks it names, and these pin what it answers instead, where a cruder fault would break the
 * same checks (mutants of mocks/connect/client-auth.ts and grants/refresh-token.ts that survived
 * the bite specs, docs/MUTATION.md).
 */
describe.each(TARGET_KINDS)('rehearsed faults answer exactly (%s)', (kind) => {
  const start = targetPerTest(kind)
  const refreshWithBasic = (t: Target, secret: string) =>
    t.call('connect', '/connect/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicHeader(DEFAULT_CLIENT_ID, secret),
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'F'.repeat(64) }),
    })

  it('client-auth.basic-not-form-decoded: Basic credentials needing no encoding still authenticate (the grant answers invalid_grant)', async () => {
    const t = await start({ deviations: ['client-auth.basic-not-form-decoded'] })
    const reply = await refreshWithBasic(t, DEFAULT_CLIENT_SECRET)
    expect(reply.json()).toEqual({ error: 'invalid_grant' })
    expect(t.mock.journal.entries({ path: '/connect/token' }).at(-1)?.details.client_auth).toBe(
      'client_secret_basic',
    )
  })

  it('client-auth.invalid-client-401: a wrong secret → 401 with the error still invalid_client', async () => {
    const t = await start({ deviations: ['client-auth.invalid-client-401'] })
    const reply = await refreshWithBasic(t, 'wrong')
    expect(reply.status).toBe(401)
    expect(reply.json()).toEqual({ error: 'invalid_client' })
  })

  it('refresh.lifetime-restarts-on-rotation: a token rotated at 3000 s lives a whole 3600 s from then → 200 at 6599.999 s, 400 invalid_grant at 6600 s', async () => {
    const t = await start({
      deviations: ['refresh.lifetime-restarts-on-rotation'],
      refresh: { expiration: 'absolute', absoluteLifetimeSeconds: 3600 },
    })
    // Two grants rotated at the same moment: one to use just before the end, one just at it.
    const grants = [await codeFlow(t), await codeFlow(t)]
    t.mock.clock.advance(3_000_000)
    const [a, b] = await Promise.all(
      grants.map(async (g) => String((await refresh(t, g.refresh_token!)).json().refresh_token)),
    )
    t.mock.clock.advance(3_599_999)
    expect((await refresh(t, a!)).status).toBe(200)
    t.mock.clock.advance(1)
    const late = await refresh(t, b!)
    expect(late.status).toBe(400)
    expect(late.json()).toEqual({ error: 'invalid_grant' })
  })
})
