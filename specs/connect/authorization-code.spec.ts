import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PKCE_CLIENT_ID } from '../../mocks/options.ts'
import { obtainCode, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/** duende-token-request-validator: codes are single-use, burned on first presentation, and live 300 s. */
describe.each(TARGET_KINDS)('authorization code redemption (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind, { clock: { frozen: true } })
  })
  afterAll(() => target.close())

  const redeem = (code: string, extra: Record<string, string> = {}) =>
    token(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...extra })

  it('a code redeemed twice is refused the second time with invalid_grant', async () => {
    const code = await obtainCode(target)
    expect((await redeem(code)).status).toBe(200)
    const again = await redeem(code)
    expect(again.status).toBe(400)
    expect(again.json()).toEqual({ error: 'invalid_grant' })
  })

  // Pins code.reuse-keeps-tokens (collections/behaviours.ts).
  it('a second use does not revoke the tokens the first use issued', async () => {
    const code = await obtainCode(target)
    const first = (await redeem(code)).json()
    await redeem(code)
    const refreshed = await token(target, {
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
    })
    expect(refreshed.status).toBe(200)
  })

  it('a redirect_uri that differs from the authorize one is refused with invalid_grant', async () => {
    const code = await obtainCode(target)
    const reply = await redeem(code, { redirect_uri: 'http://localhost:8976/callback' })
    expect(reply.status).toBe(400)
    expect(reply.json()).toEqual({ error: 'invalid_grant' })
  })

  // Pins code.redirect-case-sensitive (collections/behaviours.ts).
  it('the redirect_uri comparison at the token endpoint is case-sensitive', async () => {
    const code = await obtainCode(target)
    const reply = await redeem(code, { redirect_uri: REDIRECT_URI.replace('callback', 'Callback') })
    expect(reply.json()).toEqual({ error: 'invalid_grant' })
  })

  it('a missing redirect_uri is refused with unauthorized_client', async () => {
    const code = await obtainCode(target)
    const reply = await token(target, { grant_type: 'authorization_code', code })
    expect(reply.status).toBe(400)
    expect(reply.json()).toEqual({ error: 'unauthorized_client' })
  })

  it('a failed redemption burns the code: the correct retry gets invalid_grant', async () => {
    const code = await obtainCode(target)
    expect((await redeem(code, { redirect_uri: 'http://localhost:8976/callback' })).status).toBe(400)
    const retry = await redeem(code)
    expect(retry.status).toBe(400)
    expect(retry.json()).toEqual({ error: 'invalid_grant' })
  })

  it('a code older than 300 s is refused with invalid_grant', async () => {
    const code = await obtainCode(target)
    target.mock.clock.advance(301_000)
    expect((await redeem(code)).json()).toEqual({ error: 'invalid_grant' })
  })

  // Pins code.lifetime-300s (collections/behaviours.ts).
  it('a code 299 s old is still redeemable', async () => {
    const code = await obtainCode(target)
    target.mock.clock.advance(299_000)
    expect((await redeem(code)).status).toBe(200)
  })

  it("another client's code is refused with invalid_grant and stays redeemable by its owner", async () => {
    const code = await obtainCode(target)
    const stranger = await token(
      target,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { kind: 'post', clientId: PKCE_CLIENT_ID },
    )
    expect(stranger.json()).toEqual({ error: 'invalid_grant' })
    expect((await redeem(code)).status).toBe(200)
  })

  it('an unknown or over-long code is refused with invalid_grant', async () => {
    expect((await redeem('0'.repeat(64))).json()).toEqual({ error: 'invalid_grant' })
    expect((await redeem('A'.repeat(101))).json()).toEqual({ error: 'invalid_grant' })
  })

  // Pins token.offline-access-required.
  it('without offline_access no refresh token is issued', async () => {
    const code = await obtainCode(target, { scope: 'dineropublicapi:read' })
    const body = (await redeem(code)).json()
    expect(body.refresh_token).toBeUndefined()
    expect(body.scope).toBe('dineropublicapi:read')
  })
})
