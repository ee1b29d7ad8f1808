import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
import { type ServedMock, serveMock } from '../../mocks/http/serve.ts'
import { chromiumOptions } from '../support/chromium.ts'

/**
 * The cross-site request forgery that used to work, in a real browser: a page served from
 * another loopback port posts no-cors to the mock's control surface (the response is opaque to
 * the page, but the request still arrives). Debian's Chromium through playwright-core, as in
 * specs/browser/consent-page.spec.ts; a missing /usr/bin/chromium fails loudly.
 */

const attackPage = (mockOrigin: string) => `<!doctype html>
<title>innocent page</title>
<script>
window.attack = async () => {
  const origin = ${JSON.stringify(mockOrigin)}
  const shots = [
    { path: '/__mock/deviations', type: 'text/plain', body: '{"enable":["code.allow-reuse","refresh.no-rotation"]}' },
    { path: '/__MOCK/deviations', type: 'text/plain', body: '{"enable":["code.allow-reuse"]}' },
    { path: '/__mock/deviations', type: 'application/x-www-form-urlencoded', body: '{"enable":["code.allow-reuse"]}' },
    { path: '/__mock/deviations', body: new Blob(['{"enable":["code.allow-reuse"]}']) },
    { path: '/__mock/clock', type: 'text/plain', body: '{"advanceSeconds":86400}' },
  ]
  const sent = []
  for (const shot of shots) {
    const init = { method: 'POST', mode: 'no-cors', body: shot.body }
    if (shot.type) init.headers = { 'content-type': shot.type }
    const res = await fetch(origin + shot.path, init)
    sent.push(res.type)
  }
  return sent
}
</script>`

describe('CSRF from a page on another loopback port, in headless Chromium', () => {
  let mock: Mock
  let served: ServedMock
  let page: Server
  let pageUrl: string
  let context: BrowserContext
  let profile: string

  beforeAll(async () => {
    const launch = chromiumOptions()
    mock = createMock()
    served = await serveMock(mock, { port: 0 })
    page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(attackPage(served.origin))
    })
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`
    profile = await mkdtemp(join(tmpdir(), 'chromium-csrf-'))
    context = await chromium.launchPersistentContext(profile, launch)
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    await new Promise<void>((resolve) => {
      page?.close(() => resolve())
      page?.closeAllConnections()
    })
    await served?.close()
    if (profile) await rm(profile, { recursive: true, force: true })
  })

  it('no-cors POSTs to /__mock/* arrive, are refused with 403, and the deviations stay [] and the clock unmoved', async () => {
    const tab = context.pages()[0] ?? (await context.newPage())
    await tab.goto(pageUrl)
    const clockBefore = mock.clock.now()
    const sent = await tab.evaluate(() => (window as unknown as { attack(): Promise<string[]> }).attack())
    // Every request was sent (the browser hides the answer from the page, not the request).
    expect(sent).toEqual(['opaque', 'opaque', 'opaque', 'opaque', 'opaque'])
    const control = mock.journal.entries({ service: 'control' })
    expect(control.map((e) => [e.url, e.status, e.error])).toEqual([
      ['/__mock/deviations', 403, 'forbidden'],
      ['/__MOCK/deviations', 403, 'forbidden'],
      ['/__mock/deviations', 403, 'forbidden'],
      ['/__mock/deviations', 403, 'forbidden'],
      ['/__mock/clock', 403, 'forbidden'],
    ])
    expect(mock.deviations.list()).toEqual([])
    expect(mock.clock.now() - clockBefore).toBeLessThan(60_000)
    const state = (await (await fetch(`${served.origin}/__mock/deviations`)).json()) as { enabled: string[] }
    expect(state.enabled).toEqual([])
  })
})
