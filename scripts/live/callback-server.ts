import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { HarnessError } from '../errors.ts'

/**
 * The loopback redirect_uri listener of `npm run login` (RFC 8252 §7.3; dinero-authorization,
 * visma-connect-security, duende-authorize-result):
 * - only a loopback `http:` redirect_uri is accepted (the browser posts the code to this process);
 * - accepts `response_mode=form_post` (POST, urlencoded) and query mode (GET);
 * - a missing or wrong `state` gets a 400 page and is ignored — the code is never used, so no
 *   token request follows — and the listener keeps waiting for the real answer;
 * - `error=…` with the right state ends the wait with HARNESS_AUTHORIZE_FAILED;
 * - port in use → HARNESS_PORT_IN_USE.
 */
export interface CallbackResult {
  code: string
  iss?: string
}

export interface CallbackServer {
  /** Resolves with the code once a response with the right state arrives. */
  result: Promise<CallbackResult>
  close(): Promise<void>
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
const MAX_BODY = 64 * 1024

export function loopbackTarget(redirectUri: string): { host: string; port: number; path: string } {
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    throw new HarnessError('HARNESS_CONFIG_INVALID', `DINERO_REDIRECT_URI is not a URL: ${redirectUri}`)
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname))
    throw new HarnessError(
      'HARNESS_REDIRECT_URI_NOT_LOOPBACK',
      `DINERO_REDIRECT_URI must be a loopback http URL such as http://127.0.0.1:8976/callback (RFC 8252 §7.3), registered exactly so in the Visma Connect app; got ${redirectUri}`,
    )
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '')
  return { host, port: url.port === '' ? 80 : Number(url.port), path: url.pathname }
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  })
  res.end(html)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new Error('body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sameState(expected: string, got: string | null): boolean {
  if (got === null) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(got)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function listenForCallback(input: {
  redirectUri: string
  state: string
  onIgnored?: (why: string) => void
}): Promise<CallbackServer> {
  const target = loopbackTarget(input.redirectUri)
  let settle!: { resolve(r: CallbackResult): void; reject(e: Error): void }
  const result = new Promise<CallbackResult>((resolve, reject) => {
    settle = { resolve, reject }
  })
  let done = false

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const received = await callbackParams(req, res, target.path)
    if (received === undefined) return
    const { params } = received
    if (done) {
      page(res, 409, 'Already done', 'This login has already received its answer.')
      return
    }
    if (!sameState(input.state, params.get('state'))) {
      page(
        res,
        400,
        'Rejected',
        'The state parameter is missing or does not match this login; the response was ignored.',
      )
      input.onIgnored?.(params.has('state') ? 'wrong state' : 'missing state')
      return
    }
    const error = params.get('error')
    const code = params.get('code')
    done = true
    if (error !== null || code === null) {
      page(res, 200, 'Login failed', 'The authorisation was not granted; see the terminal.')
      const description = params.get('error_description')
      settle.reject(
        new HarnessError(
          'HARNESS_AUTHORIZE_FAILED',
          `the authorisation ended with ${error ?? 'no code'}${description ? ` (${description})` : ''}${error === 'access_denied' ? ': consent was refused' : ''}`,
        ),
      )
      return
    }
    page(res, 200, 'Login received', 'You can close this tab and return to the terminal.')
    const iss = params.get('iss')
    settle.resolve({ code, ...(iss === null ? {} : { iss }) })
  }

  const server = await listenCallback(handle, target, input.redirectUri)
  return {
    result,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** One answer on the redirect_uri, as the browser delivered it. */
export interface Received {
  method: 'GET' | 'POST'
  /** The query (response_mode=query) or form (form_post) fields, exactly as received. */
  fields: Record<string, string>
}

/**
 * The redirect_uri listener of a pooled login: after the person signs in once, every answer with
 * a known state is held open, and the next authorize request is sent to the same browser as a
 * 303 to `/connect/authorize` (prompt=none), so IdentityServer issues the next code silently
 * under the session it just established (oidc-core §3.1.2.1; duende-authorize-result). The held
 * browser finally gets a page from `finish`.
 * - answers with an unknown, wrong or missing state get a 400 page and are ignored;
 * - `error=…` with a known state is handed back like a code, so the caller can tell
 *   login_required / consent_required / interaction_required from a refusal.
 */
export interface CodeBroker {
  /** Waits for the answer carrying `state` (the person's own sign-in, or a redirect sent by `next`). */
  answer(state: string, timeoutMs: number): Promise<Received>
  /** Sends the held browser to `authorizeUrl` and waits for the answer carrying `state`. */
  next(authorizeUrl: string, state: string, timeoutMs: number): Promise<Received>
  /** Answers the held browser with a page. */
  finish(title: string, text: string): void
  /**
   * Stops listening. An `answer` or `next` still waiting, or asked for later, fails with
   * HARNESS_LOGIN_STOPPED: a login whose host stops it (Context.signal) ends at once, not at
   * its timeout.
   */
  close(): Promise<void>
}

export async function startCodeBroker(input: {
  redirectUri: string
  onIgnored?: (why: string) => void
}): Promise<CodeBroker> {
  const target = loopbackTarget(input.redirectUri)
  /** Each state waited for, and how its wait ends: with the answer, or failed (timeout, close). */
  const waiting = new Map<string, { resolve(r: Received): void; reject(e: HarnessError): void }>()
  let closed = false
  const stopped = () =>
    new HarnessError('HARNESS_LOGIN_STOPPED', `stopped while waiting for an answer on ${input.redirectUri}`)
  let held: ServerResponse | undefined

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const received = await callbackParams(req, res, target.path)
    if (received === undefined) return
    const { method, params } = received
    const state = params.get('state')
    const known = [...waiting.keys()].find((s) => sameState(s, state))
    if (known === undefined) {
      page(
        res,
        400,
        'Rejected',
        'The state parameter is missing or does not match this login; the response was ignored.',
      )
      input.onIgnored?.(state === null ? 'missing state' : 'wrong state')
      return
    }
    if (held !== undefined) page(held, 409, 'Superseded', 'Another answer arrived; see the terminal.')
    held = res
    const wait = waiting.get(known)!
    waiting.delete(known)
    wait.resolve({ method, fields: Object.fromEntries(params) })
  }

  const server = await listenCallback(handle, target, input.redirectUri)

  const answer = (state: string, timeoutMs: number): Promise<Received> => {
    if (closed) return Promise.reject(stopped())
    let timer: NodeJS.Timeout | undefined
    return new Promise<Received>((resolve, reject) => {
      waiting.set(state, { resolve, reject })
      timer = setTimeout(() => {
        waiting.delete(state)
        reject(
          new HarnessError(
            'HARNESS_LOGIN_TIMEOUT',
            `no answer on ${input.redirectUri} within ${Math.round(timeoutMs / 1000)} s`,
          ),
        )
      }, timeoutMs)
    }).finally(() => clearTimeout(timer))
  }

  return {
    answer,
    next(authorizeUrl, state, timeoutMs) {
      if (closed) return Promise.reject(stopped())
      const res = held
      if (res === undefined)
        return Promise.reject(
          new HarnessError(
            'HARNESS_AUTHORIZE_FAILED',
            'the browser is no longer waiting on the redirect_uri',
          ),
        )
      held = undefined
      const answered = answer(state, timeoutMs)
      res.writeHead(303, {
        location: authorizeUrl,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      })
      res.end()
      return answered
    },
    finish(title, text) {
      if (held !== undefined) page(held, 200, title, text)
      held = undefined
    },
    close: () =>
      new Promise<void>((resolve) => {
        closed = true
        for (const wait of waiting.values()) wait.reject(stopped())
        waiting.clear()
        if (held !== undefined) page(held, 200, 'Login ended', 'See the terminal.')
        held = undefined
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * The callback's parameters, from the query (GET, response_mode=query) or the form body (POST,
 * form_post); anything else is answered here (404 other path, 415 not a form, 405 other method)
 * and gives undefined.
 */
async function callbackParams(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<{ method: 'GET' | 'POST'; params: URLSearchParams } | undefined> {
  const url = new URL(req.url ?? '/', 'http://loopback')
  if (url.pathname !== path) {
    page(res, 404, 'Not found', 'This is the dinero-conformance login listener.')
    return undefined
  }
  if (req.method === 'GET') return { method: 'GET', params: url.searchParams }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'GET, POST' }).end()
    return undefined
  }
  const type = req.headers['content-type'] ?? ''
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    page(res, 415, 'Unsupported', 'Expected a form post.')
    return undefined
  }
  return { method: 'POST', params: new URLSearchParams(await readBody(req)) }
}

/**
 * The loopback listener for the redirect_uri: a request the handler cannot read gets a 400 page;
 * a port that is taken or forbidden is HARNESS_PORT_IN_USE with what to do about it.
 */
async function listenCallback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  target: { host: string; port: number },
  redirectUri: string,
): Promise<Server> {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) page(res, 400, 'Bad request', 'The request could not be read.')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES')
        reject(
          new HarnessError(
            'HARNESS_PORT_IN_USE',
            `cannot listen on ${target.host}:${target.port} for the redirect_uri ${redirectUri} (${e.code === 'EACCES' ? 'permission denied' : 'port in use'}): stop what uses it, or register another loopback redirect_uri in the Visma Connect app and set DINERO_REDIRECT_URI to it`,
          ),
        )
      else reject(e)
    })
    server.listen(target.port, target.host, () => resolve())
  })
  return server
}
