import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authorize, authorizeParams } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/** RFC 6749 §4.1.2: state comes back exactly as sent, in every response mode. */
const STATES = ['plain', 'a b&c=d+e%20f\'g"h<i>', 'æøå-Ü-😀', `${'x'.repeat(500)}==`]

describe.each(TARGET_KINDS)('state is echoed byte for byte (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  for (const mode of ['form_post', 'query', 'fragment'] as const) {
    it(`in response_mode=${mode}, including characters that need encoding`, async () => {
      for (const state of STATES) {
        const result = await authorize(target, authorizeParams({ state, response_mode: mode }))
        expect(result.fields.state).toBe(state)
        expect(result.fields.code).toMatch(/^[0-9A-F]{64}$/)
        expect(result.fields.iss).toBe(target.connect)
      }
    })
  }

  it('form_post renders IdentityServer’s auto-submitting form with no-referrer and the CSP hash', async () => {
    const result = await authorize(
      target,
      authorizeParams({ response_mode: 'form_post', scope: 'openid dineropublicapi:read' }),
    )
    expect(result.reply.status).toBe(200)
    expect(result.reply.headers.get('content-type')).toBe('text/html; charset=UTF-8')
    expect(result.reply.headers.get('referrer-policy')).toBe('no-referrer')
    expect(result.reply.headers.get('content-security-policy')).toContain(
      "'sha256-orD0/VhH8hLqrLxKHD/HUEMdwqX6/0ve7c5hspX5VJ8='",
    )
    expect(result.reply.text).toContain('document.forms[0].submit()')
    expect(Object.keys(result.fields)).toEqual(['code', 'state', 'session_state', 'iss'])
    expect(result.fields.session_state).toMatch(/^[A-Za-z0-9_-]{43}\.[0-9a-f]{32}$/)
  })

  it('without openid there is no session_state', async () => {
    const result = await authorize(target, authorizeParams({ response_mode: 'form_post' }))
    expect(Object.keys(result.fields)).toEqual(['code', 'state', 'iss'])
  })

  it('without a state none is invented', async () => {
    const result = await authorize(target, authorizeParams({ state: undefined }))
    expect(result.fields.state).toBeUndefined()
    expect(result.fields.code).toBeDefined()
  })
})
