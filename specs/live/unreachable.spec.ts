import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { liveSend } from '../../scripts/live/engine-runner.ts'
import { runLiveNewman } from '../../scripts/live/newman-live.ts'
import { neverSentCode } from '../../scripts/live/refresher.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'
import { TokenStore } from '../../scripts/live/token-store.ts'
import { freePort, tempDir } from './support/process.ts'

/**
 * A refresh that never left the machine cannot have consumed the token: a connection refused
 * (a closed loopback port here), a failed name lookup or a connect timeout happen before a byte
 * of the request is written. Both live runners then clear the write-ahead record, so the same
 * token stays usable, instead of leaving it for the next start to call uncertain (which, without
 * a grace window, means signing in again).
 */
const RT = '7c1e9a3f5b2d4c6e8a0f1b3d5c7e9a2f4b6d8c0e1a3f5b7d9c2e4a6f8b0d1c3e'
const tmp = tempDir('unreachable')
let closed = ''
beforeAll(async () => {
  closed = `http://127.0.0.1:${await freePort()}`
})
afterAll(() => tmp.cleanup())

function storeAt(name: string): TokenStore {
  const store = TokenStore.open(join(tmp.dir, name, 'tokens.json'))
  store.saveNew({
    issuer: closed,
    clientId: 'isv_x',
    answer: { refresh_token: RT, access_token: 'a' },
    lifetimeDays: 30,
  })
  return store
}

describe('a refresh that never left the machine', () => {
  it('connection refused, DNS failure and connect timeout count as never sent; a reset or a timeout after connecting do not', () => {
    const err = (code: string) => Object.assign(new Error(code), { code })
    expect(neverSentCode(new TypeError('fetch failed', { cause: err('ECONNREFUSED') }))).toBe('ECONNREFUSED')
    expect(neverSentCode(err('ENOTFOUND'))).toBe('ENOTFOUND')
    expect(neverSentCode(err('UND_ERR_CONNECT_TIMEOUT'))).toBe('UND_ERR_CONNECT_TIMEOUT')
    const bothRefused = Object.assign(new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')]), {
      code: 'ECONNREFUSED',
    })
    expect(neverSentCode(bothRefused)).toBe('ECONNREFUSED')
    expect(neverSentCode(err('ECONNRESET'))).toBeUndefined()
    expect(neverSentCode(err('UND_ERR_SOCKET'))).toBeUndefined()
    expect(neverSentCode(new DOMException('timed out', 'TimeoutError'))).toBeUndefined()
  })

  it('the engine runner: a refresh to a closed port fails, and the in-flight record is cleared (the token stays usable)', async () => {
    const store = storeAt('engine')
    try {
      const send = liveSend(store, new SecretSet())
      await expect(
        send({
          method: 'POST',
          url: `${closed}/connect/token`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: RT }).toString(),
        }),
      ).rejects.toThrow()
      expect(store.load().inFlight).toBeUndefined()
      expect(store.load().refreshToken).toBe(RT)
      expect(store.isSpent(RT)).toBe(false)
    } finally {
      store.release()
    }
  })

  it('the Newman runner: a refresh to a closed port → HARNESS_CONNECT_UNREACHABLE, the record cleared, the token unchanged', async () => {
    const store = storeAt('newman')
    try {
      const collection = {
        info: {
          name: 'unreachable',
          schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
        },
        item: [
          {
            name: 'refresh',
            item: [
              {
                name: 'refresh · 1. refresh the grant',
                request: {
                  method: 'POST',
                  url: '{{connectUrl}}/connect/token',
                  body: {
                    mode: 'urlencoded',
                    urlencoded: [
                      { key: 'grant_type', value: 'refresh_token' },
                      { key: 'refresh_token', value: '{{refreshToken}}' },
                    ],
                  },
                },
              },
            ],
          },
        ],
      }
      const result = await runLiveNewman({
        collection,
        environment: { connectUrl: closed },
        collectionVariables: { refreshToken: RT, accessToken: '' },
        checks: ['refresh'],
        store,
        secrets: new SecretSet(),
        graceSeconds: 0,
      })
      expect(result.fatal?.code).toBe('HARNESS_CONNECT_UNREACHABLE')
      expect(result.fatal?.message).toMatch(/ECONNREFUSED.*nothing was sent.*still usable/)
      expect(store.load().inFlight).toBeUndefined()
      expect(store.load().refreshToken).toBe(RT)
    } finally {
      store.release()
    }
  })
})
