import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCollection } from '../../collections/build.ts'
import { catalogue } from '../../collections/catalogue/index.ts'
import {
  type FolderRun,
  runFolders,
  type ServedCollectionMock,
  serveCollectionMock,
} from './collection-newman.ts'

/**
 * "Run a folder to run one check": every check folder, run alone with the mock environment
 * (`newman run <collection> -e <mock env> --folder <check-id>`) against a mock reset to its
 * start, passes; a folder that needs the run's grant obtains one itself. Two served mocks
 * take the folders in turn, side by side.
 */
const WORKERS = 2
const collection = buildCollection()
const runs = new Map<string, FolderRun>()
const mocks: ServedCollectionMock[] = []

beforeAll(async () => {
  for (let i = 0; i < WORKERS; i++) mocks.push(await serveCollectionMock())
  const queue = catalogue.map((c) => c.id)
  await Promise.all(
    mocks.map(async (target) => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        await target.reset()
        runs.set(id, await runFolders(collection, { ...target.environment }, [id]))
      }
    }),
  )
}, 300_000)
afterAll(() => Promise.all(mocks.map((m) => m.close())))

describe('each check folder run alone through Newman against a reset mock', () => {
  it.each(catalogue.map((c) => c.id))('%s passes on its own', (id) => {
    const run = runs.get(id)
    expect(run?.failures).toEqual([])
    expect(run?.assertions).toBeGreaterThan(0)
  })
})
