import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCollection } from '../../collections/build.ts'
import { catalogue, findCheck } from '../../collections/catalogue/index.ts'
import { DEVIATIONS, type DeviationId } from '../../mocks/deviations.ts'
import { runCatalogue } from '../../scripts/engine/catalogue-runner.ts'
import { startTarget } from '../../scripts/targets/targets.ts'
import { runAlone, type ServedCollectionMock, serveCollectionMock } from './collection-newman.ts'

/**
 * Proof that the checks bite, in both runners: each deviation (mocks/deviations.ts) makes the
 * mock wrong in one way and declares the checks that must then fail. In the vitest runner
 * (bite-vitest.spec.ts, in-process) each deviation fails exactly its declared checks among every
 * check of their areas; through Newman with the committed collection's folders
 * (bite-newman-<part>.spec.ts, a served mock per part) every check run alone passes on the
 * faithful mock and fails under a deviation that declares it.
 *
 * Why checks run alone and not the whole catalogue per deviation: a deviation's verdict is about
 * the checks it declares, and a whole-catalogue run per deviation grows as deviations × checks
 * (47 whole-collection Newman runs cost ~130 CPU-s, docs/BENCH.md "npm test time"); each part's
 * folders run as if alone inside one Newman run (collection-newman.ts runAlone: everything a run
 * carries is put back before each folder), which spares a sandbox boot per folder. That a check passes on the faithful mock in the catalogue's own order is
 * pinned by catalogue.spec.ts (vitest runner) and main-job.spec.ts (`npm start`, Newman).
 */
export const DEVIATION_IDS = Object.keys(DEVIATIONS) as DeviationId[]

export function declaredBreaks(id: DeviationId): string[] {
  return [...DEVIATIONS[id].breaks].sort()
}

export function checkIds(): string[] {
  return catalogue.map((c) => c.id)
}

/**
 * The checks a deviation is held to in the vitest runner: every check of the areas its declared
 * breaks are in. A deviation must fail exactly its declared checks among them, so one that also
 * breaks a neighbour (Basic ignored also decides connect.client-auth.basic-preferred) is caught
 * without a whole catalogue per deviation.
 */
export function neighbourhood(deviation: DeviationId): string[] {
  const areas = new Set(declaredBreaks(deviation).map((id) => findCheck(id).area))
  return catalogue.filter((c) => areas.has(c.area)).map((c) => c.id)
}

/** The checks of `ids` that fail, run in catalogue order on an in-process mock with `deviation` on. */
export async function vitestFailing(deviation: DeviationId, ids: readonly string[]): Promise<string[]> {
  const target = await startTarget('in-process', { clock: { frozen: true }, deviations: [deviation] })
  try {
    const results = await runCatalogue(
      target,
      ids.map((id) => findCheck(id)),
    )
    return [...results.values()]
      .filter((r) => !r.passed)
      .map((r) => r.id)
      .sort()
  } finally {
    await target.close()
  }
}

/** One Newman folder run: a check under a deviation, or on the faithful mock (`none`). */
export interface FolderCase {
  check: string
  deviation: DeviationId | 'none'
}

/**
 * Every folder case, in a fixed order: each check on the faithful mock, then each check under the
 * first deviation that declares it. One deviation per check is enough for Newman: what it proves
 * is that the check's Postman folder bites; that each deviation fails exactly what it declares is
 * the vitest runner's proof (bite-vitest.spec.ts), where a run costs a tenth of a Newman run.
 */
export function folderCases(): FolderCase[] {
  const first = (check: string) => DEVIATION_IDS.find((d) => declaredBreaks(d).includes(check))
  return [
    ...checkIds().map((check) => ({ check, deviation: 'none' as const })),
    ...checkIds().flatMap((check) => {
      const deviation = first(check)
      return deviation === undefined ? [] : [{ check, deviation }]
    }),
  ]
}

/** How many files the Newman bite proof is split over (bite-newman-<part>.spec.ts, part 0 … PARTS-1). */
export const NEWMAN_BITE_PARTS = 2

/**
 * Runner 2 bites: the committed collection's folders as a Postman user runs one alone (the mock
 * environment, a grant the folder obtains itself) against a served mock reset before each folder,
 * the deviation switched at run time through POST /__mock/deviations. Part `part` of `of` takes
 * every `of`-th folder case, so vitest runs the parts side by side.
 */
export function defineNewmanBitePart(part: number, of: number): void {
  const cases = folderCases().filter((_, i) => i % of === part)
  const key = (c: FolderCase) => `${c.deviation} ${c.check}`
  let runs: Map<string, { failures: string[]; assertions: number }>
  let harness: string[]
  let target: ServedCollectionMock

  beforeAll(async () => {
    target = await serveCollectionMock()
    const result = await runAlone(
      buildCollection(),
      target.environment,
      cases.map((c) => ({ folder: c.check, deviations: c.deviation === 'none' ? [] : [c.deviation] })),
      target.mock,
    )
    harness = result.harness
    runs = new Map(cases.map((c, i) => [key(c), result.cases[i]!]))
  }, 600_000)
  afterAll(() => target?.close())

  describe(`the checks bite (Newman runner, each folder as if alone, part ${part + 1} of ${of})`, () => {
    it('every folder starts afresh: the run state put back, the mock reset and its deviations set without error before each', () => {
      expect(harness).toEqual([])
    })
    const faithful = cases.filter((c) => c.deviation === 'none').map((c) => c.check)
    const broken = cases.filter((c) => c.deviation !== 'none').map((c) => [c.deviation, c.check] as const)
    if (faithful.length > 0)
      it.each(faithful)('%s passes alone on the faithful mock', (check) => {
        const run = runs.get(key({ check, deviation: 'none' }))
        expect(run?.failures).toEqual([])
        expect(run?.assertions).toBeGreaterThan(0)
      })
    if (broken.length > 0)
      it.each(broken)('deviation %s: %s fails alone', (deviation, check) => {
        expect(runs.get(key({ check, deviation }))?.failures.length).toBeGreaterThan(0)
      })
  })
}
