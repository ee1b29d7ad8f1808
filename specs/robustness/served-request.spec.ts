import { describe, expect, it } from 'vitest'
import { servedRequest } from '../../mocks/http/served-request.ts'

/**
 * The served adapter's request (mocks/http/served-request.ts) reads as the Fetch `Request` it
 * stands in for: routes see the same method, URL, headers and body text, and a body can be read
 * once, as Fetch allows.
 */
const url = new URL('http://127.0.0.1:4010/connect/token?x=1')
const headers = () => new Headers([['content-type', 'application/x-www-form-urlencoded']])
const both = (body?: string) => {
  const bytes = body === undefined ? undefined : Buffer.from(body)
  return [
    servedRequest(url, 'POST', headers(), bytes),
    new Request(url, { method: 'POST', headers: headers(), ...(body ? { body } : {}) }),
  ] as const
}

describe('served request reads as a Fetch Request', () => {
  it('method, url, headers and instanceof Request are the same', () => {
    const [served, real] = both('a=1')
    expect([served.method, served.url, served.headers.get('content-type')]).toEqual([
      real.method,
      real.url,
      real.headers.get('content-type'),
    ])
    expect(served).toBeInstanceOf(Request)
  })

  it('text() drops a leading BOM and turns malformed UTF-8 into U+FFFD, as Request#text does', async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('grant_type=x'),
      Buffer.from([0xff]),
    ])
    const served = servedRequest(url, 'POST', headers(), body)
    const real = new Request(url, { method: 'POST', body })
    expect(await served.text()).toBe(await real.text())
  })

  it('a second read of the body is refused (TypeError), bodyUsed turns true, formData() after text() too', async () => {
    const [served] = both('a=1')
    expect(served.bodyUsed).toBe(false)
    expect(await served.text()).toBe('a=1')
    expect(served.bodyUsed).toBe(true)
    await expect(served.text()).rejects.toBeInstanceOf(TypeError)
    await expect(served.formData()).rejects.toBeInstanceOf(TypeError)
  })

  it('no body reads as empty every time and stays unused, as Request does', async () => {
    const [served, real] = both()
    expect([await served.text(), await served.text(), served.bodyUsed]).toEqual([
      await real.text(),
      await real.text(),
      real.bodyUsed,
    ])
  })

  it('json(), arrayBuffer() and formData() give what Request gives', async () => {
    const [a, b] = both('{"a":[1,2]}')
    expect(await a.json()).toEqual(await b.json())
    const [c, d] = both('x=1&y=2')
    expect(Buffer.from(await c.arrayBuffer())).toEqual(Buffer.from(await d.arrayBuffer()))
    const [e, f] = both('x=1&y=2')
    expect([...(await e.formData())]).toEqual([...(await f.formData())])
  })
})
