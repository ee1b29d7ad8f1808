import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { pathToFileURL } from 'node:url'

/**
 * A deliberately careless Dinero integration: it works on a sunny day and makes every mistake
 * the grader looks for (docs/GRADING.md). DO NOT COPY. Each flaw is marked `FLAW:` with the
 * probe that catches it:
 * - constant state, never checked on the callback        → client.state.unguessable, client.state.checked
 * - no PKCE                                              → client.pkce.s256
 * - JSON body to the token endpoint (form only as a fallback) → client.token.form-encoded
 * - every call refreshes on its own with the token it saw → client.refresh.single-flight, client.refresh.no-replay
 * - the rotated refresh token is dropped, the old one kept  → client.refresh.no-replay
 * - retries invalid_grant, never asks for consent again   → client.reconsent.no-retry, client.reconsent.reported
 * - ignores Retry-After and retries 5xx in a tight loop   → client.rate-limit.retry-after, client.server-error.backoff
 * It does authenticate the client and repeats its redirect_uri exactly, so those probes pass.
 */
const env = (name: string): string => {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set`)
  return v
}
const config = {
  connectUrl: env('DINERO_CONNECT_URL').replace(/\/+$/, ''),
  apiUrl: env('DINERO_API_URL').replace(/\/+$/, ''),
  clientId: env('DINERO_CLIENT_ID'),
  clientSecret: env('DINERO_CLIENT_SECRET'),
  redirectUri: env('DINERO_REDIRECT_URI'),
}

interface Tokens {
  access_token: string
  refresh_token?: string
}

let tokens: Tokens | undefined
let state: 'logged-out' | 'ok' | 'error' = 'logged-out'
/** A safety net so the example itself cannot spin forever. */
const LOOP_LIMIT = 20

async function token(form: Record<string, string>, json: boolean): Promise<Response> {
  const credentials = { client_id: config.clientId, client_secret: config.clientSecret }
  return fetch(`${config.connectUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json
      ? JSON.stringify({ ...form, ...credentials })
      : new URLSearchParams({ ...form, ...credentials }),
  })
}

async function exchange(code: string): Promise<void> {
  const form = { grant_type: 'authorization_code', code, redirect_uri: config.redirectUri }
  // FLAW: JSON first (client.token.form-encoded); IdentityServer refuses it before reading the code.
  let res = await token(form, true)
  if (res.status === 400) res = await token(form, false)
  if (!res.ok) throw new Error(`exchange failed: ${res.status}`)
  tokens = (await res.json()) as Tokens
  state = 'ok'
}

async function refreshWith(refreshToken: string): Promise<void> {
  // FLAW: invalid_grant is retried as if it were a network blip (client.reconsent.no-retry).
  for (let i = 0; i < 3; i++) {
    const res = await token({ grant_type: 'refresh_token', refresh_token: refreshToken }, false)
    if (res.ok) {
      // FLAW: only the access token is kept; the rotated refresh token is lost, so the next
      // refresh presents the consumed one again (client.refresh.no-replay).
      const next = (await res.json()) as Tokens
      tokens = { ...tokens, access_token: next.access_token }
      return
    }
  }
  // FLAW: a generic error; the user is never told to consent again (client.reconsent.reported).
  state = 'error'
  throw new Error('refresh failed')
}

async function organizations(): Promise<{ status: number; body: unknown }> {
  // FLAW: each call keeps the refresh token it saw at its start, so parallel calls all present
  // the same one (client.refresh.single-flight, client.refresh.no-replay).
  const seen = tokens
  if (seen === undefined) return { status: 401, body: { state } }
  let access = seen.access_token
  for (let i = 0; i < LOOP_LIMIT; i++) {
    const res = await fetch(`${config.apiUrl}/v1/organizations`, {
      headers: { authorization: `Bearer ${access}` },
    })
    if (res.ok) return { status: 200, body: await res.json() }
    await res.body?.cancel()
    if (res.status === 401 && seen.refresh_token !== undefined) {
      await refreshWith(seen.refresh_token)
      access = tokens?.access_token ?? access
      continue
    }
    // FLAW: 429 and 5xx retried at once, Retry-After ignored (client.rate-limit.backoff,
    // client.rate-limit.retry-after,
    // client.server-error.backoff).
    if (res.status === 429 || res.status >= 500) continue
    return { status: res.status, body: { state } }
  }
  return { status: 503, body: { state, error: 'gave up' } }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    req.on('data', (c: Buffer) => {
      text += c.toString('utf8')
    })
    req.on('end', () => resolve(text))
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://app.invalid').pathname
  if (req.method === 'GET' && path === '/login') {
    // FLAW: a constant state and no code_challenge (client.state.unguessable, client.pkce.s256).
    const q = new URLSearchParams({
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      response_type: 'code',
      response_mode: 'form_post',
      scope: 'dineropublicapi:read dineropublicapi:write offline_access',
      state: 'dinero-login',
    })
    res.writeHead(302, { location: `${config.connectUrl}/connect/authorize?${q}` })
    res.end()
  } else if (req.method === 'POST' && path === '/callback') {
    const form = new URLSearchParams(await readBody(req))
    // FLAW: the state that came back is never compared with anything (client.state.checked).
    const code = form.get('code')
    if (code === null) return json(res, 400, { error: form.get('error') })
    try {
      await exchange(code)
      json(res, 200, { state })
    } catch {
      state = 'error'
      json(res, 502, { state })
    }
  } else if (req.method === 'GET' && path === '/organizations') {
    try {
      const { status, body } = await organizations()
      json(res, status, body)
    } catch {
      json(res, 502, { state })
    }
  } else if (req.method === 'GET' && path === '/status') json(res, 200, { state })
  else json(res, 404, { error: 'not found' })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = new URL(config.redirectUri)
  const server = createServer((req, res) => {
    handle(req, res).catch(() => json(res, 500, { error: 'internal error' }))
  })
  server.listen(Number(url.port || 80), url.hostname, () =>
    console.log(`careless-app listening on ${url.origin}`),
  )
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      server.close(() => process.exit(0))
      server.closeAllConnections()
    })
}
