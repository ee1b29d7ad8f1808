import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFormPost, REDIRECT_URI } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * Fidelity judged from outside: panva's openid-client, unmodified, completes discovery, the
 * form_post code flow with PKCE, nonce and state, userinfo, refresh and revocation.
 */
describe.each(TARGET_KINDS)('openid-client against the mock (%s)', (kind) => {
  let target: Target
  let config: oidc.Configuration
  beforeAll(async () => {
    target = await startTarget(kind)
    config = await oidc.discovery(
      new URL(target.connect),
      'isv_conformance_test',
      undefined,
      oidc.ClientSecretBasic('conformance-secret'),
      target.connect.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {},
    )
  })
  afterAll(() => target.close())

  const authorizeAndCallback = async (state: string, nonce: string, verifier: string) => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email dineropublicapi:read dineropublicapi:write offline_access',
      response_mode: 'form_post',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    const page = await target.call('connect', url.href, { headers: { 'x-mock-consent': 'accept' } })
    const form = parseFormPost(page.text)
    if (!form) throw new Error(`no form_post page: ${page.status}`)
    return new Request(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.fields).toString(),
    })
  }

  /** The form_post code flow with PKCE, state and nonce, as an app on openid-client signs a user in. */
  const signIn = async () => {
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const callback = await authorizeAndCallback(state, nonce, verifier)
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    })
    return { tokens, nonce }
  }

  it('completes the form_post code flow with PKCE, validating state, nonce, iss and the id_token', async () => {
    const { tokens, nonce } = await signIn()
    expect(tokens.token_type).toBe('bearer')
    expect(tokens.refresh_token).toMatch(/^[0-9A-F]{64}$/)
    const claims = tokens.claims()!
    expect(claims.nonce).toBe(nonce)
    expect(claims.iss).toBe(target.connect)

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
    expect(info.email).toBe('user@example.com')

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('after control.expireAccessTokens: the old access token → 401 at userinfo and the Dinero API, and openid-client refreshes, validating the new id_token on its unmoved clock', async () => {
    const { tokens } = await signIn()
    const organisations = (token: string) =>
      target.call('api', '/v1/organizations', { headers: { authorization: `Bearer ${token}` } })
    expect((await organisations(tokens.access_token)).status).toBe(200)
    const before = target.mock.clock.now()
    target.mock.control.expireAccessTokens('isv_conformance_test')
    expect(target.mock.clock.now() - before).toBeLessThan(1_000)
    expect((await organisations(tokens.access_token)).status).toBe(401)
    await expect(
      oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck),
    ).rejects.toMatchObject({
      status: 401,
    })
    // A clock moved 3601 s instead dated this id_token an hour ahead: nbf in the future, refused.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.claims()?.sub).toBe(tokens.claims()?.sub)
    expect((await organisations(refreshed.access_token)).status).toBe(200)
  })

  it('rejects a callback whose state differs from the one it sent', async () => {
    const verifier = oidc.randomPKCECodeVerifier()
    const callback = await authorizeAndCallback('sent-state', oidc.randomNonce(), verifier)
    const error = await oidc
      .authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'other-state' })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { cause?: { message?: string } },
      )
    expect(error?.message).toBe('invalid response encountered')
    expect(String(error?.cause?.message)).toMatch(/"state"/)
  })

  it('revokes a refresh token through the revocation endpoint', async () => {
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const tokens = await oidc.authorizationCodeGrant(
      config,
      await authorizeAndCallback(state, nonce, verifier),
      {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      },
    )
    await oidc.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' })
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })
})
