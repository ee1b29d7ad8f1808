import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DINERO_API_RESOURCE_SECRET, DINERO_AUDIENCE, REFRESH_CLIENT_ID } from '../../../mocks/options.ts'
import { obtainCode, REDIRECT_URI, refresh, token } from '../../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../../scripts/targets/targets.ts'

/**
 * Found by races.spec.ts (issue 7): with replay `revoke-all`, concurrent replays of a one-time
 * refresh token revoked the winner's new refresh token but not its new access token when they
 * were answered while that token was being signed: the token took its sequence number only after
 * the signing key's await, i.e. after the revocation. It is now numbered when the grant is
 * accepted (mocks/connect/tokens.ts), so "all access for the client/user" is revoked (visma-connect-tokens).
 */
describe('revoke-all while the winning refresh is being signed', () => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget('in-process', { refresh: { usage: 'one-time', replay: 'revoke-all' } })
  })
  afterAll(() => target.close())

  it("20 concurrent refreshes: the winner's access token is inactive after the losers' replays", async () => {
    const client = { kind: 'post', clientId: REFRESH_CLIENT_ID } as const
    const code = await obtainCode(target, { client_id: REFRESH_CLIENT_ID })
    const first = await token(
      target,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      client,
    )
    const rt = String(first.json().refresh_token)
    const replies = await Promise.all(Array.from({ length: 20 }, () => refresh(target, rt, client)))
    const winner = replies.find((r) => r.status === 200)!.json<{ access_token: string }>()
    const introspection = await target.call('connect', '/connect/introspect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: winner.access_token,
        client_id: DINERO_AUDIENCE,
        client_secret: DINERO_API_RESOURCE_SECRET,
      }),
    })
    expect(introspection.json().active).toBe(false)
  })
})
