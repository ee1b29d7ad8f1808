import { createMock, defineClient } from 'dinero-conformance'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  authorizeUrl,
  codeFromCallback,
  type DineroConfig,
  exchangeCode,
  listOrganizations,
} from '../src/dinero.ts'

const config: DineroConfig = {
  connectUrl: 'https://connect.visma.com',
  apiUrl: 'https://api.dinero.dk',
  clientId: 'isv_consumer_example',
  clientSecret: 'consumer-example-secret',
  redirectUri: 'http://127.0.0.1:8976/callback',
}

// The app's own registration, and `consent: 'auto'`: the seeded user logs in and consents with no page.
const mock = createMock({
  clients: [
    defineClient({
      clientId: config.clientId,
      secret: config.clientSecret,
      redirectUris: [config.redirectUri],
    }),
  ],
  consent: 'auto',
})
const server = setupServer(...mock.handlers)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe('the Dinero client against dinero-conformance', () => {
  it('authorize → code → token → GET /v1/organizations?fields=Name,Id,IsPro lists the organisations', async () => {
    const state = crypto.randomUUID()
    const consent = await fetch(authorizeUrl(config, state), { redirect: 'manual' })
    expect(consent.status).toBe(302)
    const code = codeFromCallback(consent.headers.get('location') ?? '', state)

    const tokens = await exchangeCode(config, code)
    expect(tokens.token_type).toBe('Bearer')

    const organizations = await listOrganizations(config, tokens.access_token)
    expect(organizations.length).toBeGreaterThan(0)
    for (const org of organizations) expect(Object.keys(org)).toEqual(['Name', 'Id', 'IsPro'])
  })

  it('a second exchange of the same code is 400 invalid_grant (RFC 6749 §4.1.2: single use)', async () => {
    const state = crypto.randomUUID()
    const consent = await fetch(authorizeUrl(config, state), { redirect: 'manual' })
    const code = codeFromCallback(consent.headers.get('location') ?? '', state)
    await exchangeCode(config, code)
    await expect(exchangeCode(config, code)).rejects.toThrow('token endpoint answered 400 invalid_grant')
  })
})
