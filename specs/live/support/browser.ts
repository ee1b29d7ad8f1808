import { parseFormPost } from '../../../scripts/targets/oauth.ts'

/**
 * A browser for the live specs: follows redirects and submits form_post pages, keeping the
 * mock IdP's session cookie in a jar. An authorize request without prompt=none carries
 * `X-Mock-Consent: accept` (the person signing in and consenting); every prompt=none hop rides
 * on the session alone. `forgetSessionWhen` drops the cookie (once) before the first request
 * it matches, as a session that ended would.
 */
export async function browse(
  link: string,
  mockOrigin: string,
  options: { forgetSessionWhen?: (url: URL) => boolean } = {},
): Promise<{ hops: number; finalStatus: number; finalText: string }> {
  const jar = new Map<string, string>()
  let forgotten = false
  let next: { url: string; method: 'GET' | 'POST'; body?: string } = { url: link, method: 'GET' }
  for (let hops = 1; hops < 1000; hops++) {
    const headers: Record<string, string> = {}
    const toMock = new URL(next.url).origin === mockOrigin
    const url = new URL(next.url)
    if (!forgotten && options.forgetSessionWhen?.(url)) {
      forgotten = true
      jar.clear()
    }
    if (toMock && jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (toMock && url.pathname === '/connect/authorize' && url.searchParams.get('prompt') !== 'none')
      headers['X-Mock-Consent'] = 'accept'
    if (next.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
    const res = await fetch(next.url, {
      method: next.method,
      headers,
      ...(next.body === undefined ? {} : { body: next.body }),
      redirect: 'manual',
    })
    if (toMock)
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';')
        const [name, ...value] = pair!.split('=')
        jar.set(name!.trim(), value.join('='))
      }
    const location = res.headers.get('location')
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel()
      next = { url: new URL(location, next.url).href, method: 'GET' }
      continue
    }
    const text = await res.text()
    const form = res.status === 200 ? parseFormPost(text) : undefined
    if (form === undefined) return { hops, finalStatus: res.status, finalText: text }
    next = { url: form.action, method: 'POST', body: new URLSearchParams(form.fields).toString() }
  }
  throw new Error('the browser went round in circles')
}
