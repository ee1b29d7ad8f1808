import { describe, expect, it } from 'vitest'
import { buildCollection, SPENT_MARKER } from '../../collections/build.ts'

/**
 * The spent-token recorder opens the test script of exactly the requests whose form carries a
 * `refresh_token` (collections/build.ts GRANT_TEST); the guard before every request reads the
 * presented token from the urlencoded form too. A request that presented the run's refresh token
 * anywhere else (query, header, a raw, JSON or multipart body) would be seen by neither: its
 * rotation would not be recorded and a later run could replay the spent token, which makes Visma
 * revoke all access of the client and user (visma-connect-tokens, RFC 9700 §4.14.2).
 */
interface Item {
  name: string
  item?: Item[]
  event?: { listen: string; script: { exec: string[] } }[]
  request?: { body?: { mode?: string; urlencoded?: { key: string; value: string }[] } }
}
const requests: Item[] = []
const walk = (items: Item[]) => {
  for (const i of items) {
    if (i.request !== undefined) requests.push(i)
    if (i.item) walk(i.item)
  }
}
walk((buildCollection() as { item: Item[] }).item)
const CHAIN_REFRESH = /\{\{\s*refreshToken\s*\}\}/
const recorderLine = `pm.environment.set(${JSON.stringify(SPENT_MARKER)}`

describe('the spent-token recorder covers every request that can rotate the run’s grant', () => {
  it('the collection has requests that present {{refreshToken}}', () => {
    expect(requests.filter((i) => CHAIN_REFRESH.test(JSON.stringify(i.request))).length).toBeGreaterThan(2)
  })

  it('{{refreshToken}} is presented only as a urlencoded refresh_token field, where the guard and the recorder read it', () => {
    const elsewhere = requests.filter((i) => {
      const rest = structuredClone(i.request!)
      if (rest.body?.mode === 'urlencoded')
        rest.body.urlencoded = (rest.body.urlencoded ?? []).filter((p) => p.key !== 'refresh_token')
      return CHAIN_REFRESH.test(JSON.stringify(rest))
    })
    expect(elsewhere.map((i) => i.name)).toEqual([])
  })

  it('every request with a urlencoded refresh_token opens its test script with the recorder, before its own tests and captures (which overwrite refreshToken)', () => {
    const presenting = requests.filter(
      (i) =>
        i.request!.body?.mode === 'urlencoded' &&
        i.request!.body.urlencoded?.some((p) => p.key === 'refresh_token'),
    )
    expect(presenting.length).toBeGreaterThan(2)
    const missing = presenting.filter((i) => {
      const exec = i.event?.find((e) => e.listen === 'test')?.script.exec ?? []
      const at = exec.findIndex((line) => line.includes(recorderLine))
      const firstCapture = exec.findIndex((line) => /pm\.environment\.set\('refreshToken'|save\(/.test(line))
      return at < 0 || at > 4 || (firstCapture >= 0 && firstCapture < at)
    })
    expect(missing.map((i) => i.name)).toEqual([])
  })

  it('requests without a refresh_token field carry no recorder (it costs a sandbox execution a request)', () => {
    const extra = requests.filter(
      (i) =>
        !(i.request!.body?.urlencoded ?? []).some((p) => p.key === 'refresh_token') &&
        (i.event ?? []).some((e) => e.script.exec.some((line) => line.includes(recorderLine))),
    )
    expect(extra.map((i) => i.name)).toEqual([])
  })
})
