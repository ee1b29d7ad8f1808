import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ALLOW_REFRESH, PERSISTED, SPENT_MARKER } from '../../collections/build.ts'
import { runGuard } from '../support/postman-guard.ts'

/**
 * The destructive check replays a consumed refresh token on purpose, and Visma Connect answers a
 * replay by revoking ALL access of the client and user (visma-connect-tokens, RFC 9700 §4.14.2).
 * The collection's guard lets it replay, but a Postman user who runs the whole collection against
 * the live services with the live environment (refresh token pasted, allowRefresh persisted) must
 * not end every grant of their client by it: live, that replay is sent only when the run opts in
 * (login's throw-away grant sets `pooled`; `live --destructive` sets allowRevokeAll), on the mock
 * always. The collection-level prerequest is evaluated here with a stand-in `pm`.
 */
const fingerprint = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 16)
const SPENT = 'a-consumed-refresh-token-0123456789'
const REPLAY_STEP = 'connect.refresh.replay-revokes-grant · 2. replay the consumed token'

function guard(connectUrl: string, env: Record<string, string>, requestName = REPLAY_STEP) {
  const variables: Record<string, string> = {
    connectUrl,
    controlUrl: '',
    refreshToken: SPENT,
    [ALLOW_REFRESH]: PERSISTED,
    [SPENT_MARKER]: `0123456789abcdef ${fingerprint(SPENT)}`,
    ...env,
  }
  return runGuard(variables, {
    name: requestName,
    presentsRefreshToken: true,
    json: { body: 'refresh_token={{refreshToken}}' },
  })
}

describe('the destructive replay against the live services', () => {
  it('live, from a plain persisted environment: the replay of a consumed refresh token is not sent (skipped, one failed test naming the revocation and how to opt in)', () => {
    const refused = guard('https://connect.visma.com', {})
    expect(refused.skipped).toBe(true)
    expect(refused.failures).toHaveLength(1)
    expect(refused.failures[0]).toContain('revoking ALL access of the client and user')
    expect(refused.failures[0]).toContain('allowRevokeAll')
  })

  it('live, with anything but the exact opt-in: still not sent', () => {
    for (const value of ['', 'yes', 'true', 'Revoke-All-Access', 'revoke-all-access '])
      expect(guard('https://connect.visma.com', { allowRevokeAll: value }).skipped, value).toBe(true)
  })

  it('live, from login’s throw-away grant (pooled) or live --destructive (allowRevokeAll=revoke-all-access): sent', () => {
    expect(guard('https://connect.visma.com', { pooled: '1' })).toEqual({ skipped: false, failures: [] })
    expect(guard('https://connect.visma.com', { allowRevokeAll: 'revoke-all-access' })).toEqual({
      skipped: false,
      failures: [],
    })
  })

  it('on the mock (a loopback connectUrl): sent, as the bite proof and the collection runs need', () => {
    expect(guard('http://127.0.0.1:4010', {})).toEqual({ skipped: false, failures: [] })
  })

  it('live, without the opt-in, no step of the destructive check is sent, the first rotation included (one failed test each, naming the opt-in)', () => {
    for (const step of [
      'connect.refresh.replay-revokes-grant · 1. rotate the grant, keeping the consumed token',
      'connect.refresh.replay-revokes-grant · 3. the rotated token is revoked with it',
    ]) {
      // The environment's refresh token is the newest one, never spent: only the opt-in stops it.
      const fresh = { refreshToken: 'the-newest-refresh-token-0123456789' }
      const refused = guard('https://connect.visma.com', fresh, step)
      expect(refused.skipped, step).toBe(true)
      expect(refused.failures, step).toHaveLength(1)
      expect(refused.failures[0]).toContain('allowRevokeAll')
      expect(
        guard('https://connect.visma.com', { ...fresh, allowRevokeAll: 'revoke-all-access' }, step).skipped,
      ).toBe(false)
    }
  })

  it('a check that is not destructive never sends a consumed token, opt-in or not', () => {
    for (const env of [{}, { pooled: '1' }, { allowRevokeAll: 'revoke-all-access' }])
      expect(guard('https://connect.visma.com', env, 'connect.refresh.rotates · 1. refresh').skipped).toBe(
        true,
      )
  })
})
