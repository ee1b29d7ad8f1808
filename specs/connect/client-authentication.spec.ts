import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_REDIRECT_URIS, defineClient } from '../../mocks/options.ts'
import { basicHeader, obtainCode, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * is4-basic-secret-parser, duende-client-secret-validator: Basic (halves form-url-decoded) or body; every
 * failure is HTTP 400.
 */
const ODD_ID = 'isv_odd client+id'
const ODD_SECRET = 'se:cr+et %41/ü'

describe.each(TARGET_KINDS)('client authentication at the token endpoint (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind, {
      clients: [
        defineClient({ clientId: 'isv_conformance_test' }),
        defineClient({ clientId: ODD_ID, secret: ODD_SECRET, redirectUris: [...DEFAULT_REDIRECT_URIS] }),
      ],
    })
  })
  afterAll(() => target.close())

  const exchange = async (auth: Parameters<typeof token>[2], clientId = 'isv_conformance_test') => {
    const code = await obtainCode(target, { client_id: clientId })
    return token(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, auth)
  }

  it('client_secret_basic succeeds', async () => {
    expect((await exchange({ kind: 'basic' })).status).toBe(200)
    expect(target.mock.journal.entries({ path: '/connect/token' }).at(-1)?.details.client_auth).toBe(
      'client_secret_basic',
    )
  })

  it('client_secret_post succeeds', async () => {
    expect((await exchange({ kind: 'post' })).status).toBe(200)
    expect(target.mock.journal.entries({ path: '/connect/token' }).at(-1)?.details.client_auth).toBe(
      'client_secret_post',
    )
  })

  it('a wrong secret is refused with 400 invalid_client (never 401)', async () => {
    for (const auth of [
      { kind: 'basic', secret: 'wrong' },
      { kind: 'post', secret: 'wrong' },
    ] as const) {
      const reply = await exchange(auth)
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    }
  })

  it('an unknown client is refused with 400 invalid_client', async () => {
    const reply = await token(
      target,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { kind: 'post', clientId: 'isv_nobody' },
    )
    expect(reply.status).toBe(400)
    expect(reply.json()).toEqual({ error: 'invalid_client' })
  })

  it('no credentials at all is refused with 400 invalid_request (Duende)', async () => {
    const reply = await token(target, { grant_type: 'refresh_token', refresh_token: 'x' }, { kind: 'none' })
    expect(reply.status).toBe(400)
    expect(reply.json()).toEqual({ error: 'invalid_request' })
  })

  it('Basic credentials with characters needing encoding work when each half is form-url-encoded', async () => {
    expect((await exchange({ kind: 'basic', clientId: ODD_ID, secret: ODD_SECRET }, ODD_ID)).status).toBe(200)
  })

  it('Basic credentials sent without form-url-encoding are refused with invalid_client', async () => {
    const reply = await exchange({ kind: 'basic', clientId: ODD_ID, secret: ODD_SECRET, raw: true }, ODD_ID)
    expect(reply.status).toBe(400)
    expect(reply.json().error).toBe('invalid_client')
  })

  // Pins client-auth.malformed-basic-ignored (collections/behaviours.ts).
  it('a malformed Basic header falls back to the body credentials', async () => {
    const code = await obtainCode(target)
    const reply = await token(
      target,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { kind: 'post' },
      { headers: { authorization: 'Basic !!!not-base64' } },
    )
    expect(reply.status).toBe(200)
  })

  // Pins client-auth.basic-preferred (collections/behaviours.ts).
  it('the Basic header wins over body credentials when both carry a secret', async () => {
    const code = await obtainCode(target)
    const reply = await token(
      target,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'isv_conformance_test',
        client_secret: 'wrong',
      },
      { kind: 'none' },
      { headers: { authorization: basicHeader('isv_conformance_test', 'conformance-secret') } },
    )
    expect(reply.status).toBe(200)
  })
})
