import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Config } from './config.ts'

/**
 * The OAuth client side, done by the book:
 * - a fresh state (256 bits) and PKCE S256 verifier (64 unreserved characters) per login
 *   (RFC 6749 §10.12, RFC 7636 §4.1–4.2, RFC 9700 §2.1.1);
 * - response_mode=form_post (dinero-authorization), the redirect_uri exactly as registered, reused
 *   byte for byte at the token endpoint (RFC 6749 §4.1.3, duende-token-request-validator);
 * - token requests form-encoded with client_secret_basic, each half form-url-encoded first
 *   (RFC 6749 §2.3.1, duende-token-endpoint, is4-basic-secret-parser).
 */
export interface PendingLogin {
  state: string
  verifier: string
  createdAt: number
}

export interface TokenSet {
  accessToken: string
  refreshToken: string | undefined
  /** The app's own clock; the server may disagree (a 401 also triggers a refresh). */
  expiresAt: number
}

/** RFC 6749 §5.2: the error code of a refused token request. */
export class TokenError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
  ) {
    super(`token endpoint answered ${status} ${error}`)
  }
}

export function newPendingLogin(): PendingLogin {
  return {
    state: randomBytes(32).toString('base64url'),
    verifier: randomBytes(48).toString('base64url'),
    createdAt: Date.now(),
  }
}

export function authorizeUrl(config: Config, pending: PendingLogin): string {
  const challenge = createHash('sha256').update(pending.verifier).digest('base64url')
  const q = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    response_mode: 'form_post',
    scope: config.scope,
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  return `${config.connectUrl}/connect/authorize?${q}`
}

export function sameState(expected: string, received: string | undefined): boolean {
  if (received === undefined) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(received)
  return a.length === b.length && timingSafeEqual(a, b)
}

const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+')

async function tokenRequest(config: Config, form: Record<string, string>): Promise<TokenSet> {
  const basic = Buffer.from(`${formEncode(config.clientId)}:${formEncode(config.clientSecret)}`).toString(
    'base64',
  )
  // No retry here: a refresh the server applied but whose answer was lost must not be replayed.
  const res = await fetch(`${config.connectUrl}/connect/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (!res.ok) throw new TokenError(typeof body.error === 'string' ? body.error : 'unknown_error', res.status)
  if (typeof body.access_token !== 'string') throw new TokenError('no_access_token', res.status)
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresAt: Date.now() + expiresIn * 1000,
  }
}

export function exchangeCode(config: Config, code: string, pending: PendingLogin): Promise<TokenSet> {
  return tokenRequest(config, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: config.redirectUri,
    code_verifier: pending.verifier,
  })
}

export function refreshTokens(config: Config, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(config, { grant_type: 'refresh_token', refresh_token: refreshToken })
}
