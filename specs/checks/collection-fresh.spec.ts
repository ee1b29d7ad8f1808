import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  buildCollection,
  buildLiveEnvironmentTemplate,
  buildMockEnvironment,
  COLLECTION_FILES,
  SETUP_FOLDER,
  serialise,
} from '../../collections/build.ts'
import { catalogue } from '../../collections/catalogue/index.ts'

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

describe('docs/CHECKS.md', () => {
  it('equals a fresh build (run `npm run docs:checks` after changing a check)', async () => {
    const { CHECKS_DOC, checksMarkdown } = await import('../../scripts/docs/checks.ts')
    expect(readFileSync(new URL(`../../${CHECKS_DOC}`, import.meta.url), 'utf8') === checksMarkdown()).toBe(
      true,
    )
  })
})
