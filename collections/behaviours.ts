/**
 * The documented behaviours the harness pins, one concrete behaviour each, with a stable id.
 * A catalogue check names the behaviours it pins (`pins` in model/types.ts); a behaviour only a
 * mock spec can pin (it needs the store or the clock in ways no request shows) names that spec
 * here, and the spec mentions the id. docs/CHECKS.md lists each behaviour with what pins it, or
 * "not covered", so a reader sees what is tested and what is not. specs/checks/behaviours.spec.ts
 * holds the file to that: pins resolve, listed specs exist and mention the id, sources resolve.
 */
export interface Behaviour {
  /** Stable id, `<area>.<behaviour>`: `token.post-only`. */
  id: string
  /** One line: the behaviour, with its status and error code. */
  says: string
  /** Where it is documented: ids from collections/sources.ts or RFC sections. */
  sources: string[]
  /** Mock specs (paths from the repository root) that pin it; each mentions the id. */
  specs?: string[]
}

const TOKEN_SPEC = 'specs/connect/token-content-type.spec.ts'
const CLIENT_AUTH_SPEC = 'specs/connect/client-authentication.spec.ts'
const CODE_SPEC = 'specs/connect/authorization-code.spec.ts'
const REFRESH_SPEC = 'specs/connect/refresh-token-rotation.spec.ts'
const END_SESSION_SPEC = 'specs/connect/end-session.spec.ts'

