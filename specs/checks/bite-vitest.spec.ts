import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkIds, DEVIATION_IDS, declaredBreaks, NEWMAN_BITE_PARTS, vitestFailures } from './bite.ts'

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

  it('the Newman bite parts cover every deviation: one bite-newman-<part>.spec.ts per part', () => {
    const parts = readdirSync(import.meta.dirname).filter((f) => /^bite-newman-\d+\.spec\.ts$/.test(f))
    expect(parts.sort()).toEqual(
      Array.from({ length: NEWMAN_BITE_PARTS }, (_, i) => `bite-newman-${i}.spec.ts`).sort(),
    )
  })

  it.each(['none' as const, ...DEVIATION_IDS])(
    'deviation %s fails exactly its declared checks',
    async (id) => {
      expect(await vitestFailures(id)).toEqual(declaredBreaks(id))
    },
  )
})
