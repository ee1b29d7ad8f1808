import { MockHttpError } from '../errors.ts'

/**
 * Token-endpoint style protocol errors (RFC 6749 §5.2) written the way IdentityServer writes
 * them (duende-token-error-result, is4-response-headers): status 400 for every token error, invalid_client
 * included (never 401),
 * `Content-Type: application/json; charset=UTF-8`, `Cache-Control: no-store, no-cache, max-age=0`,
 * `Pragma: no-cache`, and null fields omitted (so a bare `{"error":"invalid_request"}`).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable'
  /** Introspection without a token (duende-introspection-endpoint), not an RFC 6749 code. */
  | 'missing_token'

export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store, no-cache, max-age=0',
  pragma: 'no-cache',
}

export class OAuthError extends MockHttpError {
  readonly code: OAuthErrorCode
  readonly description: string | undefined
  readonly status: number

  constructor(code: OAuthErrorCode, description?: string, status = 400) {
    super(description ? `${code}: ${description}` : code)
    this.code = code
    this.description = description
    this.status = status
  }

  toResponse(): Response {
    const body: Record<string, string> = { error: this.code }
    if (this.description !== undefined) body.error_description = this.description
    return new Response(JSON.stringify(body), {
      status: this.status,
      headers: { 'content-type': 'application/json; charset=UTF-8', ...NO_STORE_HEADERS },
    })
  }
}

export const invalidRequest = (d?: string) => new OAuthError('invalid_request', d)
export const invalidClient = (d?: string) => new OAuthError('invalid_client', d)
export const invalidGrant = (d?: string) => new OAuthError('invalid_grant', d)
export const unauthorizedClient = (d?: string) => new OAuthError('unauthorized_client', d)
export const unsupportedGrantType = (d?: string) => new OAuthError('unsupported_grant_type', d)
export const invalidScope = (d?: string) => new OAuthError('invalid_scope', d)

/**
 * Protected-resource errors (RFC 6750 §3; duende-userinfo-endpoint) as IdentityServer's
 * ProtectedResourceErrorResult writes them: 401 (403 for `insufficient_scope`), no-store headers,
 * and `WWW-Authenticate: Bearer realm="IdentityServer", error="…"`, with
 * `error_description="The access token expired"` for an expired token (its `expired_token`).
 */
export class BearerError extends MockHttpError {
  readonly code: 'invalid_token' | 'insufficient_scope' | 'invalid_request'
  readonly status: number
  constructor(
    code: 'invalid_token' | 'insufficient_scope' | 'invalid_request',
    private readonly challengeDescription?: string,
  ) {
    super(challengeDescription ?? code)
    this.code = code
    this.status = code === 'insufficient_scope' ? 403 : code === 'invalid_request' ? 400 : 401
  }
  toResponse(): Response {
    const description =
      this.challengeDescription === undefined ? '' : `, error_description="${this.challengeDescription}"`
    return new Response(null, {
      status: this.status,
      headers: {
        ...NO_STORE_HEADERS,
        'www-authenticate': `Bearer realm="IdentityServer", error="${this.code}"${description}`,
      },
    })
  }
}

export const expiredToken = () => new BearerError('invalid_token', 'The access token expired')

/**
 * A bare status with no body: 405 for a wrong method, 415 for a wrong content type
 * (duende-authorize-endpoint, duende-revocation-endpoint).
 */
export class StatusError extends MockHttpError {
  readonly code: string
  constructor(
    readonly status: number,
    code: string,
    private readonly headers: Record<string, string> = {},
  ) {
    super(code)
    this.code = code
  }
  toResponse(): Response {
    return new Response(null, { status: this.status, headers: this.headers })
  }
}
