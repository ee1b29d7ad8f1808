import { readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  buildCollection,
  buildLiveEnvironmentTemplate,
  buildMockEnvironment,
  COLLECTION_FILES,
  SETUP_FOLDER,
  serialise,
} from '../../collections/build.ts'
import { CHAIN_VARIABLES, catalogue } from '../../collections/catalogue/index.ts'
import { describeAssertion } from '../../collections/model/describe.ts'
import { mockSteps, type Step } from '../../collections/model/types.ts'
import { resolveSource } from '../../collections/sources.ts'

/** The committed Postman files are exactly what the builder makes from the catalogue today. */
describe('the committed Postman collection', () => {
  const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

  it('equals a fresh build (run `npm run collection:build` after changing a check)', () => {
    expect(read(COLLECTION_FILES.collection) === serialise(buildCollection())).toBe(true)
  })

  it('the mock and live environments equal a fresh build', () => {
    expect(read(COLLECTION_FILES.mock)).toBe(serialise(buildMockEnvironment()))
    expect(read(COLLECTION_FILES.live)).toBe(serialise(buildLiveEnvironmentTemplate()))
  })

  it('is a Postman v2.1 collection with a folder per area holding a folder per check', () => {
    const c = buildCollection() as {
      info: { schema: string }
      item: { name: string; item: { name: string }[] }[]
    }
    expect(c.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json')
    expect(c.item[0]?.name).toBe(SETUP_FOLDER)
    const checkFolders = c.item.slice(1).flatMap((area) => area.item.map((f) => f.name))
    expect(checkFolders).toEqual(catalogue.map((check) => check.id))
  })

  it('the live environment template holds no secret values', () => {
    const env = buildLiveEnvironmentTemplate()
    expect(env.values.find((v) => v.key === 'clientSecret')?.value).toBe('')
    expect(JSON.stringify(env)).not.toContain('conformance-secret')
  })
})

interface Item {
  name: string
  description?: string
  item?: Item[]
  event?: { listen: string; script: { exec: string[] } }[]
}

/** Each check folder of the committed collection with the steps its items run, in order. */
function folders(): { check: (typeof catalogue)[number]; folder: Item }[] {
  const c = JSON.parse(
    readFileSync(new URL(`../../${COLLECTION_FILES.collection}`, import.meta.url), 'utf8'),
  ) as { item: Item[] }
  const byId = new Map(c.item.slice(1).flatMap((area) => (area.item ?? []).map((f) => [f.name, f] as const)))
  return catalogue.map((check) => ({ check, folder: byId.get(check.id)! }))
}
const testScript = (item: Item) => item.event?.find((e) => e.listen === 'test')?.script.exec.join('\n') ?? ''
const PARSER_KINDS = /^(location-param|form-post|jwt-)/
const needsParser = (step: Step) =>
  step.expect.some((a) => PARSER_KINDS.test(a.kind)) ||
  (step.capture ?? []).some((c) => ['location-param', 'form-post', 'jwt-header'].includes(c.from))

describe('the committed Postman collection is lean and readable', () => {
  // A budget per request, not per file: the collection grows with the catalogue. 2.5 KB a request
  // is what plain pm.expect scripts with the kit's parsers only where called take (2.36 KB: 283 KB
  // for 120 requests when this was set); a collection that inlines the kit in every script, as it
  // once did, takes 10 KB a request (1.26 MB for 120).
  it('is at most 2.5 KB per request', () => {
    const file = new URL(`../../${COLLECTION_FILES.collection}`, import.meta.url)
    let requests = 0
    const walk = (item: { request?: unknown; item?: unknown[] }) => {
      if (item.request !== undefined) requests++
      for (const child of item.item ?? []) walk(child as typeof item)
    }
    walk(JSON.parse(readFileSync(file, 'utf8')))
    expect(requests).toBeGreaterThan(catalogue.length)
    expect(statSync(file).size).toBeLessThanOrEqual(requests * 2_500)
  })

  it('no request embeds the whole assertion kit, and a request that needs no Location, form_post or JWT parser embeds none of it', () => {
    for (const { check, folder } of folders()) {
      mockSteps(check).forEach((step, i) => {
        const script = testScript(folder.item![i]!)
        expect(script).not.toContain('conformanceKit')
        if (!needsParser(step))
          expect([check.id, i, script]).not.toEqual([
            check.id,
            i,
            expect.stringMatching(/function (parseQuery|locationParams|formPostField|jwtPart)\(/),
          ])
      })
    }
  })

  it('every pm.test is named by describeAssertion, one per assertion, in the catalogue’s order', () => {
    for (const { check, folder } of folders()) {
      mockSteps(check).forEach((step, i) => {
        const names = [...testScript(folder.item![i]!).matchAll(/^pm\.test\(("(?:[^"\\]|\\.)*")/gm)].map(
          (m) => JSON.parse(m[1]!),
        )
        expect(names).toEqual(step.expect.map(describeAssertion))
      })
    }
  })

  it('every check folder describes its behaviour and links each of its sources', () => {
    for (const { check, folder } of folders()) {
      expect(folder.description).toContain(check.title)
      for (const cited of check.sources)
        expect(folder.description).toContain(`[${cited}](${resolveSource(cited).url})`)
    }
  })

  it('the environments carry the run’s grant (the chain variables), empty and described', () => {
    for (const env of [buildLiveEnvironmentTemplate(), buildMockEnvironment()])
      for (const name of CHAIN_VARIABLES) {
        const v = env.values.find((x) => x.key === name)
        expect(v?.value).toBe('')
        expect(v?.description).toBeTruthy()
      }
  })
})

describe('docs/CHECKS.md', () => {
  it('equals a fresh build (run `npm run docs:checks` after changing a check)', async () => {
    const { CHECKS_DOC, checksMarkdown } = await import('../../scripts/docs/checks.ts')
    expect(readFileSync(new URL(`../../${CHECKS_DOC}`, import.meta.url), 'utf8') === checksMarkdown()).toBe(
      true,
    )
  })
})
