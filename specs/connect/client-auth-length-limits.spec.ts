import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineClient } from '../../mocks/options.ts'
import { token } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * client-auth.length-limits (duende-input-length-restrictions, is4-post-body-secret-parser): a
 * client_id or client_secret over 100 characters is not accepted, even for a client registered
 * with it; at 100 characters it still authenticates. No catalogue check can show this: only a
 * client registered with such an id or secret tells the limit apart from a wrong one.
 */
const ID_100 = `isv_${'i'.repeat(96)}`
const SECRET_100 = 's'.repeat(100)
const ID_101 = `isv_${'i'.repeat(97)}`
const SECRET_101 = 's'.repeat(101)
const ID_OF_LONG_SECRET = 'isv_long_secret'

const bogusRefresh = { grant_type: 'refresh_token', refresh_token: 'not-a-real-refresh-token' }

describe('client-auth.length-limits: client_id and client_secret at most 100 characters', () => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget('in-process', {
      clients: [
        defineClient({ clientId: ID_100, secret: SECRET_100 }),
        defineClient({ clientId: ID_101, secret: SECRET_100 }),
        defineClient({ clientId: ID_OF_LONG_SECRET, secret: SECRET_101 }),
      ],
    })
  })
  afterAll(() => target.close())

  const errorOf = async (clientId: string, secret: string, kind: 'post' | 'basic') => {
    const reply = await token(target, bogusRefresh, { kind, clientId, secret })
    return { status: reply.status, body: reply.json() }
  }

  it.each(['post', 'basic'] as const)(
    'a 100-character client_id and secret authenticate (%s): a bogus refresh token then gets 400 invalid_grant',
    async (kind) => {
      expect(await errorOf(ID_100, SECRET_100, kind)).toEqual({
        status: 400,
        body: { error: 'invalid_grant' },
      })
    },
  )

  it.each(['post', 'basic'] as const)(
    'a registered 101-character client_id is refused with 400 invalid_client (%s)',
    async (kind) => {
      expect(await errorOf(ID_101, SECRET_100, kind)).toEqual({
        status: 400,
        body: { error: 'invalid_client' },
      })
    },
  )

  it.each(['post', 'basic'] as const)(
    'a registered 101-character client_secret is refused with 400 invalid_client (%s)',
    async (kind) => {
      expect(await errorOf(ID_OF_LONG_SECRET, SECRET_101, kind)).toEqual({
        status: 400,
        body: { error: 'invalid_client' },
      })
    },
  )
})
