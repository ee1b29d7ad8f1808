import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../examples/good-app/server.ts'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
import { type ServedMock, serveMock } from '../../mocks/http/serve.ts'
import { defineClient } from '../../mocks/options.ts'
import { freePort } from '../../scripts/grade/app.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'
import { chromiumOptions } from '../support/chromium.ts'

/**
 * The mock's login and consent pages in a real browser: Debian's Chromium driven by
 * playwright-core (which never downloads a browser). The good example app starts the login;
 * the user signs in, sees who asks for what (client name, Dinero companies, scopes in plain
 * words) and allows, and the form_post page carries the code to the app, which exchanges it.
 * Cancel instead sends access_denied to the app. A missing /usr/bin/chromium fails loudly.
 */
const CLIENT_NAME = 'Good Example App'
const CLIENT_ID = 'isv_browser_example'
const SCREENSHOT = 'reports/consent-page.png'

interface Rig {
  mock: Mock
  served: ServedMock
  app: Server
  appUrl: string
  context: BrowserContext
  page: Page
  profile: string
}

async function startRig(): Promise<Rig> {
  const port = await freePort()
  const appUrl = `http://127.0.0.1:${port}`
  const secret = 'browser-example-secret'
  const mock = createMock({
    signingKey: await sharedSigningKey(),
    consent: 'interactive',
    clients: [
      defineClient({
        clientId: CLIENT_ID,
        clientName: CLIENT_NAME,
        secret,
        redirectUris: [`${appUrl}/callback`],
      }),
    ],
  })
  const served = await serveMock(mock, { port: 0 })
  const app = createApp({
    connectUrl: served.origin,
    apiUrl: served.origin,
    clientId: CLIENT_ID,
    clientSecret: secret,
    redirectUri: `${appUrl}/callback`,
    host: '127.0.0.1',
    port,
    scope: 'dineropublicapi:read dineropublicapi:write offline_access',
  })
  await new Promise<void>((resolve) => app.listen(port, '127.0.0.1', resolve))
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    ...chromiumOptions(),
    viewport: { width: 900, height: 760 },
  })
  const page = context.pages()[0] ?? (await context.newPage())
  return { mock, served, app, appUrl, context, page, profile }
}

async function signIn(rig: Rig): Promise<void> {
  const { page } = rig
  await page.goto(`${rig.appUrl}/login`)
  await page.waitForURL(/\/account\/login\?returnUrl=/)
  await expect(page.getByRole('heading', { name: 'Sign in to Visma Connect' }).isVisible()).resolves.toBe(
    true,
  )
  await page.fill('#email', 'user@example.com')
  await page.fill('#password', 'Passw0rd!')
  await Promise.all([page.waitForURL(/\/consent\?returnUrl=/), page.click('button[value=login]')])
}

async function appStatus(rig: Rig): Promise<Record<string, unknown>> {
  return (await (await fetch(`${rig.appUrl}/status`)).json()) as Record<string, unknown>
}

describe('consent page in headless Chromium', () => {
  let rig: Rig | undefined

  beforeAll(() => {
    chromiumOptions()
  })

  afterEach(async () => {
    if (rig === undefined) return
    await rig.context.close()
    await new Promise<void>((resolve) => {
      rig?.app.close(() => resolve())
      rig?.app.closeAllConnections()
    })
    await rig.served.close()
    await rm(rig.profile, { recursive: true, force: true })
    rig = undefined
  })

  it('sign in, consent page shows the client, its Dinero companies and the scopes in words; Allow → form_post → the app exchanges the code', async () => {
    rig = await startRig()
    const r = rig
    await signIn(r)
    const page = r.page
    await expect(
      page.getByRole('heading', { name: `${CLIENT_NAME} wants access` }).isVisible(),
    ).resolves.toBe(true)
    const scopes = await page.locator('ul.scopes li').allInnerTexts()
    expect(scopes.join('\n')).toContain('Read your Dinero data')
    expect(scopes.join('\n')).toContain('Create and change Dinero data')
    expect(scopes.join('\n')).toContain('Keep access when you are not using the app')
    const orgs = await page.locator('ul.orgs li').allInnerTexts()
    expect(orgs).toEqual(expect.arrayContaining(['Dinero Regnskab ApS', 'RN Consulting ApS']))
    await expect(page.getByText('user@example.com').isVisible()).resolves.toBe(true)
    await mkdir('reports', { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })

    await Promise.all([page.waitForURL(`${r.appUrl}/callback`), page.click('button[value=yes]')])
    await expect(page.getByRole('heading', { name: 'Connected' }).isVisible()).resolves.toBe(true)
    expect(await appStatus(r)).toEqual({ state: 'ok' })
    const exchanges = r.mock.journal
      .entries({ path: '/connect/token' })
      .filter((e) => e.details.grant_type === 'authorization_code')
    expect(exchanges.map((e) => [e.status, e.details.redirect_uri_matches, e.details.client_auth])).toEqual([
      [200, true, 'client_secret_basic'],
    ])
    // The browser really went through form_post: the authorize callback answered with the auto-submit page.
    const delivered = r.mock.journal.entries({ path: '/connect/authorize/callback' }).at(-1)
    expect([delivered?.status, delivered?.details.response_mode, delivered?.details.outcome]).toEqual([
      200,
      'form_post',
      'code',
    ])
  })

  it('Cancel on the consent page → the app receives error=access_denied and exchanges nothing', async () => {
    rig = await startRig()
    const r = rig
    await signIn(r)
    await Promise.all([r.page.waitForURL(`${r.appUrl}/callback`), r.page.click('button[value=no]')])
    await expect(r.page.getByText('access_denied').isVisible()).resolves.toBe(true)
    expect(await appStatus(r)).toEqual({ state: 'denied', detail: 'access_denied' })
    expect(r.mock.journal.entries({ path: '/connect/token' })).toEqual([])
  })
})
