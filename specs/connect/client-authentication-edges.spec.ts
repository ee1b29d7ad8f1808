import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  defaultClients,
  defineClient,
} from '../../mocks/options.ts'
import { basicHeader } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * Client authentication at its edges (RFC 6749 §2.3.1, is4-basic-secret-parser,
 * duende-client-secret-validator, duende-input-length-restrictions): the Basic header's scheme,
 * padding and decoding, the fallback to body credentials, the 100-character limits and public
 * clients. A request that authenticates reaches the grant, which refuses its unknown refresh token
 * with invalid_grant; one that does not stops at invalid_client or invalid_request. Each case here
 * was a mutant of mocks/connect/client-auth.ts that no other spec noticed (docs/MUTATION.md).
 */
const LONG_ID = `isv_${'l'.repeat(96)}`
const LONG_SECRET = 's'.repeat(100)
const PUBLIC_ID = 'isv_conformance_public'
/** Registered, yet past the limits: Duende's parsers never hand such a value to the validator. */
const TOO_LONG_ID = `${LONG_ID}x`
const LONG_SECRET_ID = 'isv_conformance_long_secret'

describe.each(TARGET_KINDS)('client authentication edges (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind, {
      clients: [
        ...defaultClients(),
        defineClient({ clientId: LONG_ID, secret: LONG_SECRET }),
        defineClient({ clientId: PUBLIC_ID, secret: null, requirePkce: true }),
        defineClient({ clientId: TOO_LONG_ID }),
        defineClient({ clientId: LONG_SECRET_ID, secret: `${LONG_SECRET}s` }),
      ],
    })
  })
  afterAll(() => target.close())

  /** A refresh request with an unknown token: authenticated → invalid_grant from the grant. */
  const send = (authorization: string | undefined, body: Record<string, string> = {}) =>
    target.call('connect', '/connect/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'F'.repeat(64), ...body }),
    })
  const clientAuth = () => target.mock.journal.entries({ path: '/connect/token' }).at(-1)?.details.client_auth
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
  const postCredentials = { client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET }

  describe('the Basic header (RFC 6749 §2.3.1)', () => {
    it.each(['basic', 'BASIC'])(
      'the scheme "%s" is case-insensitive → authenticated (invalid_grant)',
      async (scheme) => {
        const header = basicHeader(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET).replace(/^Basic/, scheme)
        expect((await send(header)).json()).toEqual({ error: 'invalid_grant' })
        expect(clientAuth()).toBe('client_secret_basic')
      },
    )

    it('spaces between the scheme and the credentials are ignored → authenticated (invalid_grant)', async () => {
      const header = basicHeader(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET).replace(/^Basic /, 'Basic   ')
      expect((await send(`${header}  `)).json()).toEqual({ error: 'invalid_grant' })
    })

    it.each([
      ['no colon', `Basic ${b64(DEFAULT_CLIENT_ID)}`],
      ['an empty client id', `Basic ${b64(`:${DEFAULT_CLIENT_SECRET}`)}`],
      ['invalid base64', 'Basic !!!!'],
      [
        'three padding characters',
        `Basic ${b64(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).replace(/=*$/, '===')}`,
      ],
      ['nothing after the scheme', 'Basic '],
      ['another scheme', `Bearer ${b64(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`)}`],
    ])('a Basic header with %s counts as no credentials → 400 invalid_request', async (_, header) => {
      const reply = await send(header)
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_request' })
    })

    it.each([
      ['the id', `Basic ${b64(`%zz:${DEFAULT_CLIENT_SECRET}`)}`],
      ['the secret', `Basic ${b64(`${DEFAULT_CLIENT_ID}:100%`)}`],
    ])(
      'an escape that is none in %s stays as written (Uri.UnescapeDataString, is4-basic-secret-parser): an unknown client or a wrong secret → 400 invalid_client',
      async (_, header) => {
        const reply = await send(header)
        expect(reply.status).toBe(400)
        expect(reply.json()).toEqual({ error: 'invalid_client' })
      },
    )

    it('a Basic header with no colon falls back to the body credentials → authenticated by post', async () => {
      expect((await send(`Basic ${b64(DEFAULT_CLIENT_ID)}`, postCredentials)).json()).toEqual({
        error: 'invalid_grant',
      })
      expect(clientAuth()).toBe('client_secret_post')
    })

    it('a Basic header with an id but no secret gives way to a body secret → authenticated by post', async () => {
      expect((await send(`Basic ${b64(`${DEFAULT_CLIENT_ID}:`)}`, postCredentials)).json()).toEqual({
        error: 'invalid_grant',
      })
      expect(clientAuth()).toBe('client_secret_post')
    })

    it('a Basic header with an id but no secret, and nothing in the body → 400 invalid_client', async () => {
      const reply = await send(`Basic ${b64(`${DEFAULT_CLIENT_ID}:`)}`)
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    })

    it('a wrong Basic secret is not rescued by a right body secret → 400 invalid_client', async () => {
      const reply = await send(basicHeader(DEFAULT_CLIENT_ID, 'wrong'), postCredentials)
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    })
  })

  describe('body credentials', () => {
    it('an empty client_secret in the body is no secret → 400 invalid_client for a confidential client', async () => {
      const reply = await send(undefined, { client_id: DEFAULT_CLIENT_ID, client_secret: '' })
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    })

    it('an empty client_id in the body is no client → 400 invalid_request', async () => {
      const reply = await send(undefined, { client_id: '', client_secret: DEFAULT_CLIENT_SECRET })
      expect(reply.json()).toEqual({ error: 'invalid_request' })
    })

    it('a secret one character short of the right one → 400 invalid_client', async () => {
      const reply = await send(undefined, {
        client_id: DEFAULT_CLIENT_ID,
        client_secret: DEFAULT_CLIENT_SECRET.slice(0, -1),
      })
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    })
  })

  describe('length limits (100 characters) and public clients', () => {
    it('a 100-character client id with a 100-character secret → authenticated (invalid_grant)', async () => {
      expect((await send(basicHeader(LONG_ID, LONG_SECRET))).json()).toEqual({ error: 'invalid_grant' })
      expect((await send(undefined, { client_id: LONG_ID, client_secret: LONG_SECRET })).json()).toEqual({
        error: 'invalid_grant',
      })
    })

    it('a 101-character client id, even a registered one with its right secret → 400 invalid_client', async () => {
      const reply = await send(undefined, { client_id: TOO_LONG_ID, client_secret: DEFAULT_CLIENT_SECRET })
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    })

    it('a 101-character secret, even the registered one → 400 invalid_client', async () => {
      const reply = await send(undefined, { client_id: LONG_SECRET_ID, client_secret: `${LONG_SECRET}s` })
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    })

    it('a public client (no secret) authenticates by its id alone, as method none (invalid_grant)', async () => {
      expect((await send(undefined, { client_id: PUBLIC_ID })).json()).toEqual({ error: 'invalid_grant' })
      expect(clientAuth()).toBe('none')
    })

    it('a public client that sends a secret anyway is still method none (invalid_grant)', async () => {
      expect((await send(basicHeader(PUBLIC_ID, 'anything'))).json()).toEqual({ error: 'invalid_grant' })
      expect(clientAuth()).toBe('none')
    })
  })
})
