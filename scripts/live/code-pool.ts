import { createHash, randomBytes } from 'node:crypto'
import type { Assertion, Check, CodeRequest } from '../../collections/model/types.ts'
import { HarnessError, serverText } from '../errors.ts'
import type { Received } from './callback-server.ts'
import type { LiveConfig } from './config.ts'
import type { SecretSet } from './secrets.ts'

/**
 * The codes `login` pools from one sign-in: each authorize request carries a fresh state, and
 * (as the check asks) a nonce and a PKCE S256 challenge (RFC 7636 §4.2); the values it was
 * requested with travel with the code to the check that consumes it.
 */
export interface PooledRequest {
  url: string
  /** Environment values for the check: state, nonce, verifier, challenge, requestedScope, responseMode. */
  values: Record<string, string>
  responseMode: 'query' | 'form_post'
}

const b64url = (bytes: Buffer) => bytes.toString('base64url')

/** Errors IdentityServer returns to the redirect_uri for prompt=none when a person must act (oidc-core §3.1.2.6). */
export const INTERACTION_ERRORS = new Set(['login_required', 'consent_required', 'interaction_required'])

export function expand(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (m, name: string) => values[name] ?? m)
}

export function codeRequest(
  config: LiveConfig,
  pool: CodeRequest,
  prompt: 'none' | undefined,
  secrets: SecretSet,
): PooledRequest {
  const responseMode = pool.responseMode ?? 'query'
  const values: Record<string, string> = { state: b64url(randomBytes(24)) }
  if (pool.nonce) values.nonce = b64url(randomBytes(24))
  if (pool.pkce) {
    values.verifier = b64url(randomBytes(48))
    values.challenge = b64url(createHash('sha256').update(values.verifier).digest())
    secrets.add(values.verifier)
  }
  const query = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    response_mode: responseMode,
    scope: expand(pool.scope ?? '{{scopes}}', { scopes: config.scopes }),
    state: values.state!,
    ...(values.nonce ? { nonce: values.nonce } : {}),
    ...(values.challenge ? { code_challenge: values.challenge, code_challenge_method: 'S256' } : {}),
    ...(prompt ? { prompt } : {}),
  })
  // What the code was asked with travels with it (not used to ask: state, nonce and PKCE are).
  values.requestedScope = query.get('scope')!
  values.responseMode = responseMode
  return { url: `${config.connectUrl}/connect/authorize?${query}`, values, responseMode }
}

/**
 * The check's assertions on the authorize answer (its mock prelude), applied to the callback's
 * fields as the browser delivered them: the live stand-in for reading the redirect itself. A
 * query answer must arrive as a GET, a form_post answer as a POST (oauth-form-post §2).
 */
export function callbackFailures(
  check: Check,
  mode: 'query' | 'form_post',
  received: Received,
  values: Record<string, string>,
): string[] {
  const failures: string[] = []
  const want = mode === 'query' ? 'GET' : 'POST'
  if (received.method !== want)
    failures.push(`callback: a ${mode} answer must arrive as ${want}, came as ${received.method}`)
  const f = received.fields
  const fail = (a: Assertion, got: string | undefined) =>
    failures.push(
      `callback: ${a.kind} ${'name' in a ? a.name : ''}: got ${got === undefined ? 'nothing' : JSON.stringify(got)}`,
    )
  for (const step of check.mockPrelude ?? [])
    for (const a of step.expect) {
      if (
        (a.kind === 'location-param' || a.kind === 'form-post-field') &&
        f[a.name] !== expand(a.equals, values)
      )
        fail(a, f[a.name])
      if (
        (a.kind === 'location-param-matches' || a.kind === 'form-post-field-matches') &&
        !new RegExp(a.pattern).test(f[a.name] ?? '')
      )
        fail(a, f[a.name])
      if (a.kind === 'location-param-absent' && a.name in f) fail(a, f[a.name])
    }
  return failures
}

export interface TokenAnswerBody {
  access_token: string
  refresh_token?: string
  expires_in?: number
  [k: string]: unknown
}

/** Exchanges a pooled code at the token endpoint (form body, client_secret_post; RFC 6749 §4.1.3). */
export async function exchangeCode(
  config: LiveConfig,
  code: string,
  values: Record<string, string>,
  secrets: SecretSet,
): Promise<TokenAnswerBody> {
  // Known before it is sent: a server that echoes the code back cannot put it in a message.
  secrets.add(code, values.verifier)
  const res = await fetch(`${config.connectUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      client_secret: config.clientSecret,
      ...(values.verifier ? { code_verifier: values.verifier } : {}),
    }).toString(),
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  let body: Record<string, unknown> | undefined
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {}
  secrets.addTokenResponse(body)
  if (res.status !== 200 || typeof body?.access_token !== 'string')
    throw new HarnessError(
      'HARNESS_CODE_EXCHANGE_FAILED',
      `the code exchange answered ${res.status}${typeof body?.error === 'string' ? ` ${serverText(body.error)}` : ''}: check the client secret and redirect_uri`,
    )
  return body as TokenAnswerBody
}
