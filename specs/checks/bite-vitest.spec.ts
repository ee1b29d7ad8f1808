import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  checkIds,
  DEVIATION_IDS,
  declaredBreaks,
  NEWMAN_BITE_PARTS,
  neighbourhood,
  vitestFailing,
} from './bite.ts'

/**
 * Runner 1 bites: each deviation fails exactly the checks it declares among every check of their
 * areas; no check is left that no deviation breaks. (Every check passing on the faithful mock:
 * catalogue.spec.ts.)
 */
describe('the checks bite (vitest runner)', () => {
  it('every check is declared broken by at least one deviation, and every declared id exists', () => {
    const ids = new Set(checkIds())
    const covered = new Set(DEVIATION_IDS.flatMap((d) => declaredBreaks(d)))
    expect([...ids].filter((id) => !covered.has(id))).toEqual([])
    expect([...covered].filter((id) => !ids.has(id))).toEqual([])
  })

  it('the Newman bite parts cover every folder case: one bite-newman-<part>.spec.ts per part', () => {
    const parts = readdirSync(import.meta.dirname).filter((f) => /^bite-newman-\d+\.spec\.ts$/.test(f))
    expect(parts.sort()).toEqual(
      Array.from({ length: NEWMAN_BITE_PARTS }, (_, i) => `bite-newman-${i}.spec.ts`).sort(),
    )
  })

  // Deviations that break no check are proven by the mock specs that use them (they rehearse
  // behaviours a catalogue check cannot observe, such as another client's introspection).
  it.each(DEVIATION_IDS.filter((d) => declaredBreaks(d).length > 0))(
    'deviation %s fails exactly its declared checks among the checks of their areas',
    async (id) => {
      expect(await vitestFailing(id, neighbourhood(id))).toEqual(declaredBreaks(id))
    },
  )
})
