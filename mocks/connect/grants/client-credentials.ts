import type { ConnectContext } from '../context.ts'
import { invalidScope } from '../errors.ts'
import { issueTokenResponse, type TokenResponse } from '../tokens.ts'
import type { GrantInput } from './grant.ts'

const IDENTITY_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone'])

/**
 * `grant_type=client_credentials` for clients allowed it (duende-token-request-validator): unknown or
 * not-allowed scopes, identity scopes and `offline_access` → invalid_scope; no scope → every
 * API scope the client is allowed. Dinero itself accepts only web apps (A4); this grant is
 * here for completeness of the Connect profile.
 */
export async function clientCredentialsGrant(ctx: ConnectContext, input: GrantInput): Promise<TokenResponse> {
  const { params, client } = input
  const apiScopes = client.allowedScopes.filter((s) => !IDENTITY_SCOPES.has(s) && s !== 'offline_access')
  const requested = params.get('scope')?.split(' ').filter(Boolean)
  const scopes = requested === undefined || requested.length === 0 ? apiScopes : requested
  if (scopes.length === 0 || !scopes.every((s) => apiScopes.includes(s))) throw invalidScope()
  return issueTokenResponse(ctx, { client, issuer: input.issuer, scopes })
}
