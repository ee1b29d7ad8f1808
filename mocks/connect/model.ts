/**
 * Wire and store types of the Visma Connect mock. Branded strings keep codes, refresh handles
 * and client ids from being mixed up at compile time.
 */
export type Brand<T, B extends string> = T & { readonly __brand: B }
export type AuthorizationCode = Brand<string, 'AuthorizationCode'>
export type RefreshHandle = Brand<string, 'RefreshHandle'>

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials'
export type ResponseMode = 'query' | 'fragment' | 'form_post'
export type RefreshTokenUsage = 'one-time' | 'reuse'
/** What a replayed one-time refresh token does: IdentityServer's `invalid_grant` only, or Visma's revoke-all. */
export type ReplayResponse = 'reject' | 'revoke-all'

export interface RefreshPolicy {
  /** visma-connect-tokens, visma-refresh-usage-thread: Visma apps choose "One time" or "Re use". */
  usage: RefreshTokenUsage
  /** dinero-grace-period: 5–60 s in which a consumed one-time token still works; 0 = none. */
  graceSeconds: number
  replay: ReplayResponse
  /**
   * duende-refresh-token-service, duende-client-defaults: absolute counts from the original grant; sliding
   * extends on use, capped by absolute.
   */
  expiration: 'absolute' | 'sliding'
  absoluteLifetimeSeconds: number
  slidingLifetimeSeconds: number
}

export interface ClientConfig {
  clientId: string
  clientName: string
  /** `null` for a client without a secret (PKCE-only); Dinero apps are confidential web apps (dinero-faq). */
  secret: string | null
  redirectUris: string[]
  /**
   * Where RP-initiated logout may send the browser back (oidc-rp-initiated-logout §2,
   * duende-end-session-validator: compared with the registered ones); none when absent.
   */
  postLogoutRedirectUris?: string[]
  allowedScopes: string[]
  allowedGrantTypes: GrantType[]
  requirePkce: boolean
  allowPlainTextPkce: boolean
  allowOfflineAccess: boolean
  requireConsent: boolean
  accessTokenLifetimeSeconds: number
  identityTokenLifetimeSeconds: number
  authorizationCodeLifetimeSeconds: number
  refresh: RefreshPolicy
}

export interface UserConfig {
  subject: string
  email: string
  password: string
  name: string
  /** When the Visma account was created, epoch seconds: the tokens' `created_at` claim. */
  createdAt?: number
}

export interface CodeRecord {
  code: AuthorizationCode
  clientId: string
  subject: string
  sessionId: string
  authTime: number
  scopes: string[]
  redirectUri: string
  nonce?: string
  codeChallenge?: string
  codeChallengeMethod?: 'plain' | 'S256'
  createdAt: number
  expiresAt: number
}

export interface RefreshRecord {
  handle: RefreshHandle
  clientId: string
  subject: string
  sessionId: string
  authTime: number
  scopes: string[]
  /**
   * Preserved across rotation (duende-refresh-token-service): the absolute lifetime counts from the first
   * grant.
   */
  creationTime: number
  /** Absolute expiry in ms, recomputed on sliding use. */
  expiresAt: number
  /**
   * The client's refresh policy when the grant was issued, carried through rotation: Visma applies
   * new grace and usage settings only to tokens issued after the user authorises again
   * (dinero-grace-period), so a settings change never reaches a grant already out.
   */
  policy: RefreshPolicy
  consumedAt?: number
  /** The handle issued when this one was consumed (the family is followed for revoke-all). */
  successor?: RefreshHandle
}

export interface SessionRecord {
  id: string
  subject: string
  authTime: number
}

/**
 * IdentityServer's stored LogoutMessage behind `/account/logout?logoutId=…`
 * (duende-end-session-result): written only for a valid end-session request.
 */
export interface LogoutRecord {
  /** The client the id_token_hint was issued to: the logout is authenticated, no prompt is shown. */
  clientId?: string
  /** The registered post_logout_redirect_uri, with `state` already appended. */
  postLogoutRedirectUri?: string
  createdAt: number
}

/**
 * IdentityServer's stored ErrorMessage behind `/home/error?errorId=…` (duende-authorize-result,
 * is4-ui-constants).
 */
export interface ErrorRecord {
  error: string
  errorDescription?: string
  requestId: string
  clientId?: string
  redirectUri?: string
  createdAt: number
}
