import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { loadConfig } from '../../scripts/live/config.ts'
import { type LiveRun, startLiveRun } from '../../scripts/live/engine-runner.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'
import { type StoredGrant, TokenStore } from '../../scripts/live/token-store.ts'
import { journal, type LiveMock, seedGrant, startLiveMock } from '../live/support/harness.ts'
import { liveEnv } from '../live/support/process.ts'

/**
 * Runner 1 against "live": the served mock stands in for Visma Connect and Dinero (one-time
 * refresh tokens, replay → revoke-all). Every live-safe check passes through the vitest engine,
 * every rotation is in the token store the moment it arrives, and nothing is ever replayed.
 */
const liveSafe = catalogue.filter((c) => c.target === 'live-safe')

describe('the vitest runner against a live target (the served mock standing in)', () => {
  let live: LiveMock
  let store: TokenStore
  let run: LiveRun
  let storePath: string
  let dir = ''
  beforeAll(async () => {
    live = await startLiveMock()
    dir = mkdtempSync(join(tmpdir(), 'live-runner-'))
    const env = liveEnv(dir, {
      DINERO_CONNECT_URL: live.origin,
      DINERO_API_URL: live.origin,
      DINERO_ORGANIZATION_ID: '118244',
      // The live-safe authorize checks (prompt=none) need the redirect_uri the app registered.
      DINERO_REDIRECT_URI: live.redirectUri,
    })
    const config = loadConfig({}, { env, cwd: dir, require: ['clientId', 'clientSecret'] })
    storePath = config.tokenStore
    await seedGrant(live, storePath)
    store = TokenStore.open(storePath)
    run = await startLiveRun(config, store, new SecretSet())
  })
  afterAll(async () => {
    store?.release()
    if (dir) rmSync(dir, { recursive: true, force: true })
    await live?.close()
  })

  it.each(liveSafe.map((c) => [c.id, c] as const))('%s passes', async (_id, check) => {
    const before = store.grant.rotations
    const result = await run.run(check)
    expect(result.failures).toEqual([])
    // Whatever the check rotated is on disk already, and nothing is left in flight.
    const onDisk = JSON.parse(readFileSync(storePath, 'utf8')) as StoredGrant
    expect(onDisk.refreshToken).toBe(store.grant.refreshToken)
    expect(onDisk.inFlight).toBeUndefined()
    expect(onDisk.rotations).toBeGreaterThanOrEqual(before)
  })

  it('no refresh token was ever replayed (the mock saw no replay)', async () => {
    const replays = (await journal(live.origin)).filter((e) => e.details.refresh === 'replay')
    expect(replays).toEqual([])
  })
})
