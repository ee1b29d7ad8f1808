import { afterEach, describe, expect, it } from 'vitest'
import { DINERO_API_RESOURCE_SECRET, DINERO_AUDIENCE, REFRESH_CLIENT_ID } from '../../mocks/options.ts'
import { obtainCode, REDIRECT_URI, refresh, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { tokenFor } from '../support/dinero-session.ts'

/**
 * Concurrency (issue 7): many requests racing for one single-use thing get exactly one winner.
 * Codes are taken (get-and-delete) and one-time refresh handles marked consumed in the same
 * synchronous step that finds them (mocks/connect/store.ts), and Dinero writes compare the
 * Timestamp in the same step that stores the new version, so no interleaving yields two winners.
 */
const N = 100
const CLIENT = { kind: 'post', clientId: REFRESH_CLIENT_ID } as const
const errorOf = (text: string) => (JSON.parse(text) as { error?: string }).error

/** The code flow for the refresh client (its own grant, so revoke-all touches nothing else). */
async function refreshClientTokens(t: Target): Promise<{ access_token: string; refresh_token: string }> {
  const code = await obtainCode(t, { client_id: REFRESH_CLIENT_ID })
  const reply = await token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, CLIENT)
  expect(reply.status).toBe(200)
  return reply.json()
}

describe.each(TARGET_KINDS)('races (%s)', (kind) => {
  let target: Target | undefined
  afterEach(async () => {
    await target?.close()
    target = undefined
  })

  it(`${N} concurrent redemptions of one code → exactly one 200, the rest 400 invalid_grant`, async () => {
    target = await startTarget(kind)
    const t = target
    const code = await obtainCode(t)
    const replies = await Promise.all(
      Array.from({ length: N }, () =>
        token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
      ),
    )
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1)
    const losers = replies.filter((r) => r.status !== 200)
    expect(losers.every((r) => r.status === 400 && errorOf(r.text) === 'invalid_grant')).toBe(true)
  })

  it(`${N} concurrent refreshes of one one-time token with replay 'reject' → exactly one 200; the winner's new token still works`, async () => {
    target = await startTarget(kind, { refresh: { usage: 'one-time', replay: 'reject', graceSeconds: 0 } })
    const t = target
    const first = await refreshClientTokens(t)
    const replies = await Promise.all(
      Array.from({ length: N }, () => refresh(t, first.refresh_token, CLIENT)),
    )
    const winners = replies.filter((r) => r.status === 200)
    expect(winners).toHaveLength(1)
    expect(replies.filter((r) => r.status === 400 && errorOf(r.text) === 'invalid_grant')).toHaveLength(N - 1)
    const next = await refresh(t, String(winners[0]!.json().refresh_token), CLIENT)
    expect(next.status).toBe(200)
  })

  it(`${N} concurrent refreshes of one one-time token with replay 'revoke-all' → exactly one 200, and the losers' replays revoke the winner's refresh token and the access tokens issued before`, async () => {
    target = await startTarget(kind, {
      refresh: { usage: 'one-time', replay: 'revoke-all', graceSeconds: 0 },
    })
    const t = target
    const first = await refreshClientTokens(t)
    const replies = await Promise.all(
      Array.from({ length: N }, () => refresh(t, first.refresh_token, CLIENT)),
    )
    const winners = replies.filter((r) => r.status === 200)
    expect(winners).toHaveLength(1)
    expect(replies.filter((r) => r.status === 400 && errorOf(r.text) === 'invalid_grant')).toHaveLength(N - 1)
    // refresh-token.ts: a replay outside the grace window revokes every refresh token of the
    // client/user, the winner's successor included ...
    const winner = winners[0]!.json<{ refresh_token: string; access_token: string }>()
    const next = await refresh(t, winner.refresh_token, CLIENT)
    expect(next.status).toBe(400)
    expect(errorOf(next.text)).toBe('invalid_grant')
    // ... and every access token issued up to the revocation (ConnectStore.revokeAll: sequence
    // numbers up to the last one issued). The first grant's token is older than any replay.
    const introspect = (accessToken: string) =>
      t.call('connect', '/connect/introspect', {
        method: 'POST',
        body: new URLSearchParams({
          token: accessToken,
          client_id: DINERO_AUDIENCE,
          client_secret: DINERO_API_RESOURCE_SECRET,
        }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    expect((await introspect(first.access_token)).json().active).toBe(false)
    // The winner's access token is numbered when its refresh is accepted, before it is signed,
    // so the replays answered while it was being signed revoke it as well (regression:
    // specs/robustness/regressions/revoke-all-during-signing.spec.ts).
    expect((await introspect(winner.access_token)).json().active).toBe(false)
  })

  it('50 concurrent invoice updates with the same Timestamp → exactly one 200, the rest 400 code 58', async () => {
    target = await startTarget(kind, { dinero: { rateLimitPerMinute: 0 } })
    const t = target
    const auth = {
      authorization: `Bearer ${await tokenFor(t)}`,
      'content-type': 'application/json',
    }
    const line = {
      BaseAmountValue: 100,
      Quantity: 1,
      AccountNumber: 1000,
      Discount: 0,
      Description: 'Race',
      Unit: 'hours',
    }
    const created = await t.call('api', '/v1/118244/invoices', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ ProductLines: [line] }),
    })
    expect(created.status, created.text).toBe(200)
    const { Guid, TimeStamp } = created.json<{ Guid: string; TimeStamp: string }>()
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.call('api', `/v1.2/118244/invoices/${Guid}`, {
          method: 'PUT',
          headers: auth,
          body: JSON.stringify({ ProductLines: [{ ...line, Quantity: i + 1 }], Timestamp: TimeStamp }),
        }),
      ),
    )
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1)
    const losers = replies.filter((r) => r.status !== 200)
    expect(losers.every((r) => r.status === 400 && r.json().code === 58)).toBe(true)
  })
})
