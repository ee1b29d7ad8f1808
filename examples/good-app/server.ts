import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { pathToFileURL } from 'node:url'
import { type Config, readConfig } from './config.ts'
import { DineroUnavailable, dineroGet } from './dinero.ts'
import {
  authorizeUrl,
  exchangeCode,
  newPendingLogin,
  type PendingLogin,
  sameState,
  TokenError,
} from './oauth.ts'
import { ReconsentRequired, Session } from './session.ts'

/**
 * A small, well-behaved Dinero integration that follows the grader's app contract
 * (docs/GRADING.md): GET /login, POST /callback (form_post), GET /organizations, GET /status.
 * `node --import tsx examples/good-app/server.ts` with the DINERO_* variables set.
 */
const PENDING_TTL_MS = 10 * 60_000
const MAX_BODY = 64 * 1024
const LOGIN_COOKIE = 'good_app_login'

export function createApp(config: Config) {
  const session = new Session(config)
  /** Logins in progress, keyed by a random id in a cookie: state is bound to this browser. */
  const pending = new Map<string, PendingLogin>()

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
      'cache-control': 'no-store',
      ...headers,
    })
    res.end(text)
  }
  const page = (title: string, text: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p><p><a href="/">Home</a></p></body></html>`

  const readForm = (req: IncomingMessage): Promise<URLSearchParams> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY) reject(new Error('body too large'))
        else chunks.push(c)
      })
      req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))))
      req.on('error', reject)
    })

  const cookie = (req: IncomingMessage, name: string): string | undefined => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=')
      if (k === name) return v.join('=')
    }
    return undefined
  }

  const takePending = (req: IncomingMessage): PendingLogin | undefined => {
    const id = cookie(req, LOGIN_COOKIE)
    if (id === undefined) return undefined
    const p = pending.get(id)
    pending.delete(id)
    return p !== undefined && Date.now() - p.createdAt < PENDING_TTL_MS ? p : undefined
  }

  const clearLoginCookie = `${LOGIN_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`

  async function callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req)
    const login = takePending(req)
    const headers = { 'set-cookie': clearLoginCookie }
    // RFC 6749 §10.12: the state must be the one this browser's login sent, or nothing happens.
    if (login === undefined || !sameState(login.state, form.get('state') ?? undefined)) {
      send(res, 400, page('Login failed', 'The answer from Visma Connect did not match this login.'), headers)
      return
    }
    // RFC 9207: the answer must come from the issuer the app talks to.
    const iss = form.get('iss')
    if (iss !== null && iss !== config.connectUrl) {
      send(res, 400, page('Login failed', 'The answer came from an unexpected issuer.'), headers)
      return
    }
    const error = form.get('error')
    if (error !== null) {
      session.mark(error === 'access_denied' ? 'denied' : 'error', error)
      send(res, 200, page('Not connected', `Visma Connect answered ${error}.`), headers)
      return
    }
    const code = form.get('code')
    if (code === null) {
      send(res, 400, page('Login failed', 'No code in the answer.'), headers)
      return
    }
    try {
      session.signedIn(await exchangeCode(config, code, login))
      send(res, 200, page('Connected', 'Dinero is connected.'), headers)
    } catch (e) {
      session.mark('error', e instanceof TokenError ? e.error : 'token request failed')
      send(res, 502, page('Login failed', 'The code could not be exchanged.'), headers)
    }
  }

  async function organizations(res: ServerResponse): Promise<void> {
    try {
      send(res, 200, await dineroGet(config, session, '/v1/organizations'))
    } catch (e) {
      if (e instanceof ReconsentRequired) send(res, 401, { state: 'reconsent-required', login: '/login' })
      else if (e instanceof DineroUnavailable)
        send(res, e.status === 429 ? 429 : 503, { state: session.state, error: e.message })
      else send(res, 502, { state: session.state, error: 'token refresh failed' })
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://app.invalid')
    const route = `${req.method} ${url.pathname}`
    if (route === 'GET /login') {
      const id = randomBytes(16).toString('base64url')
      const login = newPendingLogin()
      if (pending.size > 100) pending.clear()
      pending.set(id, login)
      res.writeHead(302, {
        location: authorizeUrl(config, login),
        'set-cookie': `${LOGIN_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=600`,
        'cache-control': 'no-store',
      })
      res.end()
    } else if (route === 'POST /callback') await callback(req, res)
    else if (route === 'GET /organizations') await organizations(res)
    else if (route === 'GET /status')
      send(res, 200, { state: session.state, ...(session.detail ? { detail: session.detail } : {}) })
    else if (route === 'GET /')
      send(
        res,
        200,
        page('Good example app', `Connection: ${session.state}. <a href="/login">Connect Dinero</a>`),
      )
    else send(res, 404, { error: 'not found' })
  }

  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'internal error' })
      else res.destroy()
    })
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = readConfig()
  const server = createApp(config)
  server.listen(config.port, config.host, () => {
    console.log(`good-app listening on ${config.redirectUri.replace(/\/callback$/, '')}`)
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      server.close(() => process.exit(0))
      server.closeAllConnections()
    })
}
