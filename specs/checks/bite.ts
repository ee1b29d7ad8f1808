import { beforeAll, describe, expect, it } from 'vitest'
import { buildCollection } from '../../collections/build.ts'
import { catalogue } from '../../collections/catalogue/index.ts'
import { mockVariables } from '../../collections/model/variables.ts'
import { createMock } from '../../mocks/create-mock.ts'
import { DEVIATIONS, type DeviationId } from '../../mocks/deviations.ts'
import { serveMock } from '../../mocks/http/serve.ts'
import { runCatalogue } from '../../scripts/engine/catalogue-runner.ts'
import { runNewman } from '../../scripts/newman/run.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import { startTarget } from '../../scripts/targets/targets.ts'

/**
 * Proof that the checks bite: the failing checks of each runner against a mock
 * with one deviation switched on (none = the faithful mock).
 */
export const DEVIATION_IDS = Object.keys(DEVIATIONS) as DeviationId[]

export function declaredBreaks(id: DeviationId | 'none'): string[] {
  return id === 'none' ? [] : [...DEVIATIONS[id].breaks].sort()
}

export async function vitestFailures(id: DeviationId | 'none'): Promise<string[]> {
  const target = await startTarget('in-process', {
    clock: { frozen: true },
    deviations: id === 'none' ? [] : [id],
  })
  try {
    const results = await runCatalogue(target)
    return [...results.values()]
      .filter((r) => !r.passed)
      .map((r) => r.id)
      .sort()
  } finally {
    await target.close()
  }
}

/** One served mock for a batch of Newman runs; deviations switched through POST /__mock/deviations. */
export async function newmanFailuresFor(
  ids: readonly (DeviationId | 'none')[],
): Promise<Map<string, string[]>> {
  const mock = createMock({ clock: { frozen: true }, signingKey: await sharedSigningKey() })
  const served = await serveMock(mock, { port: 0 })
  const collection = buildCollection()
  const out = new Map<string, string[]>()
  try {
    for (const id of ids) {
      const control = (path: string, body?: unknown) =>
        fetch(`${served.origin}/__mock/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      await control('reset')
      const switched = await control('deviations', { set: id === 'none' ? [] : [id] })
      if (switched.status !== 200) throw new Error(`could not switch deviation ${id}: ${switched.status}`)
      const result = await runNewman({
        collection,
        environment: mockVariables({ connect: served.origin, api: served.origin, control: served.origin }),
      })
      if (result.setupFailures.length > 0)
        throw new Error(`setup failed under ${id}: ${result.setupFailures.join('; ')}`)
      out.set(
        id,
        [...result.verdicts]
          .filter(([, v]) => !v.passed)
          .map(([check]) => check)
          .sort(),
      )
    }
  } finally {
    await served.close()
  }
  return out
}

export function checkIds(): string[] {
  return catalogue.map((c) => c.id)
}

/**
 * Runner 2 bites, with the same verdicts as runner 1: the generated collection through Newman
 * against one served mock, deviations switched at run time through POST /__mock/deviations.
 * Both runners are held to the same list, `declaredBreaks(id)`: bite-vitest.spec.ts proves the
 * vitest runner fails exactly that list and these parts prove Newman does, so each deviation's
 * catalogue runs once per runner and the two verdicts are equal by the shared list.
 * The deviations are split over `of` spec files so vitest runs them side by side.
 */
export function defineNewmanBitePart(part: number, of: number): void {
  const ids = (['none' as const, ...DEVIATION_IDS] as const).filter((_, i) => i % of === part)
  describe(`the checks bite (Newman runner, part ${part + 1} of ${of})`, () => {
    let newman: Map<string, string[]>
    beforeAll(async () => {
      newman = await newmanFailuresFor(ids)
    }, 600_000)

    it.each(ids)(
      'deviation %s: Newman fails exactly the declared checks, the ones the vitest runner fails',
      (id) => {
        expect(newman.get(id)).toEqual(declaredBreaks(id))
      },
    )
  })
}

/** How many files the Newman bite proof is split over (bite-newman-<part>.spec.ts, part 0 … PARTS-1). */
export const NEWMAN_BITE_PARTS = 6
