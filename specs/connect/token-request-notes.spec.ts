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
