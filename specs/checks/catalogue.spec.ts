import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { type CatalogueSession, startCatalogueSession } from '../../scripts/engine/catalogue-runner.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * Runner 1: one vitest test per check and target. Against the faithful mock every check passes,
 * in-process (msw + fetch) and served (undici). Failures list step, assertion and what was seen.
 */
describe.each(TARGET_KINDS)('conformance catalogue on the %s mock', (kind) => {
  let target: Target
  let session: CatalogueSession
  beforeAll(async () => {
    target = await startTarget(kind, { clock: { frozen: true } })
    session = await startCatalogueSession(target)
  })
  afterAll(() => target.close())

  it.each(catalogue.map((c) => [c.id, c] as const))('%s', async (_id, check) => {
    const result = await session.run(check)
    expect(result.failures).toEqual([])
  })
})

/**
 * Against the real services, only when asked: `DINERO_LIVE_CHECKS=1 npm test` with the variables
 * of `npm run login` (see docs/LIVE.md) runs every live-safe check once through the token store.
 */
if (process.env.DINERO_LIVE_CHECKS === '1') {
  describe('conformance catalogue against the live services', async () => {
    const { loadConfig } = await import('../../scripts/live/config.ts')
    const { SecretSet } = await import('../../scripts/live/secrets.ts')
    const { TokenStore } = await import('../../scripts/live/token-store.ts')
    const { startLiveRun } = await import('../../scripts/live/engine-runner.ts')
    const config = loadConfig({}, { require: ['clientId', 'clientSecret'] })
    const store = TokenStore.open(config.tokenStore)
    const run = await startLiveRun(config, store, new SecretSet())
    afterAll(() => store.release())
    it.each(catalogue.filter((c) => c.target === 'live-safe').map((c) => [c.id, c] as const))(
      '%s',
      async (_id, check) => {
        expect((await run.run(check)).failures).toEqual([])
      },
    )
  })
}
