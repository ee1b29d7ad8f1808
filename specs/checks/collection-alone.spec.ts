import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAlone, runFolders, type ServedCollectionMock, serveCollectionMock } from './collection-newman.ts'

/**
 * The Newman bite proof runs every folder "as if alone" inside one Newman run (runAlone). These
 * pin that nothing a folder leaves behind reaches the next: the environment, the collection
 * variables and the mock's state are back where a run starts — and that the same two folders
 * in one plain run do see each other's leftovers, so the pin can fail.
 */
const test = (lines: string[]) => [{ listen: 'test', script: { type: 'text/javascript', exec: lines } }]
const LEAKY = {
  name: 'leaky',
  item: [
    {
      name: 'leaky · 1. leave things behind',
      event: test([
        "pm.collectionVariables.set('leftover', 'from leaky');",
        "pm.environment.set('refreshToken', 'from leaky');",
        "pm.test('sent', function () { pm.response.to.be.success; });",
      ]),
      request: { method: 'GET', header: [], url: '{{connectUrl}}/.well-known/openid-configuration' },
    },
  ],
}
const CLEAN = {
  name: 'clean',
  item: [
    {
      name: 'clean · 1. find nothing left behind',
      event: test([
        "pm.test('no leftover collection variable', function () { pm.expect(pm.collectionVariables.get('leftover')).to.equal(undefined); });",
        "pm.test('the environment as it started', function () { pm.expect(pm.environment.get('refreshToken')).to.equal(''); });",
        "pm.test('the collection’s own variables', function () { pm.expect(pm.collectionVariables.get('own')).to.equal('kept'); });",
      ]),
      request: { method: 'GET', header: [], url: '{{connectUrl}}/.well-known/openid-configuration' },
    },
  ],
}
const collection = {
  info: { name: 'alone', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  item: [{ name: 'area', item: [LEAKY, CLEAN] }],
  variable: [{ key: 'own', value: 'kept' }],
}

let target: ServedCollectionMock
beforeAll(async () => {
  target = await serveCollectionMock()
})
afterAll(() => target?.close())

describe('folders run as if alone in one Newman run (the Newman bite proof’s runAlone)', () => {
  it('a folder after one that set a collection variable and the refresh token finds neither, and the collection’s own variables intact', async () => {
    const env = { ...target.environment, refreshToken: '' }
    const run = await runAlone(collection, env, [
      { folder: 'leaky', deviations: [] },
      { folder: 'clean', deviations: [] },
    ])
    expect(run.harness).toEqual([])
    expect(run.cases.map((c) => c.failures)).toEqual([[], []])
    expect(run.cases.map((c) => c.assertions)).toEqual([1, 3])
  })

  it('the same two folders in one plain run do see the leftovers (so the pin above can fail)', async () => {
    const run = await runFolders(collection, { ...target.environment, refreshToken: '' }, ['leaky', 'clean'])
    expect(run.failures).toHaveLength(2)
  })

  it('each folder runs on the mock with its own deviations: the mock reset and switched before it', async () => {
    await runAlone(collection, target.environment, [{ folder: 'clean', deviations: ['code.allow-reuse'] }])
    expect(target.mock.deviations.list()).toEqual(['code.allow-reuse'])
    await runAlone(collection, target.environment, [{ folder: 'clean', deviations: [] }])
    expect(target.mock.deviations.list()).toEqual([])
  })
})
