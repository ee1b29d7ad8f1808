import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock } from '../../mocks/create-mock.ts'
import { type ServedMock, serveMock } from '../../mocks/http/serve.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'

/**
 * The served adapter's direct dispatch (default) runs what each msw resolver runs; this holds it
 * equal to the msw path (`dispatch: 'msw'`, msw's `getResponse` over the candidates): the same
 * request sequence against two identical mocks gets the same statuses, content types and error
 * codes on every route of the table, under every method.
 */
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const
const FILL: Record<string, string> = {
  organizationId: '118244',
  guid: '8d7e4d2c-3f5a-4b6c-9d8e-1f2a3b4c5d6e',
}

describe('served adapter: direct dispatch equals msw getResponse', () => {
  const agent = new Agent({ connections: 4 })
  let direct: ServedMock
  let viaMsw: ServedMock
  let paths: string[]
  beforeAll(async () => {
    const options = {
      signingKey: await sharedSigningKey(),
      consent: 'auto' as const,
      dinero: { rateLimitPerMinute: 0 },
    }
    const a = createMock(options)
    const b = createMock(options)
    direct = await serveMock(a, { port: 0 })
    viaMsw = await serveMock(b, { port: 0, dispatch: 'msw' })
    paths = [...new Set(a.routes.map((r) => r.path.replace(/:(\w+)/g, (_, n: string) => FILL[n] ?? 'x')))]
    paths.push('/v1/118244/contacts/not-a-guid', '/V1/ORGANIZATIONS/', '/nothing')
  })
  afterAll(async () => {
    await agent.close()
    await direct?.close()
    await viaMsw?.close()
  })

  it('same status, content type and error code for every route × method', async () => {
    const shape = async (served: ServedMock, method: string, path: string) => {
      const res = await request(`${served.origin}${path}`, {
        method: method as 'GET',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', authorization: 'Bearer invalid' },
        ...(method === 'GET' ? {} : { body: '{}' }),
      })
      const text = await res.body.text()
      let code: unknown
      try {
        const json = JSON.parse(text) as Record<string, unknown>
        code = json.error ?? json.code
      } catch {}
      return `${res.statusCode} ${String(res.headers['content-type'] ?? '')} ${String(code)}`
    }
    const differences: string[] = []
    for (const path of paths) {
      for (const method of METHODS) {
        const [x, y] = [await shape(direct, method, path), await shape(viaMsw, method, path)]
        if (x !== y) differences.push(`${method} ${path}: direct ${x} / msw ${y}`)
      }
    }
    expect(differences).toEqual([])
  })
})
