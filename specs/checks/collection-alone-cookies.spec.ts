import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAlone, runFolders, type ServedCollectionMock, serveCollectionMock } from './collection-newman.ts'

/**
 * The collection's requests never keep cookies (protocolProfileBehavior.disableCookies), but
 * `pm.sendRequest` (the grant the collection obtains on the mock: authorize, then the code
 * exchange) uses the run's cookie jar: the mock's authorize sets its session cookie there. A folder
 * run alone starts with an empty jar, so runAlone must hand the next folder an empty one too.
 * A small loopback server stands in for the service: it sets a cookie on /set and echoes the
 * Cookie it receives on /echo.
 */
const pre = (lines: string[]) => [{ listen: 'prerequest', script: { type: 'text/javascript', exec: lines } }]
const folder = (name: string, path: string, test: string) => ({
  name,
  item: [
    {
      name: `${name} · 1. pm.sendRequest ${path}`,
      event: pre([
        `pm.sendRequest({ url: pm.variables.get('connectUrl') + '${path}' }, function (err, res) { ${test} });`,
      ]),
      request: { method: 'GET', header: [], url: '{{controlUrl}}/.well-known/openid-configuration' },
      protocolProfileBehavior: { disableCookies: true },
    },
  ],
})
const collection = {
  info: { name: 'cookies', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  item: [
    {
      name: 'area',
      item: [
        folder(
          'sets',
          '/set',
          "pm.test('the cookie was set', function () { pm.expect(err).to.equal(null); });",
        ),
        folder(
          'finds',
          '/echo',
          "pm.test('no cookie a folder before left in the jar', function () { pm.expect(res.json().cookie).to.equal(null); });",
        ),
      ],
    },
  ],
}

let target: ServedCollectionMock
let echo: Server
let environment: Record<string, string>
beforeAll(async () => {
  target = await serveCollectionMock()
  echo = createServer((req, res) => {
    if (req.url === '/set') res.setHeader('set-cookie', 'left=behind; Path=/')
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }))
  })
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  environment = {
    ...target.environment,
    connectUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`,
  }
})
afterAll(async () => {
  await target?.close()
  echo?.close()
})

describe('runAlone: a cookie pm.sendRequest received in one folder does not reach the next', () => {
  it('after a folder whose pm.sendRequest got a Set-Cookie, the next folder’s pm.sendRequest sends no Cookie, as when it runs alone', async () => {
    const run = await runAlone(
      collection,
      environment,
      [
        { folder: 'sets', deviations: [] },
        { folder: 'finds', deviations: [] },
      ],
      target.mock,
    )
    expect(run.harness).toEqual([])
    expect(run.cases).toEqual([
      { failures: [], assertions: 1 },
      { failures: [], assertions: 1 },
    ])
  })

  it('the same two folders in one plain run do carry the cookie (so the pin above can fail)', async () => {
    const run = await runFolders(collection, environment, ['sets', 'finds'])
    expect(run.failures).toEqual([
      "finds · 1. pm.sendRequest /echo: no cookie a folder before left in the jar: expected 'left=behind' to equal null",
    ])
  })
})
