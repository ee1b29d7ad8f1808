import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../mocks/options.ts'
import { basicHeader, codeFlow, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * Pins revocation.basic-documented: the revocation request exactly as Visma documents it
 * (visma-connect-token-revocation): Basic `client_id:client_secret`, a form body with `token` and
 * an optional `token_type_hint`.
 */
describe.each(TARGET_KINDS)('revocation as Visma documents it (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  const revoke = (form: Record<string, string>) =>
    target.call('connect', '/connect/revocation', {
      method: 'POST',
      headers: {
        authorization: basicHeader(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
    })

  const refreshWith = async (refreshToken: string) =>
    (await token(target, { grant_type: 'refresh_token', refresh_token: refreshToken })).json()

  it.each([
    ['with token_type_hint=refresh_token', { token_type_hint: 'refresh_token' }],
    ['without token_type_hint', {}],
  ])(
    'Basic client credentials, token %s → 200 with an empty body; the refresh token then → 400 invalid_grant',
    async (_, hint) => {
      const { refresh_token } = await codeFlow(target)
      const reply = await revoke({ token: refresh_token!, ...hint })
      expect(reply.status).toBe(200)
      expect(reply.text).toBe('')
      expect(await refreshWith(refresh_token!)).toEqual({ error: 'invalid_grant' })
    },
  )

  it('when Basic is not understood (deviation client-auth.basic-unsupported) the documented request is refused with 400 invalid_client and the token lives on', async () => {
    const { refresh_token } = await codeFlow(target)
    target.mock.deviations.enable('client-auth.basic-unsupported')
    try {
      const reply = await revoke({ token: refresh_token!, token_type_hint: 'refresh_token' })
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ error: 'invalid_client' })
    } finally {
      target.mock.deviations.disable('client-auth.basic-unsupported')
    }
    expect(await refreshWith(refresh_token!)).toHaveProperty('refresh_token')
  })
})
