import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeFlow, obtainCode, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'

/**
 * duende-token-endpoint, is4-issue-1658, duende-support-168: the token endpoint reads forms only; everything
 * else is `{"error":"invalid_request"}`.
 */
describe.each(TARGET_KINDS)('token endpoint content type (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  const expectInvalidRequest = (reply: Awaited<ReturnType<Target['call']>>) => {
    expect(reply.status).toBe(400)
    expect(reply.text).toBe('{"error":"invalid_request"}')
    expect(reply.headers.get('content-type')).toBe('application/json; charset=UTF-8')
    expect(reply.headers.get('cache-control')).toBe('no-store, no-cache, max-age=0')
    expect(reply.headers.get('pragma')).toBe('no-cache')
  }

  it('a JSON body is refused with 400 invalid_request and no-store headers, and does not burn the code', async () => {
    const code = await obtainCode(target)
    const json = await target.call('connect', '/connect/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'isv_conformance_test',
        client_secret: 'conformance-secret',
      }),
    })
    expectInvalidRequest(json)
    // The JSON attempt never reached code redemption, so the code still works once.
    const form = await token(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    expect(form.status).toBe(200)
  })

  it('a multipart/form-data body is refused with 400 invalid_request', async () => {
    const boundary = '----mock'
    const body = `--${boundary}\r\ncontent-disposition: form-data; name="grant_type"\r\n\r\nrefresh_token\r\n--${boundary}--\r\n`
    expectInvalidRequest(
      await target.call('connect', '/connect/token', {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      }),
    )
  })

  it('a GET with the parameters in the query is refused with 400 invalid_request', async () => {
    expectInvalidRequest(
      await target.call(
        'connect',
        '/connect/token?grant_type=client_credentials&client_id=isv_conformance_test',
      ),
    )
  })

  // Pins token.no-content-type-refused (collections/behaviours.ts).
  it('a POST without a content type is refused with 400 invalid_request', async () => {
    expectInvalidRequest(
      await target.call('connect', '/connect/token', { method: 'POST', body: 'grant_type=x' }),
    )
  })

  /** A complete code exchange as form bytes: only the content type decides whether it is read. */
  const exchange = async (contentType: string | undefined) => {
    const code = await obtainCode(target)
    const body = new TextEncoder().encode(
      new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'isv_conformance_test',
        client_secret: 'conformance-secret',
      }).toString(),
    )
    const reply = await target.call('connect', '/connect/token', {
      method: 'POST',
      ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
      body,
    })
    return { code, reply }
  }

  it('a complete form exchange sent with no Content-Type at all is refused with 400 invalid_request, and the code still redeems', async () => {
    const { code, reply } = await exchange(undefined)
    expectInvalidRequest(reply)
    expect(
      (await token(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).status,
    ).toBe(200)
  })

  it('a complete form exchange labelled application/json is refused with 400 invalid_request, and the code still redeems', async () => {
    const { code, reply } = await exchange('application/json')
    expectInvalidRequest(reply)
    expect(
      (await token(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).status,
    ).toBe(200)
  })

  it('the form media type with whitespace before its charset parameter is accepted: 200', async () => {
    const { reply } = await exchange('application/x-www-form-urlencoded ; charset=UTF-8')
    expect(reply.status).toBe(200)
  })

  // Pins token.form-media-type-lenient (collections/behaviours.ts).
  it('a form content type with a charset parameter and odd casing is accepted', async () => {
    const code = await obtainCode(target)
    const reply = await token(
      target,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { kind: 'post' },
      { contentType: 'Application/X-WWW-Form-URLEncoded; charset=UTF-8' },
    )
    expect(reply.status).toBe(200)
  })

  it('a successful token response carries no-store headers and the documented fields', async () => {
    const code = await obtainCode(target)
    const reply = await token(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    expect(reply.status).toBe(200)
    expect(reply.headers.get('cache-control')).toBe('no-store, no-cache, max-age=0')
    expect(reply.headers.get('pragma')).toBe('no-cache')
    const body = reply.json()
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'token_type', 'refresh_token', 'scope'])
    expect(body.expires_in).toBe(3600)
    expect(body.token_type).toBe('Bearer')
    expect(body.refresh_token).toMatch(/^[0-9A-F]{64}$/)
    expect(body.scope).toBe('dineropublicapi:read dineropublicapi:write offline_access')
  })

  // Pins token.unsupported-grant-type (collections/behaviours.ts).
  it('an unknown grant_type is refused with unsupported_grant_type, a prototype name included', async () => {
    for (const grant of ['password', 'constructor', '__proto__', '']) {
      const reply = await token(target, { grant_type: grant })
      expect(reply.status).toBe(400)
      expect(reply.json().error).toBe('unsupported_grant_type')
    }
  })

  // Pins token.duplicate-parameter (collections/behaviours.ts).
  it('grant_type sent twice is refused with invalid_request (RFC 6749 §3.2)', async () => {
    const reply = await target.call('connect', '/connect/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&grant_type=authorization_code&client_id=isv_conformance_test&client_secret=conformance-secret',
    })
    expect(reply.status).toBe(400)
    expect(reply.json().error).toBe('invalid_request')
  })

  it('the served and in-process flows issue the same token shape', async () => {
    const tokens = await codeFlow(target)
    expect(tokens.access_token.split('.')).toHaveLength(3)
  })
})
