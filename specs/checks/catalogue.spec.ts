import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { type CatalogueSession, startCatalogueSession } from '../../scripts/engine/catalogue-runner.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'
import { type EngineSend, failureLine, outcomeFromEngine } from '../../scripts/reports/outcomes.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { reportCheck, secretsOf } from '../support/allure-check.ts'

/**
 * Runner 1: one vitest test per check and target. Against the faithful mock every check passes,
 * in-process (msw + fetch) and served (undici). Failures list step, assertion and what was seen.
 * Each test is the check's Allure test too (specs/support/allure-check.ts): its title, what it
 * pins and why, its sources, and its requests with their answers.
 */
describe.each(TARGET_KINDS)('conformance catalogue on the %s mock', (kind) => {
  let target: Target
  let session: CatalogueSession
  let sends: EngineSend[] = []
  beforeAll(async () => {
    target = await startTarget(kind, { clock: { frozen: true } })
    session = await startCatalogueSession(target, {
      onSend: (request, reply, ms) => sends.push({ request, ...(reply ? { reply } : {}), ms }),
    })
  })
  afterAll(() => target.close())

  it.each(catalogue.map((c) => [c.id, c] as const))('%s', async (_id, check) => {
    sends = []
    const result = await session.run(check)
    const outcome = outcomeFromEngine(check, result, sends)
    const secrets = secretsOf(new SecretSet(), sends)
    await reportCheck(outcome, secrets)
    expect(result.failures, secrets.redact(failureLine(outcome))).toEqual([])
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
