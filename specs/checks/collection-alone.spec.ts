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
        "pm.environment.set('leftoverEnv', 'from leaky');",
        "pm.variables.set('leftoverLocal', 'from leaky');",
        "pm.globals.set('leftoverGlobal', 'from leaky');",
        "pm.test('sent', function () { pm.response.to.be.success; });",
      ]),
      // The mock's state too: its clock an hour on.
      request: {
        method: 'POST',
        header: [{ key: 'Content-Type', value: 'application/json' }],
        url: '{{controlUrl}}/__mock/clock',
        body: { mode: 'raw', raw: '{"advanceSeconds":3600}' },
      },
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
        "pm.test('no environment variable the run did not start with', function () { pm.expect(pm.environment.get('leftoverEnv')).to.equal(undefined); });",
        "pm.test('no leftover pm.variables value', function () { pm.expect(pm.variables.get('leftoverLocal')).to.equal(undefined); });",
        "pm.test('no leftover global', function () { pm.expect(pm.globals.get('leftoverGlobal')).to.equal(undefined); });",
        "pm.test('the collection’s own variables', function () { pm.expect(pm.collectionVariables.get('own')).to.equal('kept'); });",
        // A frozen mock clock with no start goes back to the real time of the reset.
        "pm.test('the mock reset, its clock not an hour on', function () { pm.expect(Math.abs(Date.parse(pm.response.json().now) - Date.now())).to.be.below(600000); });",
      ]),
      request: { method: 'GET', header: [], url: '{{controlUrl}}/__mock/clock' },
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
    const run = await runAlone(
      collection,
      env,
      [
        { folder: 'leaky', deviations: [] },
        { folder: 'clean', deviations: [] },
      ],
      target.mock,
    )
    expect(run.harness).toEqual([])
    expect(run.cases.map((c) => c.failures)).toEqual([[], []])
    expect(run.cases.map((c) => c.assertions)).toEqual([1, 7])
  })

  it('the same two folders in one plain run do see the leftovers (so the pin above can fail)', async () => {
    await target.reset()
    const env = { ...target.environment, refreshToken: '' }
    const run = await runFolders(collection, env, ['leaky', 'clean'])
    expect(run.failures.map((f) => f.split(': ')[1])).toEqual([
      'no leftover collection variable',
      'the environment as it started',
      'no environment variable the run did not start with',
      'no leftover pm.variables value',
      'no leftover global',
      'the mock reset, its clock not an hour on',
    ])
  })

  it('each folder runs on the mock with its own deviations: the mock reset and switched before it', async () => {
    await runAlone(
      collection,
      target.environment,
      [{ folder: 'clean', deviations: ['code.allow-reuse'] }],
      target.mock,
    )
    expect(target.mock.deviations.list()).toEqual(['code.allow-reuse'])
    await runAlone(collection, target.environment, [{ folder: 'clean', deviations: [] }], target.mock)
    expect(target.mock.deviations.list()).toEqual([])
  })
})
