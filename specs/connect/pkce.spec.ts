import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PKCE_CLIENT_ID } from '../../mocks/options.ts'
import { obtainCode, pkcePair, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * RFC 7636 §4.6, duende-token-request-validator, duende-authorize-request-validator: PKCE checked at the
 * token endpoint, burning the code on failure.
 */
describe.each(TARGET_KINDS)('PKCE (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  const codeWith = (challenge: string, clientId = PKCE_CLIENT_ID) =>
    obtainCode(target, { client_id: clientId, code_challenge: challenge, code_challenge_method: 'S256' })
  const redeem = (code: string, verifier: string | undefined, clientId = PKCE_CLIENT_ID) =>
    token(
      target,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        ...(verifier === undefined ? {} : { code_verifier: verifier }),
      },
      { kind: 'post', clientId },
    )

  it('the right S256 verifier redeems the code', async () => {
    const { verifier, challenge } = pkcePair()
    expect((await redeem(await codeWith(challenge), verifier)).status).toBe(200)
  })

  it('a wrong verifier is refused with invalid_grant and burns the code', async () => {
    const { verifier, challenge } = pkcePair()
    const code = await codeWith(challenge)
    expect((await redeem(code, pkcePair().verifier)).json()).toEqual({ error: 'invalid_grant' })
    expect((await redeem(code, verifier)).json()).toEqual({ error: 'invalid_grant' })
  })

  it('a downgrade (challenge sent, verifier left out) is refused with invalid_grant', async () => {
    const { challenge } = pkcePair()
    expect((await redeem(await codeWith(challenge), undefined)).json()).toEqual({ error: 'invalid_grant' })
  })

  it('a downgrade on a client that does not require PKCE is still refused', async () => {
    const { challenge } = pkcePair()
    const code = await codeWith(challenge, 'isv_conformance_test')
    expect((await redeem(code, undefined, 'isv_conformance_test')).json()).toEqual({ error: 'invalid_grant' })
  })

  it('a verifier shorter than 43 characters is refused with invalid_grant', async () => {
    const short = 'a'.repeat(42)
    const { challenge } = pkcePair()
    expect((await redeem(await codeWith(challenge), short)).json()).toEqual({ error: 'invalid_grant' })
  })

  it('the challenge itself presented as verifier (plain downgrade) is refused', async () => {
    const { challenge } = pkcePair()
    expect((await redeem(await codeWith(challenge), challenge)).json()).toEqual({ error: 'invalid_grant' })
  })

  it('a verifier sent when no challenge was used is refused with invalid_grant', async () => {
    const code = await obtainCode(target)
    expect((await redeem(code, pkcePair().verifier, 'isv_conformance_test')).json()).toEqual({
      error: 'invalid_grant',
    })
  })
})
