import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkImports, type Offence, type RuleName } from './import-rules.ts'

/**
 * The project's import direction, checked over the real tree (mocks, collections, scripts,
 * examples, specs) with the rules in import-rules.ts. A failure lists the offending imports.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

const edgesOf = (offences: Offence[], rule: RuleName) =>
  offences.filter((o) => o.rule === rule).map((o) => o.edge)

describe('import direction of the project', () => {
  let offences: Offence[]
  let imports: string[]
  beforeAll(async () => {
    ;({ offences, imports } = await checkImports(ROOT))
  })

  it('the check reads the whole tree, type-only imports included', () => {
    expect(imports).toContain('mocks/connect/token.ts → mocks/connect/grants/grant.ts')
    expect(imports).toContain('specs/architecture/imports.spec.ts → specs/architecture/import-rules.ts')
    for (const folder of ['mocks', 'collections', 'scripts', 'examples', 'specs'])
      expect(imports.some((edge) => edge.startsWith(`${folder}/`))).toBe(true)
  })

  it('no file outside specs/ imports a file under specs/', () => {
    expect(edgesOf(offences, 'specs-are-imported-by-nothing')).toEqual([])
  })

  it('no file under mocks/ imports a project file outside mocks/', () => {
    expect(edgesOf(offences, 'mocks-are-a-leaf')).toEqual([])
  })

  it('mocks/dinero/contract/ imports nothing of the project outside itself', () => {
    expect(edgesOf(offences, 'contract-stands-alone')).toEqual([])
  })

  it('no project files import each other in a cycle (type-only imports included)', () => {
    expect(edgesOf(offences, 'no-cycles')).toEqual([])
  })
})

/** A tree of files `{ path: source }` in a fresh temporary folder. */
async function tree(root: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(root, 'tree-'))
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), source)
  }
  return dir
}

describe('each import rule catches its own violation in a fixture tree', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'import-rules-'))
  })
  afterAll(() => rm(root, { recursive: true, force: true }))

  it('a tree that keeps the direction has no offences', async () => {
    const dir = await tree(root, {
      'mocks/store.ts': "import { randomUUID } from 'node:crypto'\nexport const id = randomUUID()\n",
      'mocks/dinero/contract/model.ts': "import { part } from './part.ts'\nexport const model = part\n",
      'mocks/dinero/contract/part.ts': 'export const part = 1\n',
      'mocks/dinero/routes.ts':
        "import { model } from './contract/model.ts'\nexport const routes = [model]\n",
      'collections/check.ts': "import { id } from '../mocks/store.ts'\nexport const check = id\n",
      'scripts/run.ts': "import { check } from '../collections/check.ts'\nexport const run = check\n",
      'specs/run.spec.ts':
        "import { run } from '../scripts/run.ts'\nimport { h } from './helper.ts'\nexport { run, h }\n",
      'specs/helper.ts': 'export const h = 1\n',
    })
    expect((await checkImports(dir)).offences).toEqual([])
  })

  it('specs-are-imported-by-nothing: scripts/run.ts importing specs/helper.ts is an offence', async () => {
    const dir = await tree(root, {
      'specs/helper.ts': 'export const h = 1\n',
      'scripts/run.ts': "import { h } from '../specs/helper.ts'\nexport const run = h\n",
    })
    expect((await checkImports(dir)).offences).toEqual([
      { rule: 'specs-are-imported-by-nothing', edge: 'scripts/run.ts → specs/helper.ts' },
    ])
  })

  it('mocks-are-a-leaf: mocks/store.ts importing collections/check.ts is an offence', async () => {
    const dir = await tree(root, {
      'collections/check.ts': 'export const check = 1\n',
      'mocks/store.ts': "import { check } from '../collections/check.ts'\nexport const store = check\n",
    })
    expect((await checkImports(dir)).offences).toEqual([
      { rule: 'mocks-are-a-leaf', edge: 'mocks/store.ts → collections/check.ts' },
    ])
  })

  it('contract-stands-alone: the contract importing the Dinero store is an offence', async () => {
    const dir = await tree(root, {
      'mocks/dinero/store.ts': 'export type Row = { guid: string }\n',
      'mocks/dinero/contract/model.ts':
        "import type { Row } from '../store.ts'\nexport const model = (r: Row) => r.guid\n",
    })
    expect((await checkImports(dir)).offences).toEqual([
      { rule: 'contract-stands-alone', edge: 'mocks/dinero/contract/model.ts → mocks/dinero/store.ts' },
    ])
  })

  it('no-cycles: two files importing each other, one of them type-only, are an offence', async () => {
    const dir = await tree(root, {
      'mocks/connect/token.ts':
        "import { grant } from './grants/code.ts'\nexport type Input = { code: string }\nexport const token = grant\n",
      'mocks/connect/grants/code.ts':
        "import type { Input } from '../token.ts'\nexport const grant = (i: Input) => i.code\n",
    })
    const offences = (await checkImports(dir)).offences
    expect(offences.map((o) => o.rule)).toContain('no-cycles')
    expect(offences.filter((o) => o.rule !== 'no-cycles')).toEqual([])
    expect(offences.map((o) => o.edge)).toContain(
      'mocks/connect/grants/code.ts → mocks/connect/token.ts → mocks/connect/grants/code.ts',
    )
  })
})
