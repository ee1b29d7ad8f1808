import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import {
  FOREIGN_ORGANISATION_ID,
  NON_PRO_ORGANISATION_ID,
  PRO_ORGANISATION_ID,
} from '../../mocks/dinero/seed.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { dineroApi, tokenFor } from '../support/dinero-session.ts'

const contact = { Name: 'Scope Test', CountryKey: 'DK', IsPerson: false, IsMember: false, UseCvr: false }
const errorOf = (text: string) => DineroErrorBody.parse(JSON.parse(text))

/** dinero-api-docs, dinero-api-errors: bearer tokens, scopes, organisation access and the Pro requirement. */
describe.each(TARGET_KINDS)('Dinero API access control (%s)', (kind) => {
  let target: Target
  let token: string
  beforeAll(async () => {
    target = await startTarget(kind, { clock: { frozen: true } })
    token = await tokenFor(target)
  })
  afterAll(() => target.close())

  // Pins dinero.no-token-401.
  it('401 code 41 without a token, with WWW-Authenticate: Bearer', async () => {
    const reply = await dineroApi(target, undefined).get('/v1/organizations')
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toBe('Bearer')
    expect(errorOf(reply.text).code).toBe(41)
  })

  it('401 code 41 with a token that is not a valid JWT, WWW-Authenticate error="invalid_token"', async () => {
    const reply = await dineroApi(target, 'not.a.jwt').get(`/v1/${PRO_ORGANISATION_ID}/contacts`)
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    expect(errorOf(reply.text).code).toBe(41)
  })

  it('401 code 41 with a tampered signature', async () => {
    const [h, p, s] = token.split('.') as [string, string, string]
    const tampered = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
    const reply = await dineroApi(target, tampered).get('/v1/organizations')
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  // Pins dinero.scope-403-41.
  it('403 code 41 for a POST with a read-only token, naming the missing write scope', async () => {
    const readOnly = await tokenFor(target, { scopes: ['dineropublicapi:read'] })
    const api = dineroApi(target, readOnly)
    expect((await api.get(`/v1/${PRO_ORGANISATION_ID}/contacts`)).status).toBe(200)
    const reply = await api.post(`/v1/${PRO_ORGANISATION_ID}/contacts`, contact)
    expect(reply.status).toBe(403)
    expect(errorOf(reply.text)).toMatchObject({
      code: 41,
      message: expect.stringContaining('dineropublicapi:write'),
    })
  })

  it('403 code 41 for a GET with a write-only token', async () => {
    const writeOnly = await tokenFor(target, { scopes: ['dineropublicapi:write'] })
    const reply = await dineroApi(target, writeOnly).get(`/v1/${PRO_ORGANISATION_ID}/contacts`)
    expect(reply.status).toBe(403)
    expect(errorOf(reply.text)).toMatchObject({
      code: 41,
      message: expect.stringContaining('dineropublicapi:read'),
    })
  })

  // Pins dinero.no-pro-403-90.
  it('403 code 90 on an organisation without Pro', async () => {
    const reply = await dineroApi(target, token).get(`/v1/${NON_PRO_ORGANISATION_ID}/contacts`)
    expect(reply.status).toBe(403)
    expect(errorOf(reply.text).code).toBe(90)
  })

  // Pins dinero.organisation-no-access-403-41.
  it('403 code 41 on an organisation that belongs to another user', async () => {
    const reply = await dineroApi(target, token).get(`/v1/${FOREIGN_ORGANISATION_ID}/contacts`)
    expect(reply.status).toBe(403)
    expect(errorOf(reply.text).code).toBe(41)
  })

  // Pins dinero.organisation-in-path.
  it('404 code 40 on an organisation id that does not exist', async () => {
    const reply = await dineroApi(target, token).get('/v1/999999/contacts')
    expect(reply.status).toBe(404)
    expect(errorOf(reply.text).code).toBe(40)
  })

  it('404 code 40 on an organisation id that is not a number', async () => {
    const reply = await dineroApi(target, token).get('/v1/acme/contacts')
    expect(reply.status).toBe(404)
    expect(errorOf(reply.text).code).toBe(40)
  })

  // Pins dinero.error-body-camel-case.
  it('error bodies are camelCase JSON with application/json; charset=utf-8', async () => {
    const reply = await dineroApi(target, token).get('/v1/999999/contacts')
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(Object.keys(reply.json())).toEqual(['code', 'message'])
  })
})

/**
 * observed-visma-token-response, dinero-api-errors: access tokens live 3600 s; the API refuses them after
 * that.
 */
describe.each(TARGET_KINDS)('Dinero API with an expired token (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind, { clock: { frozen: true } })
  })
  afterAll(() => target.close())

  // Pins dinero.expired-token-401.
  it('401 code 41 with an expired token (clock advanced past 3600 s), WWW-Authenticate error="invalid_token"', async () => {
    const api = dineroApi(target, await tokenFor(target))
    expect((await api.get('/v1/organizations')).status).toBe(200)
    target.mock.clock.advance(3601_000)
    const reply = await api.get('/v1/organizations')
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    expect(errorOf(reply.text)).toMatchObject({ code: 41, message: expect.stringMatching(/expired/) })
  })
})

