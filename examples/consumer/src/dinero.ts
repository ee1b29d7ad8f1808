/**
 * A deliberately small Dinero client, standing in for an integration's own code: Visma Connect's
 * authorization code flow (RFC 6749 §4.1) with client_secret_basic (RFC 6749 §2.3.1), then the
 * organisation picker's request. The origins are configuration, so tests can aim it at a mock.
 */
export interface DineroConfig {
  connectUrl: string
  apiUrl: string
  clientId: string
  clientSecret: string
  redirectUri: string
}

export interface Organization {
  Name: string
  Id: number
  IsPro: boolean
}

export interface Tokens {
  access_token: string
  refresh_token?: string
  expires_in: number
  token_type: string
}

export function authorizeUrl(config: DineroConfig, state: string): string {
  const url = new URL('/connect/authorize', config.connectUrl)
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: config.redirectUri,
    scope: 'dineropublicapi:read offline_access',
    state,
  }).toString()
  return url.toString()
}

/** Reads the code from the redirect back to us, refusing one whose state is not ours (RFC 6749 §10.12). */
export function codeFromCallback(callbackUrl: string, expectedState: string): string {
  const params = new URL(callbackUrl).searchParams
  const error = params.get('error')
  if (error !== null) throw new Error(`authorization failed: ${error}`)
  if (params.get('state') !== expectedState) throw new Error('state mismatch')
  const code = params.get('code')
  if (code === null) throw new Error('no code in the callback')
  return code
}

function basic(id: string, secret: string): string {
  // RFC 6749 §2.3.1: both halves are form-url-encoded before the Basic encoding.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+')
  return `Basic ${btoa(`${enc(id)}:${enc(secret)}`)}`
}

export async function exchangeCode(config: DineroConfig, code: string): Promise<Tokens> {
  const res = await fetch(new URL('/connect/token', config.connectUrl), {
    method: 'POST',
    headers: { authorization: basic(config.clientId, config.clientSecret) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: config.redirectUri }),
  })
  const body = (await res.json()) as Tokens & { error?: string }
  // RFC 6749 §5.2: a failed request names its error; the client keeps it, not the whole body.
  if (!res.ok) throw new Error(`token endpoint answered ${res.status} ${body.error ?? ''}`.trim())
  return body
}

export async function listOrganizations(config: DineroConfig, accessToken: string): Promise<Organization[]> {
  const url = new URL('/v1/organizations', config.apiUrl)
  url.searchParams.set('fields', 'Name,Id,IsPro')
  const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })
  if (!res.ok) throw new Error(`Dinero answered ${res.status}`)
  return (await res.json()) as Organization[]
}
