import { GradeError } from './errors.ts'
import type { AppCall } from './types.ts'

/**
 * The grader's stand-in for the user's browser: it keeps the app's cookies, follows the app's
 * /login redirect to the mock's authorize endpoint (consent given with `X-Mock-Consent: accept`,
 * the mock's no-page shortcut), reads the form_post page (duende-authorize-result) and posts it to the
 * callback the way a browser's auto-submit would. Nothing here reads a token: the app keeps them.
 */
export interface LoginOutcome {
  callbackStatus: number
}

const isRedirect = (status: number) => status >= 300 && status < 400

function htmlDecode(v: string): string {
  return v
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
}

/** The action and hidden inputs of a form_post page (IdentityServer's markup, quotes either kind). */
export function readFormPost(html: string): { action: string; fields: [string, string][] } | undefined {
  const action = /<form[^>]*\saction=(['"])(.*?)\1/i.exec(html)?.[2]
  if (action === undefined) return undefined
  const fields: [string, string][] = []
  for (const m of html.matchAll(/<input[^>]*>/gi)) {
    const tag = m[0]
    const name = /\sname=(['"])(.*?)\1/i.exec(tag)?.[2]
    const value = /\svalue=(['"])(.*?)\1/i.exec(tag)?.[2] ?? ''
    if (name !== undefined) fields.push([htmlDecode(name), htmlDecode(value)])
  }
  return { action: htmlDecode(action), fields }
}

export class GraderBrowser {
  private readonly cookies = new Map<string, string>()

  constructor(
    readonly appUrl: string,
    readonly mockOrigin: string,
    private readonly timeoutMs: number,
  ) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (pair === undefined || eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const gone = attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) || value === ''
      if (gone) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {}
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
  }

  /** A request to the app with its cookies, no redirects followed. */
  async app(path: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const url = new URL(path, this.appUrl)
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...this.cookieHeader(),
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.body ? { body: init.body.toString() } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    this.remember(res)
    return res
  }

  /** An app action whose JSON `state` (if any) is kept; the rest of the body is dropped. */
  async call(path: string): Promise<AppCall> {
    const started = performance.now()
    try {
      const res = await this.app(path)
      const text = await res.text()
      const call: AppCall = { status: res.status, ms: Math.round(performance.now() - started) }
      try {
        const body: unknown = JSON.parse(text)
        if (body !== null && typeof body === 'object' && 'state' in body && typeof body.state === 'string')
          call.state = body.state
      } catch {}
      return call
    } catch (e) {
      // A timeout or a dropped connection: status 0, so probes can tell it from an HTTP answer.
      return {
        status: 0,
        state: `no answer: ${(e as Error).name}`,
        ms: Math.round(performance.now() - started),
      }
    }
  }

  async appState(): Promise<string | undefined> {
    return (await this.call('/status')).state
  }

  private isMock(url: URL): boolean {
    const mock = new URL(this.mockOrigin)
    const loopback = ['127.0.0.1', 'localhost', '[::1]']
    return url.port === mock.port && (url.hostname === mock.hostname || loopback.includes(url.hostname))
  }

  /**
   * GET /login on the app, authorize at the mock with consent given, deliver the answer to the
   * app's callback (form_post, or a query redirect for an app that asked for one).
   */
  async login(): Promise<LoginOutcome> {
    const start = await this.app('/login')
    await start.body?.cancel()
    const location = start.headers.get('location')
    if (!isRedirect(start.status) || location === null)
      throw new GradeError(
        'GRADE_LOGIN_NOT_REDIRECT',
        `GET /login answered ${start.status}; the contract wants a redirect to the authorize endpoint`,
      )
    const authorize = new URL(location, this.appUrl)
    if (!this.isMock(authorize) || authorize.pathname !== '/connect/authorize')
      throw new GradeError(
        'GRADE_LOGIN_WRONG_TARGET',
        `GET /login redirected to ${authorize.origin}${authorize.pathname}, not to ${this.mockOrigin}/connect/authorize`,
      )
    const res = await fetch(authorize, {
      redirect: 'manual',
      headers: { 'x-mock-consent': 'accept' },
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    const html = await res.text()
    if (res.status === 200) {
      const form = readFormPost(html)
      if (form === undefined)
        throw new GradeError(
          'GRADE_AUTHORIZE_FAILED',
          'the authorize endpoint answered 200 without a form_post',
        )
      const callback = await this.app(form.action, { method: 'POST', body: new URLSearchParams(form.fields) })
      await callback.body?.cancel()
      return { callbackStatus: callback.status }
    }
    const next = res.headers.get('location')
    if (isRedirect(res.status) && next !== null) {
      const target = new URL(next, authorize)
      if (this.isMock(target))
        throw new GradeError(
          'GRADE_AUTHORIZE_FAILED',
          `the authorize request was refused (the mock sent the browser to ${target.pathname}); check client_id, redirect_uri, scope and PKCE`,
        )
      // Query response mode: the browser follows the redirect to the app (a fragment never reaches a server).
      const callback = await this.app(`${target.pathname}${target.search}`)
      await callback.body?.cancel()
      return { callbackStatus: callback.status }
    }
    throw new GradeError('GRADE_AUTHORIZE_FAILED', `the authorize endpoint answered ${res.status}`)
  }
}
