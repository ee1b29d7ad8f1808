import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCollection, SPENT_MARKER } from '../../collections/build.ts'
import { catalogue } from '../../collections/catalogue/index.ts'
import {
  obtainRefreshToken,
  runFolders,
  type ServedCollectionMock,
  serveCollectionMock,
} from './collection-newman.ts'

/**
 * The environment's spent marker is what refuses a consumed refresh token pasted back (the
 * obvious mistake: the token `dinero-conformance login` stored, after Postman rotated it). It must
 * keep the fingerprint of the grant a user started from for as long as a user plausibly re-runs:
 * a replay makes Visma revoke all access of the client and user (visma-connect-tokens, RFC 9700
 * §4.14.2). One run of the live-safe checks rotates the grant 16 times; two runs, 32.
 */
const LIVE_SAFE = catalogue.filter((c) => c.target === 'live-safe').map((c) => c.id)
const collection = buildCollection()

let target: ServedCollectionMock
beforeAll(async () => {
  target = await serveCollectionMock()
})
afterAll(() => target.close())

describe('the spent marker outlives many rotations', () => {
  it('after two whole live-safe runs (the environment exported between them), the refresh token the user first pasted is refused before it is sent: no replay reaches the server', async () => {
    await target.reset()
    const since = target.mock.journal.entries().at(-1)?.seq ?? 0
    const pasted = await obtainRefreshToken(target.environment)
    let env: Record<string, string> = { ...target.environment, refreshToken: pasted }
    for (let run = 0; run < 2; run++) {
      const result = await runFolders(collection, env, LIVE_SAFE)
      expect(result.failures).toEqual([])
      env = result.environment
    }
    const again = await runFolders(collection, { ...env, refreshToken: pasted }, [
      'connect.jwks.token-kid-published',
    ])
    expect(again.failures).toContainEqual(
      expect.stringContaining(
        'the run’s refresh token was not already rotated: this refresh token was already exchanged',
      ),
    )
    const replays = target.mock.journal
      .entries({ service: 'connect' })
      .filter(
        (e) => e.seq > since && e.details.grant_type === 'refresh_token' && e.details.refresh === 'replay',
      )
    expect(replays).toEqual([])
    expect(env[SPENT_MARKER]!.split(' ').length).toBeGreaterThan(20)
  }, 180_000)
})
