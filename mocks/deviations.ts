/**
 * Deviations: switches that make the mock wrong in exactly one way each (DESIGN.md §1). They
 * exist to prove the conformance checks bite, and to let integrators rehearse against a
 * misbehaving provider. Off by default; a faithful mock has none on.
 */
export const DEVIATIONS = {
  'token.accept-json-body': 'the token endpoint accepts a JSON body as if it were a form',
  'token.accept-multipart': 'the token endpoint accepts multipart/form-data bodies',
  'token.accept-get': 'the token endpoint accepts GET with the parameters in the query',
  'token.cacheable-response': 'token responses omit Cache-Control: no-store and Pragma: no-cache',
  'token.ignore-redirect-mismatch':
    'the token endpoint ignores redirect_uri (missing or different from the authorize one)',
  'token.id-token-without-nonce': 'the id_token leaves out the nonce sent at authorize',
  'client-auth.basic-unsupported':
    'client_secret_basic is not understood (the Authorization header is ignored)',
  'client-auth.post-unsupported':
    'client_secret_post is not understood (client_secret in the body is ignored)',
  'client-auth.basic-not-form-decoded':
    'the halves of a Basic header are not form-url-decoded (RFC 6749 §2.3.1)',
  'client-auth.invalid-client-401': 'invalid_client comes back as HTTP 401 instead of IdentityServer’s 400',
  'client-auth.missing-is-invalid-client':
    'a request with no client credentials gets invalid_client (IdentityServer 4) instead of invalid_request',
  'authorize.redirect-unregistered-uri': 'authorize accepts and redirects to an unregistered redirect_uri',
  'authorize.errors-to-client':
    'authorize validation errors are sent to the redirect_uri instead of the error page',
  'authorize.alter-state': 'authorize returns a state that differs from the one sent',
  'authorize.form-post-as-query':
    'response_mode=form_post is ignored: the code comes back in a query redirect',
  'code.allow-reuse': 'an authorization code can be redeemed more than once',
  'code.no-expiry': 'authorization codes never expire',
  'pkce.not-enforced': 'PKCE is not required or checked: no challenge needed, any verifier accepted',
  'pkce.s256-treated-as-plain': 'an S256 challenge is compared to the verifier as if it were plain',
  'pkce.allow-plain': 'the plain PKCE method is accepted for a client that does not allow it',
  'refresh.no-rotation': 'one-time refresh tokens are not rotated: the same handle comes back',
  'refresh.accept-replay': 'a consumed one-time refresh token is accepted again',
  'refresh.replay-not-revoking': 'a replayed refresh token is refused but nothing else is revoked',
  'refresh.no-grace': 'the grace window for consumed one-time tokens is ignored',
  'refresh.no-expiry': 'refresh tokens never expire',
  'discovery.foreign-issuer': 'discovery names an issuer that is not the host it is served from',
  'jwks.stale-kid': 'tokens are signed with a kid the JWKS does not publish',
  'dinero.ignore-fields': 'Dinero ignores the fields parameter and returns its default PascalCase keys',
  'dinero.skip-pro-check': 'organisations without Pro are served like Pro ones',
  'dinero.ignore-scopes': 'Dinero endpoints do not check dineropublicapi:read / :write',
  'dinero.paging-ignored': 'list endpoints ignore pageSize and return 100 rows',
  'dinero.errors-pascal-case':
    'Dinero error bodies use PascalCase keys ({Code, Message}) instead of camelCase',
  'dinero.no-token-expiry': 'the Dinero API accepts expired access tokens',
  'dinero.anonymous-access': 'the Dinero API answers requests without an access token',
  'dinero.no-rate-limit': 'the Dinero API never answers 429',
  'dinero.ignore-timestamp': 'updates with a stale Timestamp are accepted',
} as const

export type DeviationId = keyof typeof DEVIATIONS

export function isDeviationId(id: string): id is DeviationId {
  return Object.hasOwn(DEVIATIONS, id)
}

export interface Deviations {
  has(id: DeviationId): boolean
  enable(id: DeviationId): void
  disable(id: DeviationId): void
  set(ids: readonly DeviationId[]): void
  list(): DeviationId[]
}

export function createDeviations(initial: readonly DeviationId[] = []): Deviations {
  const on = new Set<DeviationId>(initial)
  return {
    has: (id) => on.has(id),
    enable: (id) => void on.add(id),
    disable: (id) => void on.delete(id),
    set(ids) {
      on.clear()
      for (const id of ids) on.add(id)
    },
    list: () => [...on],
  }
}
