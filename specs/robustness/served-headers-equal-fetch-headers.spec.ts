import { once } from 'node:events'
import { connect } from 'node:net'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mocks/create-mock.ts'
import { serveMock } from '../../mocks/http/serve.ts'
import { rawHeaders } from '../../mocks/http/served-request.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import { authorizeParams } from '../../scripts/targets/oauth.ts'

/**
 * The served adapter hands a route node's received headers (`rawHeaders`) as a stand-in for a
 * Fetch `Headers` whose `get` and `has` scan them directly (mocks/http/served-request.ts). A route
 * must read exactly what the real `Headers` msw hands it would give: names case-insensitive,
 * repeats joined in order (", ", but "; " for Cookie, as undici joins them), values trimmed of
 * HTTP whitespace. A bounded random loop over header lists with repeats, case variants and padding.
 */
const NAMES = [
  'Cookie',
  'cookie',
  'COOKIE',
  'Authorization',
  'authorization',
  'Content-Type',
  'X-Mock-Consent',
  'accept',
  'Set-Cookie',
  'x-a',
]
const VALUES = [
  'a=1',
  ' b=2 ',
  'mock.idsrv.session=abc',
  'Bearer x',
  '\tBearer y\t',
  '',
  ' ',
  'text/plain; charset=utf-8',
  'x, y',
  'é',
]

describe('served request headers read as Fetch Headers', () => {
  it('two Cookie lines are read joined with "; " (as undici joins them), so the session cookie in the second line is found', () => {
    const raw = ['Cookie', 'other=1', 'Cookie', 'mock.idsrv.session=abc']
    expect(rawHeaders(raw).get('cookie')).toBe('other=1; mock.idsrv.session=abc')
  })

  it('500 random header lists: get and has give what a real Headers gives, for every name asked in any case', () => {
    const line = fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES))
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const raw = lines.flat()
        const real = new Headers()
        for (const [name, value] of lines) real.append(name, value)
        const served = rawHeaders(raw)
        for (const name of [...NAMES, 'absent', 'ACCEPT']) {
          expect(served.get(name), `get(${name})`).toBe(real.get(name))
          expect(served.has(name), `has(${name})`).toBe(real.has(name))
        }
      }),
      { numRuns: 500 },
    )
  })

  it('served, direct and through msw: a session cookie sent in a second Cookie line is honoured by authorize prompt=none (302 with a code, not login_required)', async () => {
    const outcome: Record<string, string> = {}
    for (const dispatch of ['direct', 'msw'] as const) {
      const mock = createMock({ signingKey: await sharedSigningKey() })
      const served = await serveMock(mock, { port: 0, dispatch })
      try {
        const send = async (head: string): Promise<string> => {
          const socket = connect(Number(new URL(served.origin).port), '127.0.0.1')
          await once(socket, 'connect')
          socket.write(`${head}\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`)
          const chunks: Buffer[] = []
          for await (const chunk of socket) chunks.push(chunk as Buffer)
          return Buffer.concat(chunks).toString('latin1')
        }
        const login = await send(
          `GET /connect/authorize?${authorizeParams().toString()} HTTP/1.1\r\nx-mock-consent: accept`,
        )
        const session = /\r\nset-cookie: (mock\.idsrv\.session=[^;\r]*)/i.exec(login)?.[1]
        expect(session, login.slice(0, 200)).toBeDefined()
        const again = await send(
          `GET /connect/authorize?${authorizeParams({ prompt: 'none' }).toString()} HTTP/1.1\r\ncookie: theme=dark\r\ncookie: ${session}`,
        )
        const location = /\r\nlocation: ([^\r]*)/i.exec(again)?.[1] ?? ''
        outcome[dispatch] =
          `${again.slice(9, 12)} ${new URL(location, served.origin).searchParams.has('code') ? 'code' : (new URL(location, served.origin).searchParams.get('error') ?? 'none')}`
      } finally {
        await served.close()
        mock.close()
      }
    }
    expect(outcome).toEqual({ direct: '302 code', msw: '302 code' })
  })
})