export const BEHAVIOURS: readonly Behaviour[] = [
  // The token endpoint: request format, answers and grant dispatch.
  {
    id: 'token.post-only',
    says: 'a token request by any method but POST (GET, PUT, DELETE) → 400 {"error":"invalid_request"}',
    sources: ['duende-token-endpoint', 'RFC 6749 §3.2'],
  },
  {
    id: 'token.json-body-refused',
    says: 'a JSON body → 400 {"error":"invalid_request"} (no description), before the code is looked at',
    sources: ['duende-token-endpoint', 'is4-issue-1658'],
  },
  {
    id: 'token.multipart-refused',
    says: 'a multipart/form-data body → 400 invalid_request',
    sources: ['duende-token-endpoint', 'duende-support-168'],
  },
  {
    id: 'token.text-plain-refused',
    says: 'a text/plain body, even one holding form-encoded parameters → 400 invalid_request',
    sources: ['duende-token-endpoint', 'is4-form-content-type'],
  },
  {
    id: 'token.no-content-type-refused',
    says: 'a POST without a Content-Type → 400 invalid_request',
    sources: ['duende-token-endpoint'],
    specs: [TOKEN_SPEC],
  },
  {
    id: 'token.form-media-type-lenient',
    says: 'the form media type is matched case-insensitively and may carry parameters (`; charset=UTF-8`)',
    sources: ['is4-form-content-type'],
    specs: [TOKEN_SPEC],
  },
  {
    id: 'token.error-response',
    says: 'a token error is HTTP 400 JSON {error} with `application/json; charset=UTF-8`, Cache-Control no-store, no-cache, max-age=0 and Pragma no-cache',
    sources: ['duende-token-error-result', 'is4-response-headers'],
  },
  {
    id: 'token.success-response',
    says: 'a token success is 200 {access_token, expires_in: 3600, token_type: "Bearer", refresh_token?, scope} with the no-store headers',
    sources: ['duende-token-result', 'observed-visma-token-response', 'RFC 6749 §5.1'],
  },
  {
    id: 'token.access-token-jwt',
    says: 'the access token is an RS256 JWT with `typ: at+JWT`, `aud: https://api.dinero.dk` and the client_id',
    sources: ['observed-visma-token-response', 'visma-connect-access-token'],
  },
  {
    id: 'token.scope-string-in-response',
    says: 'the token response’s `scope` is a space-separated string',
    sources: ['RFC 6749 §5.1', 'observed-visma-token-response'],
  },
  {
    id: 'token.scope-array-in-access-token',
    says: 'the access token’s `scope` claim is a JSON array of scope names',
    sources: ['observed-visma-token-response', 'visma-connect-access-token'],
  },
  {
    id: 'token.unsupported-grant-type',
    says: 'a missing or unknown grant_type → 400 unsupported_grant_type (a prototype name such as `constructor` included)',
    sources: ['duende-token-request-validator', 'RFC 6749 §5.2'],
    specs: [TOKEN_SPEC],
  },
  {
    id: 'token.grant-not-allowed',
    says: 'a known grant the client may not use (client_credentials for a web app) → 400 unauthorized_client',
    sources: ['duende-token-request-validator', 'RFC 6749 §5.2'],
  },
  {
    id: 'token.duplicate-parameter',
    says: 'a protocol parameter sent twice → 400 invalid_request',
    sources: ['RFC 6749 §3.2', 'open-visma-endpoint-details'],
    specs: [TOKEN_SPEC],
  },

  // Client authentication at the token endpoint.
  {
    id: 'client-auth.basic',
    says: 'client_secret_basic authenticates the client',
    sources: ['is4-basic-secret-parser', 'RFC 6749 §2.3.1'],
  },
  {
    id: 'client-auth.post',
    says: 'client_secret_post (client_id and client_secret in the form) authenticates the client',
    sources: ['is4-post-body-secret-parser', 'visma-connect-offline-access'],
  },
  {
    id: 'client-auth.basic-form-decoded',
    says: 'both halves of a Basic header are form-url-decoded (`+` is a space, `%xx` decoded)',
    sources: ['is4-basic-secret-parser', 'RFC 6749 §2.3.1'],
  },
  {
    id: 'client-auth.basic-preferred',
    says: 'with credentials in both the Basic header and the body, the Basic header’s are the ones checked',
    sources: ['is4-secret-parsers'],
    specs: [CLIENT_AUTH_SPEC],
  },
  {
    id: 'client-auth.malformed-basic-ignored',
    says: 'a malformed Basic header counts as no credentials: the body credentials are used',
    sources: ['is4-basic-secret-parser'],
    specs: [CLIENT_AUTH_SPEC],
  },
  {
    id: 'client-auth.wrong-secret',
    says: 'a wrong client secret → HTTP 400 invalid_client, never 401',
    sources: ['duende-client-secret-validator', 'duende-token-error-result'],
  },
  {
    id: 'client-auth.unknown-client',
    says: 'an unknown client_id → HTTP 400 invalid_client',
    sources: ['duende-client-secret-validator', 'duende-token-error-result'],
  },
  {
    id: 'client-auth.missing',
    says: 'no client credentials at all → 400 invalid_request (IdentityServer4 said invalid_client)',
    sources: ['duende-client-secret-validator'],
  },
  {
    id: 'client-auth.length-limits',
    says: 'a client_id or client_secret over 100 characters → 400 invalid_client',
    sources: ['duende-input-length-restrictions', 'is4-post-body-secret-parser'],
    specs: ['specs/connect/client-auth-length-limits.spec.ts'],
  },

  // Authorization codes at the token endpoint.
  {
    id: 'code.single-use',
    says: 'a code redeemed a second time → 400 invalid_grant',
    sources: ['duende-token-request-validator', 'RFC 6749 §4.1.2'],
  },
  {
    id: 'code.reuse-keeps-tokens',
    says: 'a second use of a code does not revoke the tokens the first use issued',
    sources: ['duende-token-request-validator'],
    specs: [CODE_SPEC],
  },
  {
    id: 'code.burned-on-failure',
    says: 'a failed redemption (wrong redirect_uri, bad verifier) burns the code: the corrected retry → invalid_grant',
    sources: ['duende-token-request-validator'],
  },
  {
    id: 'code.json-exchange-not-burned',
    says: 'a JSON code exchange is refused before the code is read, so the code still redeems',
    sources: ['duende-token-endpoint', 'is4-issue-1658'],
  },
  {
    id: 'code.redirect-mismatch',
    says: 'a redirect_uri that differs from the authorize one → 400 invalid_grant',
    sources: ['duende-token-request-validator', 'RFC 6749 §4.1.3'],
  },
  {
    id: 'code.redirect-case-sensitive',
    says: 'the redirect_uri comparison at the token endpoint is case-sensitive → invalid_grant on a case change',
    sources: ['duende-token-request-validator'],
    specs: [CODE_SPEC],
  },
  {
    id: 'code.redirect-missing',
    says: 'a code exchange without redirect_uri → 400 unauthorized_client',
    sources: ['duende-token-request-validator'],
  },
  {
    id: 'code.lifetime-300s',
    says: 'a code older than 300 s → 400 invalid_grant; at 299 s it still redeems',
    sources: ['duende-client-defaults', 'duende-token-request-validator'],
    specs: [CODE_SPEC],
  },
  {
    id: 'code.other-client',
    says: 'a code presented by another client → 400 invalid_grant, and it still redeems for its own client',
    sources: ['duende-token-request-validator', 'RFC 6749 §4.1.3'],
  },
  {
    id: 'code.length-limit',
    says: 'a code over 100 characters → 400 invalid_grant',
    sources: ['duende-input-length-restrictions', 'duende-token-request-validator'],
  },
  {
    id: 'code.nonce-in-id-token',
    says: 'with openid, the id_token carries the nonce sent at authorize',
    sources: ['oidc-core §3.1.3.7'],
  },

  // PKCE (RFC 7636) at the token endpoint, and the per-client settings that govern it.
  {
    id: 'pkce.s256',
    says: 'an S256 verifier that matches the challenge redeems the code',
    sources: ['RFC 7636 §4.6', 'visma-connect-web-apps'],
  },
  {
    id: 'pkce.wrong-verifier',
    says: 'a verifier that does not match the challenge → 400 invalid_grant',
    sources: ['RFC 7636 §4.6', 'duende-token-request-validator'],
  },
  {
    id: 'pkce.downgrade',
    says: 'no code_verifier for a code issued with a challenge → 400 invalid_grant',
    sources: ['RFC 9700 §2.1.1', 'duende-token-request-validator'],
  },
  {
    id: 'pkce.unexpected-verifier',
    says: 'a code_verifier for a code issued without a challenge → 400 invalid_grant',
    sources: ['duende-token-request-validator'],
  },
  {
    id: 'pkce.verifier-length',
    says: 'a verifier shorter than 43 or longer than 128 characters → 400 invalid_grant, even when its hash matches',
    sources: ['RFC 7636 §4.1', 'duende-input-length-restrictions', 'visma-connect-web-apps'],
  },
  {
    id: 'pkce.required',
    says: 'a client that requires PKCE gets the IdP error page for an authorize request without a challenge',
    sources: ['visma-connect-web-apps', 'duende-authorize-request-validator'],
  },
  {
    id: 'pkce.plain-refused',
    says: 'the plain method is refused (IdP error page) for a client that does not allow it (the default)',
    sources: ['duende-client-defaults', 'duende-authorize-request-validator'],
  },
  {
    id: 'pkce.plain-allowed',
    says: 'for a client that allows plain, a plain challenge redeems with the verifier equal to it',
    sources: ['RFC 7636 §4.6', 'duende-client-defaults'],
  },

  // Refresh tokens.
  {
    id: 'refresh.one-time-rotates',
    says: 'a one-time refresh token is rotated: each refresh returns a new refresh token',
    sources: ['visma-connect-tokens', 'duende-refresh-token-service', 'RFC 9700 §4.14.2'],
  },
  {
    id: 'refresh.consumed-refused',
    says: 'a consumed one-time refresh token → 400 invalid_grant',
    sources: ['duende-refresh-token-service', 'visma-connect-tokens'],
  },
  {
    id: 'refresh.replay-revokes-all',
    says: 'replaying a consumed one-time token revokes all access of the client and user: the newer token → invalid_grant',
    sources: ['visma-connect-tokens', 'RFC 9700 §4.14.2'],
  },
  {
    id: 'refresh.grace-window',
    says: 'inside the grace window (5–60 s) a consumed token works again; after it → invalid_grant',
    sources: ['dinero-grace-period'],
  },
  {
    id: 'refresh.settings-not-retroactive',
    says: 'changed refresh settings (grace, usage) apply only to grants issued after the user authorises again',
    sources: ['dinero-grace-period'],
    specs: [REFRESH_SPEC],
  },
  {
    id: 'refresh.reuse-same-handle',
    says: 'a re-use refresh token comes back unchanged on refresh and keeps working',
    sources: ['visma-connect-tokens', 'visma-refresh-usage-thread', 'duende-refresh-token-service'],
  },
  {
    id: 'refresh.absolute-expiry',
    says: 'a refresh token past its absolute lifetime → 400 invalid_grant',
    sources: ['duende-refresh-token-service', 'duende-client-defaults'],
  },
  {
    id: 'refresh.lifetime-kept-across-rotation',
    says: 'rotation keeps the grant’s creation time: the absolute lifetime counts from the first grant → invalid_grant after it',
    sources: ['duende-refresh-token-service'],
  },
  {
    id: 'refresh.sliding-expiry',
    says: 'a sliding refresh token’s expiry moves with each use; unused for the sliding lifetime → invalid_grant',
    sources: ['visma-connect-tokens', 'duende-refresh-token-service'],
  },
  {
    id: 'refresh.unknown',
    says: 'a refresh token the server never issued → 400 invalid_grant',
    sources: ['duende-refresh-token-service', 'RFC 6749 §5.2'],
  },
  {
    id: 'refresh.missing',
    says: 'grant_type=refresh_token without refresh_token → 400 invalid_request',
    sources: ['duende-token-request-validator', 'RFC 6749 §6'],
  },
  {
    id: 'refresh.length-limit',
    says: 'a refresh token over 100 characters → 400 invalid_grant',
    sources: ['duende-input-length-restrictions', 'duende-token-request-validator'],
  },
  {
    id: 'refresh.other-client',
    says: 'another client’s refresh token → 400 invalid_grant',
    sources: ['duende-refresh-token-service'],
    specs: [REFRESH_SPEC],
  },
  {
    id: 'refresh.scope-narrowing',
    says: 'a narrower scope on refresh is honoured; a wider one → 400 invalid_scope',
    sources: ['RFC 6749 §6'],
    specs: [REFRESH_SPEC],
  },

  // Authorize: response modes, IdentityServer's input limits and silent requests.
  {
    id: 'authorize.token-in-query-refused',
    says: 'response_type=token with response_mode=query → the IdP error page, invalid_request "Invalid response_mode for response_type" (checked before the client’s grant)',
    sources: ['duende-authorize-request-validator', 'oauth-multiple-response-types'],
  },
  {
    id: 'authorize.unknown-response-mode',
    says: 'an unknown response_mode → the IdP error page, unsupported_response_type',
    sources: ['duende-authorize-request-validator'],
  },
  {
    id: 'authorize.nonce-max-300',
    says: 'a nonce over 300 characters → the IdP error page, invalid_request "Invalid nonce"',
    sources: ['duende-input-length-restrictions', 'duende-authorize-request-validator'],
  },
  {
    id: 'authorize.scope-max-300',
    says: 'a scope parameter over 300 characters, even of valid scopes → the IdP error page, invalid_request "Invalid scope"',
    sources: ['duende-input-length-restrictions', 'duende-authorize-request-validator'],
  },
  {
    id: 'authorize.ui-locales-max-100',
    says: 'ui_locales over 100 characters → the IdP error page, invalid_request "Invalid ui_locales"',
    sources: ['duende-input-length-restrictions', 'duende-authorize-request-validator'],
  },
  {
    id: 'authorize.login-hint-max-100',
    says: 'a login_hint over 100 characters → the IdP error page, invalid_request "Invalid login_hint"',
    sources: ['duende-input-length-restrictions', 'duende-authorize-request-validator'],
  },
  {
    id: 'authorize.acr-values-max-300',
    says: 'acr_values over 300 characters → the IdP error page, invalid_request "Invalid acr_values"',
    sources: ['duende-input-length-restrictions', 'duende-authorize-request-validator'],
  },
  {
    id: 'authorize.redirect-uri-max-400',
    says: 'a redirect_uri over 400 characters → the IdP error page, invalid_request "Invalid redirect_uri" (no registered URI is that long, so a request shows only the registration check)',
    sources: ['duende-input-length-restrictions', 'duende-authorize-request-validator'],
  },
  {
    id: 'authorize.prompt-none-login-required',
    says: 'prompt=none without an IdP session → error=login_required with state and iss to the redirect_uri, no page',
    sources: ['oidc-core §3.1.2.6', 'duende-authorize-result'],
  },

  // Userinfo, revocation, introspection and end-session.
  {
    id: 'userinfo.claims',
    says: 'userinfo with an access token carrying openid → 200 JSON claims with sub',
    sources: ['duende-userinfo-endpoint', 'oidc-core §5.3.2'],
  },
  {
    id: 'userinfo.no-token-401',
    says: 'userinfo without a token → 401 with WWW-Authenticate: Bearer error="invalid_token"',
    sources: ['duende-userinfo-endpoint', 'RFC 6750 §3'],
  },
  {
    id: 'revocation.refresh-token-removed',
    says: 'revoking a refresh token → 200 with an empty body; refreshing with it afterwards → 400 invalid_grant',
    sources: ['RFC 7009 §2.2', 'visma-connect-token-revocation', 'duende-revocation-endpoint'],
  },
  {
    id: 'revocation.unknown-token-200',
    says: 'revoking a token the server does not know → 200 with an empty body',
    sources: ['RFC 7009 §2.2', 'duende-revocation-endpoint'],
  },
  {
    id: 'revocation.no-client-invalid-client',
    says: 'revocation without client credentials → 400 {"error":"invalid_client"}',
    sources: ['duende-revocation-endpoint', 'visma-connect-token-revocation'],
  },
  {
    id: 'introspection.api-resources-only',
    says: 'introspection answers API resources: a client asking about an access token → 200 {"active":false}; no credentials → 401',
    sources: ['duende-introspection-endpoint', 'open-visma-endpoint-details'],
  },
  {
    id: 'end-session.get-or-post',
    says: 'end-session takes GET or a POST form → 302 to the logout page; another method → 405 (Allow: GET, POST), another POST body → 415',
    sources: ['duende-end-session-endpoint', 'oidc-rp-initiated-logout §2'],
    specs: [END_SESSION_SPEC],
  },
  {
    id: 'end-session.post-logout-redirect',
    says: 'a valid id_token_hint with a post_logout_redirect_uri registered for its client → signed out, cookie expired, 302 to that URI with state',
    sources: ['oidc-rp-initiated-logout §3', 'duende-end-session-validator', 'duende-end-session-result'],
    specs: [END_SESSION_SPEC],
  },
  {
    id: 'end-session.invalid-hint-refused',
    says: 'an id_token_hint that does not validate (garbage, an access token, another user’s) → 302 to the logout page without a logoutId; nothing it names is honoured',
    sources: ['duende-end-session-validator', 'duende-end-session-result'],
    specs: [END_SESSION_SPEC],
  },
  {
    id: 'end-session.unregistered-redirect-ignored',
    says: 'a post_logout_redirect_uri not registered for the hint’s client, or sent without a hint → no redirect to it',
    sources: ['duende-end-session-validator', 'oidc-rp-initiated-logout §2'],
    specs: [END_SESSION_SPEC],
  },
  {
    id: 'end-session.session-ended',
    says: 'after logout the old IdP session cookie signs no one in: prompt=none → error=login_required',
    sources: ['duende-end-session-result', 'oidc-rp-initiated-logout §2'],
    specs: [END_SESSION_SPEC],
  },

  {
    id: 'discovery.session-endpoints',
    says: 'discovery names userinfo, end-session, revocation and introspection endpoints under /connect/ on its own origin',
    sources: ['visma-connect-discovery'],
  },

  // Dinero paging.
  {
    id: 'dinero.page-size-max-1000',
    says: 'a list with pageSize over 1000 → 400, error code 45 (the limit is documented, the answer is the mock’s assumption)',
    sources: ['dinero-openapi', 'open-dinero-page-size'],
  },

  // ---- The Dinero API (status and error codes, paging, versions) and the Visma Connect documents
  // (endpoints, token requests, lifetimes). Where the mock answers what the documents leave open,
  // `says` names the assumption's open-question source.

  // Dinero: access (the gate every operation passes, mocks/dinero/auth.ts).
  {
    id: 'dinero.no-token-401',
    says: 'a request without `Authorization: Bearer` → 401 code 41 with `WWW-Authenticate: Bearer` (body and header are the mock’s assumption)',
    sources: ['dinero-api-docs', 'dinero-api-errors', 'open-dinero-401-body', 'RFC 6750 §3'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.expired-token-401',
    says: 'an access token past its 3600 s → 401 code 41 with `WWW-Authenticate: Bearer error="invalid_token"`',
    sources: ['dinero-api-errors', 'observed-visma-token-response', 'RFC 6750 §3.1', 'open-dinero-401-body'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.scope-403-41',
    says: 'GET needs dineropublicapi:read and POST/PUT/DELETE dineropublicapi:write; without it → 403 code 41',
    sources: ['dinero-openapi', 'dinero-api-errors'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.organisation-in-path',
    says: 'the organisation is the numeric id in the path (`/v1/{organizationId}/…`); one that is not a number or does not exist → 404 code 40',
    sources: ['dinero-faq', 'dinero-openapi', 'open-dinero-unlisted-responses'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.organisation-no-access-403-41',
    says: 'an organisation the user has no access to → 403 code 41',
    sources: ['dinero-api-errors'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.no-pro-403-90',
    says: 'an organisation without an active Pro subscription → 403 code 90 (older docs say 48)',
    sources: ['dinero-api-errors', 'dinero-api-docs', 'dinero-openapi'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.organisations-exempt-from-pro',
    says: 'GET /v1/organizations answers 200 for organisations without Pro too: it is how an app learns which have Pro',
    sources: ['dinero-openapi'],
    specs: ['specs/dinero/organizations.spec.ts'],
  },
  {
    id: 'dinero.rate-limit-429-43',
    says: 'more than 100 requests a minute for one organisation → 429 code 43; other organisations are not affected, and a minute later it answers again',
    sources: ['dinero-api-errors', 'RFC 6585 §4'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.rate-limit-message',
    says: 'the 429’s message is the documented "You have exceeded the maximum amount of 100 requests a minute pr. organization, wait a minute and continue", with no Retry-After (none was seen)',
    sources: ['dinero-api-errors', 'open-dinero-429-headers'],
    specs: ['specs/dinero/auth.spec.ts'],
  },

  // Dinero: error bodies and codes.
  {
    id: 'dinero.error-body-camel-case',
    says: 'an error is JSON `{code, message, validationErrors?}` in camelCase (unlike the PascalCase models), `application/json; charset=utf-8`',
    sources: ['apaq-dinero-fixtures', 'dinero-api-errors'],
    specs: ['specs/dinero/auth.spec.ts'],
  },
  {
    id: 'dinero.not-found-404-40',
    says: 'an entity that does not exist → 404 JSON code 40',
    sources: ['dinero-api-errors', 'apaq-dinero-error-handler'],
  },
  {
    id: 'dinero.unknown-route-404-html',
    says: 'a path no operation has → 404 with an HTML page, not the JSON code 40 of a missing entity',
    sources: ['apaq-dinero-error-handler', 'open-dinero-unlisted-responses'],
  },
  {
    id: 'dinero.validation-error-42',
    says: 'a body missing a required property → 400 code 42 with `validationErrors` naming the property',
    sources: ['dinero-api-errors', 'dinero-openapi', 'apaq-dinero-fixtures'],
  },
  {
    id: 'dinero.invalid-format-44',
    says: 'a parameter that is not in its documented format (changesSince not `YYYY-MM-DDTHH:mm:ssZ`) → 400 code 44',
    sources: ['dinero-api-errors', 'dinero-openapi', 'open-dinero-unlisted-responses'],
  },
  {
    id: 'dinero.invalid-request-45',
    says: 'a well-formed request a business rule refuses (a booked voucher changed, a credit note over its invoice, a reminder before due) → 400 code 45',
    sources: ['dinero-api-errors', 'apaq-dinero-fixtures', 'open-dinero-unlisted-responses'],
  },
  {
    id: 'dinero.invalid-filter-46',
    says: 'a malformed queryFilter (`AMINO`) → 400 code 46',
    sources: ['dinero-api-errors', 'dinero-openapi'],
  },
  {
    id: 'dinero.timestamp-out-of-date-58',
    says: 'an update with a Timestamp that is not the entity’s latest → 400 code 58',
    sources: ['dinero-api-errors', 'dinero-openapi', 'manyfold-dinero-tests'],
  },
  {
    id: 'dinero.file-over-6mb',
    says: 'an upload over 6 MB is refused (the OpenAPI says 400, the status page 413) and nothing is stored',
    sources: ['dinero-openapi', 'dinero-api-errors'],
    specs: ['specs/dinero/files.spec.ts'],
  },

  // Dinero: lists, paging and fields.
  {
    id: 'dinero.list-envelope',
    says: 'a paged list answers `{Collection, Pagination{MaxPageSizeAllowed: 1000, PageSize, Result, ResultWithoutFilter, Page}}` with at most PageSize items',
    sources: ['dinero-openapi', 'apaq-dinero-fixtures'],
  },
  {
    id: 'dinero.paging-defaults',
    says: 'pages count from 0: without page and pageSize a list answers Page 0 and PageSize 100',
    sources: ['dinero-openapi'],
  },
  {
    id: 'dinero.plain-array-lists',
    says: 'the unpaged lists (organisations, accounting years, VAT types, entries, files) are plain JSON arrays, not the envelope',
    sources: ['dinero-openapi'],
  },
  {
    id: 'dinero.fields-echo-casing',
    says: '`fields` is matched case-insensitively and each key comes back the way it was requested',
    sources: ['dinero-openapi'],
  },
  {
    id: 'dinero.fields-default-lower-camel',
    says: 'without `fields` a list answers its documented default set, often lower camel case (`id, name, isPro`)',
    sources: ['dinero-openapi'],
  },
  {
    id: 'dinero.query-filter',
    says: "`queryFilter` takes `<Field> eq|contains '<value>'` on the resource’s filterable fields, case-insensitive, `;` joining conditions with AND",
    sources: ['dinero-openapi'],
    specs: ['specs/dinero/contacts.spec.ts'],
  },
  {
    id: 'dinero.deleted-only',
    says: 'a deleted entity leaves the default list and is listed with `deletedOnly=true`',
    sources: ['dinero-openapi'],
    specs: ['specs/dinero/contacts.spec.ts'],
  },
  {
    id: 'dinero.changes-since',
    says: '`changesSince` (UTC `YYYY-MM-DDTHH:mm:ssZ`) keeps only what was created, updated or deleted at or after it',
    sources: ['dinero-openapi'],
  },

  // Dinero: versions and casing of the models.
  {
    id: 'dinero.version-prefixes',
    says: 'each operation has its own version prefix: /v1.1/organizations answers OrganizationReadModelV2 with Subscription, invoices, credit notes and trade offers are updated under /v1.2, most others are /v1',
    sources: ['dinero-openapi', 'dinero-api-docs'],
  },
  {
    id: 'dinero.timestamp-casing',
    says: 'read and created models carry `TimeStamp` (16 hex digits), request bodies send `Timestamp`',
    sources: ['dinero-openapi', 'apaq-dinero-fixtures'],
  },

  // Dinero: rules of single resources that checks pin.
  {
    id: 'dinero.vat-rate-fraction',
    says: 'a VAT type’s VatRate is a fraction (0.25), not a percentage',
    sources: ['dinero-openapi'],
  },
  {
    id: 'dinero.voucher-next-number',
    says: 'a manual voucher booked without a Number gets its accounting year’s highest number + 1',
    sources: ['dinero-openapi'],
  },
  {
    id: 'dinero.trade-offer-generates-invoice',
    says: 'generating an invoice from a trade offer → 200 with a draft invoice carrying the offer’s lines',
    sources: ['dinero-openapi'],
  },
  {
    id: 'dinero.webhook-subscription',
    says: 'subscribe {Uri, EventId} and unsubscribe {EventId} answer 200; what is delivered is not published (the mock posts `{EventId, EntityGuid, DeliveryId, …}`)',
    sources: ['dinero-openapi', 'open-dinero-webhooks'],
  },

  // Visma Connect: what its documents and captured metadata say (the IdentityServer behaviours are above).
  {
    id: 'discovery.metadata-endpoints',
    says: 'discovery names its own origin as issuer, /connect/authorize, /connect/token and the JWKS at /.well-known/openid-configuration/jwks',
    sources: ['visma-connect-discovery', 'RFC 8414 §3.2'],
  },
  {
    id: 'discovery.methods',
    says: 'discovery lists client_secret_basic and client_secret_post, PKCE plain and S256, and `authorization_response_iss_parameter_supported: true`',
    sources: ['visma-connect-discovery'],
  },
  {
    id: 'discovery.jwks-kid',
    says: 'the kid in an access token’s header is published in the JWKS',
    sources: ['visma-connect-discovery', 'observed-visma-token-response', 'RFC 7517 §4.5'],
  },
  {
    id: 'token.offline-access-required',
    says: 'a code granted without offline_access gets no refresh_token',
    sources: ['visma-connect-offline-access'],
    specs: ['specs/connect/authorization-code.spec.ts'],
  },
  {
    id: 'token.no-id-token-without-openid',
    says: 'a code granted without openid gets no id_token',
    sources: ['observed-visma-token-response', 'dinero-authorization'],
    specs: ['specs/connect/tokens-and-jwks.spec.ts'],
  },
  {
    id: 'token.access-token-3600s',
    says: 'an access token lives 3600 s (expires_in 3600); after that the Dinero API refuses it with 401',
    sources: ['observed-visma-token-response', 'dinero-authorization'],
  },
  {
    id: 'session.max-10-hours',
    says: 'the IdP session ends 10 hours after sign-in whatever the activity: prompt=none after it → login_required',
    sources: ['visma-connect-session-management'],
    specs: ['specs/connect/authorize-errors.spec.ts'],
  },
  {
    id: 'revocation.basic-documented',
    says: 'the revocation request as Visma documents it (Basic `client_id:client_secret`, form `token`, `token_type_hint` optional) → 200 with an empty body, and the refresh token is gone',
    sources: ['visma-connect-token-revocation', 'RFC 7009 §2.1'],
    specs: ['specs/connect/revocation-documented.spec.ts'],
  },
]

export function findBehaviour(id: string): Behaviour | undefined {
  return BEHAVIOURS.find((b) => b.id === id)
}
