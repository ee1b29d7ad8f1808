import { createHash, randomBytes } from 'node:crypto'
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URIS } from '../../mocks/options.ts'
import type { Reply, Target } from './targets.ts'

/**
 * OAuth steps as an integrator's app performs them, against either target: build the authorize
 * request, read what comes back (form_post page, query or fragment redirect), call the token
 * endpoint with Basic or post authentication.
 */
export const REDIRECT_URI = DEFAULT_REDIRECT_URIS[0]!
export const DINERO_SCOPE = 'dineropublicapi:read dineropublicapi:write offline_access'

export interface AuthorizeResult {
  reply: Reply
  /** Where the browser would go next: redirect Location, or the form_post action. */
  target?: string
  /** Parameters delivered to the client (form_post inputs, query or fragment). */
  fields: Record<string, string>
}

export function authorizeParams(overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const base: Record<string, string | undefined> = {
    client_id: DEFAULT_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    response_mode: 'query',
    scope: DINERO_SCOPE,
    state: randomBytes(12).toString('base64url'),
    ...overrides,
  }
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(base)) if (v !== undefined) p.set(k, v)
  return p
}

/** Decodes the HTML entities IdentityServer's form_post page uses (is4-form-post-inputs). */
function htmlDecode(v: string): string {
  return v
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
}

export function parseFormPost(html: string): { action: string; fields: Record<string, string> } | undefined {
  const action = /<form method='post' action='([^']*)'>/.exec(html)?.[1]
  if (action === undefined) return undefined
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type='hidden' name='([^']*)' value='([^']*)' \/>/g)) {
    fields[htmlDecode(m[1]!)] = htmlDecode(m[2]!)
  }
  return { action: htmlDecode(action), fields }
}

export async function authorize(
  target: Target,
  params: URLSearchParams,
  consent: 'accept' | 'deny' | 'none' = 'accept',
): Promise<AuthorizeResult> {
  const headers: Record<string, string> = consent === 'none' ? {} : { 'x-mock-consent': consent }
  const reply = await target.call('connect', `/connect/authorize?${params.toString()}`, { headers })
  const form = reply.status === 200 ? parseFormPost(reply.text) : undefined
  if (form) return { reply, target: form.action, fields: form.fields }
  const location = reply.headers.get('location') ?? undefined
  const fields: Record<string, string> = {}
  if (location !== undefined) {
    const url = new URL(location)
    const source = url.hash.length > 1 ? new URLSearchParams(url.hash.slice(1)) : url.searchParams
    for (const [k, v] of source) fields[k] = v
  }
  return { reply, ...(location === undefined ? {} : { target: location }), fields }
}

export type ClientAuth =
  | { kind: 'basic'; clientId?: string; secret?: string; raw?: boolean }
  | { kind: 'post'; clientId?: string; secret?: string }
  | { kind: 'none' }

/** RFC 6749 §2.3.1: each half form-url-encoded before base64 (unless `raw`). */
export function basicHeader(clientId: string, secret: string, raw = false): string {
  const enc = (s: string) => (raw ? s : encodeURIComponent(s).replace(/%20/g, '+'))
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`
}

export async function token(
  target: Target,
  form: Record<string, string>,
  auth: ClientAuth = { kind: 'post' },
  init: { contentType?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const body = new URLSearchParams(form)
  const headers: Record<string, string> = {
    'content-type': init.contentType ?? 'application/x-www-form-urlencoded',
    ...init.headers,
  }
  if (auth.kind === 'basic') {
    headers.authorization = basicHeader(
      auth.clientId ?? DEFAULT_CLIENT_ID,
      auth.secret ?? DEFAULT_CLIENT_SECRET,
      auth.raw,
    )
  } else if (auth.kind === 'post') {
    body.set('client_id', auth.clientId ?? DEFAULT_CLIENT_ID)
    body.set('client_secret', auth.secret ?? DEFAULT_CLIENT_SECRET)
  }
  return target.call('connect', '/connect/token', { method: 'POST', headers, body: body.toString() })
}

export function pkcePair(method: 'S256' | 'plain' = 'S256'): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url')
  const challenge = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
  return { verifier, challenge }
}

/** Authorize (auto consent) and return the code; throws if none came back. */
export async function obtainCode(
  target: Target,
  overrides: Record<string, string | undefined> = {},
): Promise<string> {
  const result = await authorize(target, authorizeParams(overrides))
  const code = result.fields.code
  if (code === undefined) throw new Error(`no code: ${result.reply.status} ${result.target ?? ''}`)
  return code
}

export interface Tokens {
  access_token: string
  refresh_token?: string
  id_token?: string
  expires_in: number
  token_type: string
  scope: string
}

/** The whole code flow: authorize with consent, exchange the code. */
export async function codeFlow(
  target: Target,
  overrides: Record<string, string | undefined> = {},
): Promise<Tokens> {
  const code = await obtainCode(target, overrides)
  const reply = await token(target, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: overrides.redirect_uri ?? REDIRECT_URI,
  })
  if (reply.status !== 200) throw new Error(`code exchange failed: ${reply.status} ${reply.text}`)
  return reply.json<Tokens>()
}

export async function refresh(
  target: Target,
  refreshToken: string,
  auth: ClientAuth = { kind: 'post' },
): Promise<Reply> {
  return token(target, { grant_type: 'refresh_token', refresh_token: refreshToken }, auth)
}
