import { describe, expect, it } from 'vitest'
import { checkIds, DEVIATION_IDS, declaredBreaks, vitestFailures } from './bite.ts'

/**
 * Runner 1 bites: the faithful mock passes every check; each deviation fails exactly the checks
 * it declares; no check is left that no deviation breaks.
 */
describe('the checks bite (vitest runner)', () => {
  it('every check is declared broken by at least one deviation, and every declared id exists', () => {
    const ids = new Set(checkIds())
    const covered = new Set(DEVIATION_IDS.flatMap((d) => declaredBreaks(d)))
    expect([...ids].filter((id) => !covered.has(id))).toEqual([])
    expect([...covered].filter((id) => !ids.has(id))).toEqual([])
  })

  it.each(['none' as const, ...DEVIATION_IDS])(
    'deviation %s fails exactly its declared checks',
    async (id) => {
      expect(await vitestFailures(id)).toEqual(declaredBreaks(id))
    },
  )
})
