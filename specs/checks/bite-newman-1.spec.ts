import { beforeAll, describe, expect, it } from 'vitest'
import { DEVIATION_IDS, declaredBreaks, newmanFailuresFor, vitestFailures } from './bite.ts'

/**
 * Runner 2 bites, with the same verdicts as runner 1: the generated collection through Newman
 * against one served mock, deviations switched at run time through POST /__mock/deviations.
 * The deviations are split over three spec files so vitest runs them side by side.
 */
const ids = (['none' as const, ...DEVIATION_IDS] as const).filter((_, i) => i % 3 === 1)

describe('the checks bite (Newman runner, part 2 of 3)', () => {
  let newman: Map<string, string[]>
  beforeAll(async () => {
    newman = await newmanFailuresFor(ids)
  }, 600_000)

  it.each(ids)('deviation %s: Newman fails exactly the declared checks, as vitest does', async (id) => {
    expect(newman.get(id)).toEqual(declaredBreaks(id))
    expect(await vitestFailures(id)).toEqual(newman.get(id))
  })
})
