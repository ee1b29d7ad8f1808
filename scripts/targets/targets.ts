import { setupServer } from 'msw/node'
import { Agent, request as undiciRequest } from 'undici'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
import type { DeviationId } from '../../mocks/deviations.ts'
import { serveMock } from '../../mocks/http/serve.ts'
import type { MockOptions } from '../../mocks/options.ts'
import { sharedSigningKey } from './keys.ts'

/**
 * The two ways a spec reaches a mock: in-process (msw `setupServer`, global fetch to
 * connect.visma.com / api.dinero.dk) and served (a real port, undici with a keep-alive agent).
 * Every flow spec runs against both, which proves the served adapter equal to msw.
 */
export interface Reply {
  status: number
  headers: Headers
  text: string
  json<T = Record<string, unknown>>(): T
}

export interface CallInit {
  method?: string
  headers?: Record<string, string>
  /** Bytes go as they are; a string under fetch (in-process) gains `text/plain` unless a content type is given. */
  body?: string | URLSearchParams | Uint8Array<ArrayBuffer>
}

export interface Target {
  kind: 'in-process' | 'served'
  mock: Mock
  connect: string
  api: string
  /** A request that does not follow redirects; `url` is absolute or a path on the service. */
  call(service: 'connect' | 'api', pathOrUrl: string, init?: CallInit): Promise<Reply>
  close(): Promise<void>
}

export type TargetKind = Target['kind']
export const TARGET_KINDS: TargetKind[] = ['in-process', 'served']

function reply(status: number, headers: Headers, text: string): Reply {
  return { status, headers, text, json: () => JSON.parse(text) }
}

export async function startTarget(
  kind: TargetKind,
  options: MockOptions & {
    deviations?: readonly DeviationId[]
    /** Served only: how the adapter runs a route (mocks/http/serve.ts `ServeOptions.dispatch`). */
    dispatch?: 'direct' | 'msw'
  } = {},
): Promise<Target> {
  const { dispatch, ...mockOptions } = options
  const mock = createMock({ signingKey: await sharedSigningKey(), ...mockOptions })
  return targetFor(kind, mock, dispatch)
}

/**
 * A target around a mock made elsewhere (one with a key of its own, say); it closes the mock
 * when it closes. `startTarget` makes the mock with the shared signing key and calls this.
 */
export async function targetFor(kind: TargetKind, mock: Mock, dispatch?: 'direct' | 'msw'): Promise<Target> {
  if (kind === 'in-process') {
    const server = setupServer(...mock.handlers)
    server.listen({ onUnhandledRequest: 'error' })
    const connect = mock.options.connectOrigin
    const api = mock.options.apiOrigin
    return {
      kind,
      mock,
      connect,
      api,
      async call(service, pathOrUrl, init = {}) {
        const url = pathOrUrl.startsWith('http')
          ? pathOrUrl
          : `${service === 'connect' ? connect : api}${pathOrUrl}`
        const res = await fetch(url, {
          method: init.method ?? 'GET',
          redirect: 'manual',
          ...(init.headers ? { headers: init.headers } : {}),
          ...(init.body !== undefined ? { body: init.body } : {}),
        })
        return reply(res.status, res.headers, await res.text())
      },
      async close() {
        server.close()
        // The target made this mock: its pending webhook retries end with it.
        mock.close()
      },
    }
  }
  const served = await serveMock(mock, { port: 0, ...(dispatch ? { dispatch } : {}) })
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 })
  return {
    kind,
    mock,
    connect: served.origin,
    api: served.origin,
    async call(_service, pathOrUrl, init = {}) {
      const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${served.origin}${pathOrUrl}`
      const headers: Record<string, string> = { ...init.headers }
      let body: string | Uint8Array<ArrayBuffer> | undefined
      if (init.body instanceof URLSearchParams) {
        body = init.body.toString()
        headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8'
      } else body = init.body
      const res = await undiciRequest(url, {
        method: (init.method ?? 'GET') as 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher: agent,
      })
      const h = new Headers()
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) h.append(k, x)
        else if (v !== undefined) h.set(k, v)
      }
      return reply(res.statusCode, h, await res.body.text())
    },
    async close() {
      await agent.close()
      await served.close()
      mock.close()
    },
  }
}
