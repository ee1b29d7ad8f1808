import type { RouteRequest } from '../../routes.ts'
import type { ConnectContext } from '../context.ts'
import type { Params } from '../form.ts'
import type { ClientConfig } from '../model.ts'
import type { TokenResponse } from '../tokens.ts'

/**
 * What a grant handler is: the token endpoint (token.ts) has read the form, authenticated the
 * client and checked the client may use this grant type; the handler applies the grant's own
 * rules (RFC 6749 §4.1.3, §4.4.2, §6) and returns the tokens to write, or throws an OAuthError.
 * The grants import this file and token.ts imports the grants, so the dependency runs one way.
 */
export type GrantHandler = (ctx: ConnectContext, input: GrantInput) => Promise<TokenResponse>

export interface GrantInput {
  req: RouteRequest
  params: Params
  client: ClientConfig
  issuer: string
}