/** dinero-api-errors: 100 requests a minute per organisation, here 5 to keep it short. */
describe.each(TARGET_KINDS)('Dinero rate limit (%s)', (kind) => {
  let target: Target
  let token: string
  beforeAll(async () => {
    target = await startTarget(kind, { clock: { frozen: true }, dinero: { rateLimitPerMinute: 5 } })
    token = await tokenFor(target)
  })
  afterAll(() => target.close())

  // Pins dinero.rate-limit-429-43 and dinero.rate-limit-message.
  it('429 code 43 with the documented message and no Retry-After once the limit is used, other organisations unaffected, and 200 again after 60 s', async () => {
    const api = dineroApi(target, token)
    const path = `/v1/${PRO_ORGANISATION_ID}/accounts/deposit`
    for (let i = 0; i < 5; i++) expect((await api.get(path)).status).toBe(200)
    target.mock.clock.advance(10_000)
    const limited = await api.get(path)
    expect(limited.status).toBe(429)
    expect(JSON.parse(limited.text)).toEqual({
      code: 43,
      message:
        'You have exceeded the maximum amount of 5 requests a minute pr. organization, wait a minute and continue',
    })
    expect(limited.headers.get('retry-after')).toBeNull()
    expect([...limited.headers.keys()].filter((h) => h.startsWith('x-ratelimit'))).toEqual([])
    expect((await api.get('/v1/148383/accounts/deposit')).status).toBe(200)
    expect((await api.get('/v1/organizations')).status).toBe(200)
    target.mock.clock.advance(50_000)
    expect((await api.get(path)).status).toBe(200)
  })

  it('with the retryAfter setting on (opt-in), the 429 says Retry-After: the seconds until the window has room', async () => {
    target.mock.clock.advance(60_000)
    const settings = (body: unknown) =>
      target.call('connect', '/__mock/settings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await settings({ dinero: { retryAfter: true } })).status).toBe(200)
    const api = dineroApi(target, token)
    const path = `/v1/${PRO_ORGANISATION_ID}/accounts/deposit`
    for (let i = 0; i < 5; i++) await api.get(path)
    target.mock.clock.advance(10_000)
    const limited = await api.get(path)
    await settings({ dinero: { retryAfter: false } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('50')
    target.mock.clock.advance(60_000)
  })

  it('requests refused before the gate (401) do not count against the limit', async () => {
    target.mock.clock.advance(60_000)
    const anonymous = dineroApi(target, undefined)
    for (let i = 0; i < 6; i++) expect((await anonymous.get('/v1/148383/contacts')).status).toBe(401)
    expect((await dineroApi(target, token).get('/v1/148383/contacts')).status).toBe(200)
  })
})
