import { describe, expect, it } from 'vitest'
import { NON_PRO_ORGANISATION_ID, PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { DEFAULT_USER, defaultClients, defineClient } from '../../mocks/options.ts'
import { token } from '../../scripts/targets/oauth.ts'
import type { startTarget, Target } from '../../scripts/targets/targets.ts'
import { dineroApi, dineroError, tokenFor } from '../support/dinero-session.ts'
import { targetPerTest } from '../support/target-per-test.ts'

/**
 * The gate in front of every Dinero operation (dinero-api-docs, dinero-api-errors, dinero-openapi
 * scopes) at the edges the mutation run left in auth.ts (issue #16): the exact messages and
 * challenges, the organisation id's shape, the anonymous-access and no-token-expiry deviations
 * switching off only their own step, and a token that names no user.
 */
const SERVICE_CLIENT = 'isv_service_caller'

type StartOptions = NonNullable<Parameters<typeof startTarget>[1]>

/** A frozen-clock target for one test, closed after it, so the requests belong to that test. */
const start = targetPerTest('in-process')
const withTarget = async <T>(options: StartOptions, run: (target: Target) => Promise<T>): Promise<T> =>
  run(await start(options))

/** A token with a valid signature over claims the mock never issued: the last signature bytes swapped. */
const tampered = (jwt: string) => {
  const [h, p, s] = jwt.split('.') as [string, string, string]
  return `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
}

describe('Dinero gate: token (dinero-api-docs; RFC 6750 §3.1)', () => {
  it('401 code 41 without a token: "Authorization has been denied for this request.", WWW-Authenticate: Bearer', async () => {
    await withTarget({}, async (target) => {
      const reply = await dineroApi(target, undefined).get(`/v1/${PRO_ORGANISATION_ID}/contacts`)
      expect(reply.status).toBe(401)
      expect(reply.headers.get('www-authenticate')).toBe('Bearer')
      expect(dineroError(reply)).toEqual({
        code: 41,
        message: 'Authorization has been denied for this request.',
      })
    })
  })

  it('under dinero.no-token-expiry a badly signed (not expired) token is still 401 code 41 "The access token is invalid"', async () => {
    await withTarget({ deviations: ['dinero.no-token-expiry'] }, async (target) => {
      const bad = tampered(await tokenFor(target))
      const reply = await dineroApi(target, bad).get(`/v1/${PRO_ORGANISATION_ID}/contacts`)
      expect(reply.status).toBe(401)
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
      expect(dineroError(reply)).toEqual({ code: 41, message: 'The access token is invalid' })
    })
  })

  it('under dinero.no-token-expiry an expired token is let through (200), the deviation switching off only the expiry', async () => {
    await withTarget({ deviations: ['dinero.no-token-expiry'] }, async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      target.mock.clock.advance(3601_000)
      expect((await api.get(`/v1/${PRO_ORGANISATION_ID}/contacts`)).status).toBe(200)
    })
  })

  it('403 code 41 "The access token does not represent a user" for a client-credentials token (no sub)', async () => {
    await withTarget(
      {
        clients: [
          ...defaultClients(),
          defineClient({ clientId: SERVICE_CLIENT, allowedGrantTypes: ['client_credentials'] }),
        ],
      },
      async (target) => {
        const tokens = await token(
          target,
          { grant_type: 'client_credentials', scope: 'dineropublicapi:read dineropublicapi:write' },
          { kind: 'post', clientId: SERVICE_CLIENT },
        )
        expect(tokens.status, tokens.text).toBe(200)
        const access = tokens.json<{ access_token: string }>().access_token
        for (const path of ['/v1/organizations', `/v1/${PRO_ORGANISATION_ID}/contacts`]) {
          const reply = await dineroApi(target, access).get(path)
          expect(reply.status).toBe(403)
          expect(dineroError(reply)).toEqual({
            code: 41,
            message: 'The access token does not represent a user',
          })
        }
      },
    )
  })
})

describe('Dinero gate: anonymous-access deviation', () => {
  it('under dinero.anonymous-access a request without a token acts as the first configured user (their organisations, 200), not the default user', async () => {
    const user = {
      ...DEFAULT_USER,
      subject: 'c0ffee00-0000-4000-8000-000000000001',
      email: 'other@example.com',
    }
    await withTarget({ deviations: ['dinero.anonymous-access'], users: [user] }, async (target) => {
      const reply = await dineroApi(target, undefined).get(`/v1/${PRO_ORGANISATION_ID}/contacts`)
      expect(reply.status, reply.text).toBe(200)
    })
  })

  it('under dinero.anonymous-access with no users configured a request without a token acts as the default user (200 on the organisation list), not a 500', async () => {
    await withTarget({ deviations: ['dinero.anonymous-access'], users: [] }, async (target) => {
      const reply = await dineroApi(target, undefined).get('/v1/organizations')
      expect(reply.status, reply.text).toBe(200)
    })
  })

  it('under dinero.anonymous-access the anonymous caller holds both Dinero scopes: a GET and a POST pass the scope step', async () => {
    await withTarget({ deviations: ['dinero.anonymous-access'] }, async (target) => {
      const api = dineroApi(target, undefined)
      expect((await api.get(`/v1/${PRO_ORGANISATION_ID}/contacts`)).status).toBe(200)
      const created = await api.post(`/v1/${PRO_ORGANISATION_ID}/contacts`, {
        Name: 'Anonym',
        CountryKey: 'DK',
        IsPerson: false,
        IsMember: false,
        UseCvr: false,
      })
      expect(created.status, created.text).toBe(200)
    })
  })
})

describe('Dinero gate: scope (dinero-openapi: dineropublicapi:read / :write; RFC 6750 §3.1)', () => {
  it('a GET with a read-only token passes (200); a POST is 403 code 41 "The access token lacks the scope dineropublicapi:write" with WWW-Authenticate insufficient_scope', async () => {
    await withTarget({}, async (target) => {
      const api = dineroApi(target, await tokenFor(target, { scopes: ['dineropublicapi:read'] }))
      expect((await api.get(`/v1/${PRO_ORGANISATION_ID}/contacts`)).status).toBe(200)
      const reply = await api.post(`/v1/${PRO_ORGANISATION_ID}/contacts`, {})
      expect(reply.status).toBe(403)
      expect(reply.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", scope="dineropublicapi:write"',
      )
      expect(dineroError(reply)).toEqual({
        code: 41,
        message: 'The access token lacks the scope dineropublicapi:write',
      })
    })
  })

  it('a GET with a write-only token is 403 code 41 "The access token lacks the scope dineropublicapi:read" with WWW-Authenticate insufficient_scope, scope="dineropublicapi:read"', async () => {
    await withTarget({}, async (target) => {
      const api = dineroApi(target, await tokenFor(target, { scopes: ['dineropublicapi:write'] }))
      const reply = await api.get(`/v1/${PRO_ORGANISATION_ID}/contacts`)
      expect(reply.status).toBe(403)
      expect(reply.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", scope="dineropublicapi:read"',
      )
      expect(dineroError(reply)).toEqual({
        code: 41,
        message: 'The access token lacks the scope dineropublicapi:read',
      })
    })
  })
})

describe('Dinero gate: organisation in the path (dinero-api-errors)', () => {
  it('404 code 40 "Organization was not found" for an id that is not all digits, though JavaScript reads it as the organisation (118244.0, +118244, 0x1CDE4, 118244e0)', async () => {
    await withTarget({}, async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      expect((await api.get(`/v1/${PRO_ORGANISATION_ID}/contacts`)).status).toBe(200)
      for (const raw of ['118244.0', '+118244', '0x1CDE4', '118244e0', '%20118244']) {
        const reply = await api.get(`/v1/${raw}/contacts`)
        expect(reply.status, raw).toBe(404)
        expect(dineroError(reply), raw).toEqual({ code: 40, message: 'Organization was not found' })
      }
    })
  })

  it('an id of up to 9 digits is read as a number: 000118244 is the organisation (200); 10 digits (0000118244) is 404 code 40', async () => {
    await withTarget({}, async (target) => {
      const api = dineroApi(target, await tokenFor(target))
      expect((await api.get('/v1/000118244/contacts')).status).toBe(200)
      const reply = await api.get('/v1/0000118244/contacts')
      expect(reply.status).toBe(404)
      expect(dineroError(reply).code).toBe(40)
    })
  })

  it('403 code 41 "You do not have access to this organization" for another user\'s organisation', async () => {
    await withTarget({}, async (target) => {
      const reply = await dineroApi(target, await tokenFor(target)).get('/v1/500001/contacts')
      expect(reply.status).toBe(403)
      expect(dineroError(reply)).toEqual({
        code: 41,
        message: 'You do not have access to this organization',
      })
    })
  })

  it('403 code 90 with the Pro sentence for an organisation without Dinero Pro', async () => {
    await withTarget({}, async (target) => {
      const reply = await dineroApi(target, await tokenFor(target)).get(
        `/v1/${NON_PRO_ORGANISATION_ID}/contacts`,
      )
      expect(reply.status).toBe(403)
      expect(dineroError(reply)).toEqual({
        code: 90,
        message:
          'The organization does not have an active Dinero Pro subscription, which is required to use the API',
      })
    })
  })
})
