import type { Mock } from '../../mocks/create-mock.ts'
import type { Target } from '../../scripts/targets/targets.ts'

/**
 * A Target over plain fetch for a mock served by the spec itself (with options `startTarget`
 * does not take: short timeouts, a small body limit), for scripts/targets/oauth.ts's flows.
 */
export function fetchTarget(mock: Mock, origin: string): Target {
  return {
    kind: 'served',
    mock,
    connect: origin,
    api: origin,
    async call(_service, pathOrUrl, init = {}) {
      const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${origin}${pathOrUrl}`, {
        method: init.method ?? 'GET',
        redirect: 'manual',
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
      })
      const text = await res.text()
      return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) }
    },
    close: async () => {},
  }
}
