import { afterEach, describe, expect, it } from 'vitest'
import { codeFlow } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'
import { dineroApi } from '../support/dinero-session.ts'

/**
 * Verified tokens are remembered to skip the RS256 check, but expiry and revocation still
 * apply on every use: a token that worked once is refused once it expires or its grant goes.
 */
describe('the verified-token cache never outlives expiry or revocation', () => {
  let target: Target | undefined
  afterEach(async () => {
    await target?.close()
    target = undefined
  })

  it('a token accepted once is refused with 401 after it expires', async () => {
    target = await startTarget('in-process', { clock: { frozen: true } })
    const { access_token } = await codeFlow(target)
    expect((await dineroApi(target, access_token).get('/v1/organizations')).status).toBe(200)
    target.mock.clock.advance(3600_000)
    expect((await dineroApi(target, access_token).get('/v1/organizations')).status).toBe(401)
  })

  it('a token accepted once is refused with 401 after its consent is revoked', async () => {
    target = await startTarget('in-process', { clock: { frozen: true } })
    const { access_token } = await codeFlow(target)
    expect((await dineroApi(target, access_token).get('/v1/organizations')).status).toBe(200)
    target.mock.control.lifecycle({ event: 'revoke-consent', clientId: 'isv_conformance_test' })
    expect((await dineroApi(target, access_token).get('/v1/organizations')).status).toBe(401)
  })
})
