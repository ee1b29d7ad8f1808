import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authorize, authorizeParams, parseFormPost, REDIRECT_URI } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * The interactive pages as a browser uses them, over plain HTTP with a cookie: login, consent
 * (scopes in plain words), accept → code, cancel → access_denied. is4-ui-constants, duende-authorize-result.
 */
describe.each(TARGET_KINDS)('login and consent pages (%s)', (kind) => {
  let target: Target
  // A fresh mock per test: consent is remembered per user and client.
  beforeEach(async () => {
    target = await startTarget(kind)
  })
  afterEach(() => target.close())

  const follow = (location: string) => new URL(location).pathname + new URL(location).search
  const form = (body: Record<string, string>, cookie?: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(body).toString(),
  })

  const loginAndReachConsent = async (state: string) => {
    const start = await authorize(target, authorizeParams({ state, response_mode: 'form_post' }), 'none')
    const loginPath = follow(start.target!)
    const loginPage = await target.call('connect', loginPath)
    expect(loginPage.status).toBe(200)
    expect(loginPage.text).toContain('Sign in to Visma Connect')
    const returnUrl = new URL(start.target!).searchParams.get('returnUrl')!
    const bad = await target.call(
      'connect',
      '/account/login',
      form({ returnUrl, email: 'user@example.com', password: 'nope', button: 'login' }),
    )
    expect(bad.status).toBe(200)
    expect(bad.text).toContain('Invalid e-mail or password.')
    const ok = await target.call(
      'connect',
      '/account/login',
      form({ returnUrl, email: 'user@example.com', password: 'Passw0rd!', button: 'login' }),
    )
    expect(ok.status).toBe(302)
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!
    const callback = await target.call('connect', follow(ok.headers.get('location')!), {
      headers: { cookie },
    })
    expect(callback.status).toBe(302)
    const consentPath = follow(callback.headers.get('location')!)
    expect(consentPath.startsWith('/consent?returnUrl=')).toBe(true)
    const consent = await target.call('connect', consentPath, { headers: { cookie } })
    return { cookie, consent, returnUrl: new URL(`http://x${consentPath}`).searchParams.get('returnUrl')! }
  }

  it('login then consent lists the scopes in plain words, and Allow delivers a code by form_post', async () => {
    const { cookie, consent, returnUrl } = await loginAndReachConsent('st-1')
    expect(consent.status).toBe(200)
    expect(consent.text).toContain('Read your Dinero data')
    expect(consent.text).toContain('Keep access when you are not using the app')
    expect(consent.text).toContain('isv_conformance_test')
    const allow = await target.call('connect', '/consent', form({ returnUrl, button: 'yes' }, cookie))
    expect(allow.status).toBe(302)
    const final = await target.call('connect', follow(allow.headers.get('location')!), {
      headers: { cookie },
    })
    const post = parseFormPost(final.text)
    expect(post?.action).toBe(REDIRECT_URI)
    expect(post?.fields.state).toBe('st-1')
    expect(post?.fields.code).toMatch(/^[0-9A-F]{64}$/)
  })

  it('Cancel on the consent page sends access_denied with the state to the client', async () => {
    const { cookie, returnUrl } = await loginAndReachConsent('st-2')
    const cancel = await target.call('connect', '/consent', form({ returnUrl, button: 'no' }, cookie))
    const post = parseFormPost(cancel.text)
    expect(post?.fields).toEqual({ error: 'access_denied', state: 'st-2', iss: target.connect })
  })

  it('a consent already given is remembered: the next authorize returns a code straight away', async () => {
    const { cookie, returnUrl } = await loginAndReachConsent('st-3')
    await target.call('connect', '/consent', form({ returnUrl, button: 'yes' }, cookie))
    const again = await target.call('connect', `/connect/authorize?${authorizeParams({ state: 'st-4' })}`, {
      headers: { cookie },
    })
    expect(again.status).toBe(302)
    expect(new URL(again.headers.get('location')!).searchParams.get('state')).toBe('st-4')
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toBeTruthy()
  })

  it('a returnUrl that does not point at the authorize callback is refused (no open redirect)', async () => {
    const reply = await target.call(
      'connect',
      `/account/login?returnUrl=${encodeURIComponent('https://evil.example/')}`,
    )
    expect(reply.status).toBe(400)
  })
})
