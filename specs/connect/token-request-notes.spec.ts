import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../mocks/journal.ts'
import { obtainCode, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * What the journal notes of each token request (the grader reads these to tell an app what it
 * sent): how the body was read (`body`: form, the media type of a refused one, or none), and the
 * grant_type cut to 40 characters. And the success answer's own media type. The isolated
 * mutation run of token.ts (docs/MUTATION.md) left these unpinned.
 */
let target: Target
beforeAll(async () => {
  target = await startTarget('in-process')
})
afterAll(() => target.close())

async function noted(send: () => Promise<unknown>): Promise<JournalEntry['details']> {
  const before = target.mock.journal.entries().length
  await send()
  const entries = target.mock.journal.entries().slice(before)
  const entry = entries.find((e) => e.url.startsWith('/connect/token'))
  if (entry === undefined) throw new Error('no token request journalled')
  return entry.details
}

const post = (contentType: string | undefined, body: string) =>
  target.call('connect', '/connect/token', {
    method: 'POST',
    ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
    body: new TextEncoder().encode(body),
  })

describe('token endpoint: what the journal notes of each request', () => {
  it('a form body is noted body=form, with its grant_type; the success answer is application/json; charset=UTF-8', async () => {
    const code = await obtainCode(target)
    let type: string | null = null
    const details = await noted(async () => {
      const reply = await token(target, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
      })
      expect(reply.status).toBe(200)
      type = reply.headers.get('content-type')
    })
    expect(details).toMatchObject({ body: 'form', grant_type: 'authorization_code' })
    expect(type).toBe('application/json; charset=UTF-8')
  })

  it('a grant_type of 60 characters is noted cut to its first 40 (and refused unsupported_grant_type)', async () => {
    const long = 'g'.repeat(60)
    const details = await noted(async () => {
      const reply = await token(target, { grant_type: long })
      expect(reply.status).toBe(400)
      expect(reply.json().error).toBe('unsupported_grant_type')
    })
    expect(details.grant_type).toBe('g'.repeat(40))
  })

  it.each([
    ['application/json', 'application/json'],
    ['multipart/form-data; boundary=x', 'multipart/form-data'],
    [' Text/Plain ; charset=utf-8', 'text/plain'],
    [undefined, 'none'],
    [';charset=utf-8', 'none'],
  ])('a refused body labelled %j is noted body=%j (400 invalid_request)', async (contentType, body) => {
    const details = await noted(async () => {
      const reply = await post(contentType, 'grant_type=authorization_code')
      expect(reply.status).toBe(400)
      expect(reply.json().error).toBe('invalid_request')
    })
    expect(details.body).toBe(body)
  })

  it('a GET is noted body=none (400 invalid_request)', async () => {
    const details = await noted(() =>
      target.call('connect', '/connect/token?grant_type=authorization_code', { method: 'GET' }),
    )
    expect(details.body).toBe('none')
  })
})

/**
 * Under the rehearsed faults that make the endpoint read what Visma refuses, the note says how
 * the body was read, so a grader's report can tell an app that it only passed because the mock
 * was lenient; and each fault widens only its own media type and method.
 */
describe('token endpoint under a lenient deviation: what the journal notes', () => {
  const exchange = async (
    deviation: string,
    request: (code: string, fields: Record<string, string>) => Parameters<Target['call']>[2],
    inQuery = false,
  ) => {
    const lenient = await startTarget('in-process', { deviations: [deviation as never] })
    try {
      const code = await obtainCode(lenient)
      const fields = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'isv_conformance_test',
        client_secret: 'conformance-secret',
      }
      const before = lenient.mock.journal.entries().length
      const path = inQuery ? `/connect/token?${new URLSearchParams(fields)}` : '/connect/token'
      const reply = await lenient.call('connect', path, request(code, fields))
      const entry = lenient.mock.journal
        .entries()
        .slice(before)
        .find((e) => e.url.startsWith('/connect/token'))
      return { status: reply.status, body: entry?.details.body }
    } finally {
      await lenient.close()
    }
  }

  it('token.accept-json-body: a JSON POST is read (200) and noted body=json; a JSON PUT is still refused (400, body=none)', async () => {
    const json = (method: string) => (_code: string, fields: Record<string, string>) => ({
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
    })
    expect(await exchange('token.accept-json-body', json('POST'))).toEqual({ status: 200, body: 'json' })
    expect(await exchange('token.accept-json-body', json('PUT'))).toEqual({ status: 400, body: 'none' })
  })

  it('token.accept-text-plain: a form body labelled text/plain is read (200) and noted body=text-as-form', async () => {
    const text = (_code: string, fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: new URLSearchParams(fields).toString(),
    })
    expect(await exchange('token.accept-text-plain', text)).toEqual({ status: 200, body: 'text-as-form' })
  })

  it('token.accept-get: a GET with the parameters in the query is read (200) and noted body=query', async () => {
    expect(await exchange('token.accept-get', () => ({ method: 'GET' }), true)).toEqual({
      status: 200,
      body: 'query',
    })
  })

  it('token.accept-multipart: a multipart POST is read (200) and noted body=multipart; without the fault it is refused and noted by its media type', async () => {
    const multipart = (_code: string, fields: Record<string, string>) => {
      const boundary = 'b0undary'
      const parts = Object.entries(fields).map(
        ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
      )
      return {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${parts.join('')}--${boundary}--\r\n`,
      }
    }
    expect(await exchange('token.accept-multipart', multipart)).toEqual({ status: 200, body: 'multipart' })
    expect(await exchange('token.accept-json-body', multipart)).toEqual({
      status: 400,
      body: 'multipart/form-data',
    })
  })
})
