import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTarget, TARGET_KINDS, type Target } from '../support/targets.ts'
import { catalogue } from './catalogue/index.ts'
import { type CatalogueSession, startCatalogueSession } from './vitest-runner.ts'

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
