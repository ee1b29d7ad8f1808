/**
 * The sources the checks and the mock's comments cite, by stable id. docs/SOURCES.md is
 * generated from this list; a check may cite only an id defined here (optionally with a section,
 * `oidc-core §3.1.3.7`) or an RFC section (`RFC 6749 §4.1.3`), and specs/checks/sources.spec.ts
 * fails on anything else.
 */
export interface Source {
  /** Stable id, cited as-is: `duende-token-endpoint`. */
  id: string
  /** A public URL anyone can open. */
  url: string
  /** One line on what the source establishes. */
  establishes: string
  /**
   * `open-question`: the source was read and is silent on the point, so the mock's behaviour there
   * is an assumption (the comment that cites it says which). Absent for ordinary sources.
   */
  kind?: 'open-question'
}

/** Pinned to the snapshots that were read, so line numbers in the code stay true. */
const IS4 = (path: string) => `https://github.com/DuendeArchive/IdentityServer4/blob/5e40bd18/${path}`
const DUENDE = (path: string) => `https://github.com/DuendeSoftware/IdentityServer/blob/0850cda5/${path}`
const IS4_SRC = (path: string) => IS4(`src/IdentityServer4/src/${path}`)
const DUENDE_SRC = (path: string) => DUENDE(`src/IdentityServer/${path}`)

export const SOURCES: readonly Source[] = [
  // Visma Connect: the service itself and its documentation.
  {
    id: 'visma-connect-discovery',
    url: 'https://connect.visma.com/.well-known/oauth-authorization-server',
    establishes:
      'Visma Connect’s endpoint paths, grant types, client authentication methods, PKCE methods, prompt values, `iss` response parameter and DPoP support (so Duende IdentityServer ≥ 6.3); the Dinero scopes are not listed. Copy in mocks/connect/data/.',
  },
  {
    id: 'visma-connect-web-apps',
    url: 'https://docs.connect.visma.com/docs/server-side-web-applications',
    establishes:
      'The code flow for web apps: the authorize request’s parameters, PKCE as a per-application setting, verifiers of 43–128 unreserved characters, S256 challenges.',
  },
  {
    id: 'visma-connect-offline-access',
    url: 'https://docs.connect.visma.com/v1/docs/offline-access',
    establishes:
      'Refresh needs offline access enabled on the app and the `offline_access` scope; the refresh request is a form POST with client_id and client_secret in the body.',
  },
  {
    id: 'visma-connect-tokens',
    url: 'https://docs.connect.visma.com/docs/refresh-token',
    establishes:
      'Refresh tokens are "Re use" or "One time" (rotated on every use), with sliding expiration on top of an absolute lifetime; replaying a one-time token revokes all access for that client and user.',
  },
  {
    id: 'visma-connect-token-revocation',
    url: 'https://docs.connect.visma.com/docs/token-revocation',
    establishes:
      'Revocation takes `token` and an optional `token_type_hint` with Basic client authentication (`client_id:` for clients without a secret); 200 when removed, 400 for an invalid client.',
  },
  {
    id: 'visma-connect-access-token',
    url: 'https://docs.connect.visma.com/docs/access-token',
    establishes:
      'The access token’s claims: client_id, scope as a list, sub, auth_time, aud as the API URIs, nbf, exp, iss `https://connect.visma.com`, tenant_id only for tenant apps.',
  },
  {
    id: 'visma-connect-id-token',
    url: 'https://docs.connect.visma.com/docs/id-token',
    establishes: 'The identity token’s claims: idp, acr, amr, auth_time, sub, sid, aud (the client id), llt.',
  },
  {
    id: 'visma-connect-security',
    url: 'https://docs.connect.visma.com/docs/security-considerations',
    establishes:
      'Clients bind `state` to the browser (a cookie) and compare it on the callback before accepting the code.',
  },
  {
    id: 'visma-connect-session-management',
    url: 'https://docs.connect.visma.com/docs/session-management',
    establishes:
      'The Visma Connect IdP session lasts at most 10 hours, "no matter if there is activity"; after it the user signs in again.',
  },
  {
    id: 'visma-refresh-usage-thread',
    url: 'https://community.visma.com/t5/Forum-in-Developers-Visma-net/Questions-regarding-web-application-authentication-and/td-p/568041',
    establishes:
      'Observed: with "Re use" a refresh returns the same refresh token; with "One time" a new one, and the old one is invalidated.',
  },

  // Dinero: the API's own documents.
  {
    id: 'dinero-openapi',
    url: 'https://api.dinero.dk/openapi/v1/swagger.json',
    establishes:
      'The official OpenAPI 3.1.1 document: every path and version prefix, the PascalCase models (`additionalProperties: false`, `TimeStamp` on read models, `Timestamp` in bodies), paging, `fields`, `queryFilter`, the scopes, and the domain rules (drafts vs booked). Condensed copy in mocks/dinero/contract/data/.',
  },
  {
    id: 'dinero-api-docs',
    url: 'https://api.dinero.dk/docs',
    establishes:
      'The base URL, `Authorization: Bearer`, the scopes to request, the older "403 with errorcode 48" for organisations without Pro, and the deprecation notices.',
  },
  {
    id: 'dinero-authorization',
    url: 'https://developer.dinero.dk/documentation/authorization',
    establishes:
      'Dinero’s authorize URL (response_mode=form_post, response_type=code, the dinero scopes and offline_access, ui_locales=da-DK), hourly access tokens, and the advice to avoid OpenID Connect.',
  },
  {
    id: 'dinero-faq',
    url: 'https://developer.dinero.dk/documentation/faq',
    establishes:
      'Client ids always start `isv_`; web applications are the only supported client type; the organisation id is the numeric "firmaID" in the web URL.',
  },
  {
    id: 'dinero-getting-started',
    url: 'https://developer.dinero.dk/documentation/getting-started',
    establishes:
      'A failed authorization shows an error code to paste into Visma’s Debugger rather than returning to the app.',
  },
  {
    id: 'dinero-api-errors',
    url: 'https://developer.dinero.dk/documentation/error-and-status',
    establishes:
      'The status codes (401 for token problems, 403 for no access or no Pro with errorcode 90, 429 after 100 requests a minute per organisation, 480 brownout) and the numbered error codes (40 not found … 58 timestamp out of date).',
  },
  {
    id: 'dinero-grace-period',
    url: 'https://developer.dinero.dk/news/grace-period-on-refresh-tokens',
    establishes:
      'Visma Connect apps can give one-time refresh tokens a 5–60 s grace period for double exchanges, re-use tokens may live a year, and new settings apply only after the user re-authorizes.',
  },
  {
    id: 'dinero-account-contra-account',
    url: 'https://dinero.dk/support/hvorfor-kan-jeg-ikke-vaelge-samme-konto-modkonto-finansbilag/',
    establishes:
      'Dinero’s standard chart books a purchase on 2000 Vareforbrug against 55000 Bank; of 1,000 kr. incl. VAT, 800 is expense, 200 input VAT (købsmoms) and 1,000 leaves the bank.',
  },

  // Reference data the mock serves where Dinero does not publish its own.
  {
    id: 'iso-3166-1',
    url: 'https://www.iso.org/iso-3166-country-codes.html',
    establishes:
      'The officially assigned two-letter country codes (249); the keys of the mock’s country list (mocks/dinero/data/).',
  },
  {
    id: 'unicode-cldr',
    url: 'https://cldr.unicode.org/',
    establishes:
      'The Danish and English display names of each region (CLDR 48 as shipped with Node.js); the names in the mock’s country list (mocks/dinero/data/).',
  },

  // Observed at the real services by third-party integrations.
  {
    id: 'observed-visma-token-response',
    url: 'https://github.com/alco-company/mortimer-bellis/blob/a74dc9b48c7ed91223f466ed3dbbd2de65377119/app/services/dinero_service.rb',
    establishes:
      'A real code-exchange response for Dinero: expires_in 3600, a refresh token of 64 upper-case hex digits (no `-1` suffix), and an RS256 `at+JWT` access token with kid and x5t, aud `https://api.dinero.dk`, scope as a list and client_id `isv_…`.',
  },
  {
    id: 'apaq-dinero-fixtures',
    url: 'https://github.com/Apaq/dinero-java/tree/d540059b629cc536e4b4d47207aa45f29225356d/src/test/resources/dk/apaq/dinero/repository',
    establishes:
      'Captured Dinero bodies: the camelCase error body (`code`, `message`, `validationErrors`, …) of code 65, and an invoice read model with offset-less datetimes, a 16-hex-digit TimeStamp and a draft `Number` of long.MaxValue.',
  },
  {
    id: 'apaq-dinero-error-handler',
    url: 'https://github.com/Apaq/dinero-java/blob/7e448555ebca76a182aab941c8c4e29581528d06/src/main/java/com/previsto/dinero/ErrorHandler.java',
    establishes:
      'A client that talked to the real API notes "Dinero just throws HTML back at 404\'s" and does not parse them as JSON, while it maps the JSON codes 40, 63 and 65 to not-found.',
  },
  {
    id: 'manyfold-dinero-tests',
    url: 'https://github.com/manyfold-dk/manyfold-platform',
    establishes:
      'Observed against the live API: deleting a purchase voucher without its Timestamp is refused with 400, read-model line names in a create body are silently dropped, and a cash purchase with PaymentDate or CurrencyKey is refused with 400.',
  },

  // IdentityServer source, which Visma Connect runs (Duende; IdentityServer4 where the code is older).
  {
    id: 'duende-token-endpoint',
    url: DUENDE_SRC('Endpoints/TokenEndpoint.cs'),
    establishes:
      'The token endpoint answers anything but a POST with an `application/x-www-form-urlencoded` body, and a malformed form, with 400 `{"error":"invalid_request"}`.',
  },
  {
    id: 'is4-form-content-type',
    url: IS4_SRC('Extensions/HttpRequestExtensions.cs'),
    establishes:
      'The form media type is compared case-insensitively and parameters such as `; charset=utf-8` are allowed.',
  },
  {
    id: 'duende-endpoint-router',
    url: DUENDE_SRC('Hosting/EndpointRouter.cs'),
    establishes: 'Endpoints are routed by path alone, case-insensitively and for any method.',
  },
  {
    id: 'duende-token-error-result',
    url: DUENDE_SRC('Endpoints/Results/TokenErrorResult.cs'),
    establishes:
      'Every token error is HTTP 400 (invalid_client included, never 401), a JSON `{error, error_description?}` with nulls omitted and no-store, no-cache headers.',
  },
  {
    id: 'is4-response-headers',
    url: IS4_SRC('Extensions/HttpResponseExtensions.cs'),
    establishes:
      '`Cache-Control: no-store, no-cache, max-age=0`, `Pragma: no-cache` and `Content-Type: application/json; charset=UTF-8` on token responses.',
  },
  {
    id: 'duende-token-result',
    url: DUENDE_SRC('Endpoints/Results/TokenResult.cs'),
    establishes:
      'A successful token response is 200 JSON `{id_token?, access_token, expires_in, token_type: "Bearer", refresh_token?, scope}` in that order.',
  },
  {
    id: 'is4-secret-parsers',
    url: IS4_SRC('Configuration/DependencyInjection/BuilderExtensions/Core.cs'),
    establishes:
      'Client credentials are looked for in the Basic header first, then in the form body; the first parser that finds a secret wins.',
  },
  {
    id: 'is4-basic-secret-parser',
    url: IS4_SRC('Validation/Default/BasicAuthenticationSecretParser.cs'),
    establishes:
      'Basic credentials are split on the first colon and both halves form-url-decoded (RFC 6749 §2.3.1); malformed base64 or no colon counts as no credentials; `client_id:` is a client without a secret.',
  },
  {
    id: 'is4-post-body-secret-parser',
    url: IS4_SRC('Validation/Default/PostBodySecretParser.cs'),
    establishes: 'client_id and client_secret in the form body, each at most 100 characters.',
  },
  {
    id: 'duende-client-secret-validator',
    url: DUENDE_SRC('Validation/Default/ClientSecretValidator.cs'),
    establishes:
      'No client id at all is `invalid_request` (IdentityServer4 said invalid_client); an unknown or disabled client or a wrong secret is `invalid_client`.',
  },
  {
    id: 'duende-token-request-validator',
    url: DUENDE_SRC('Validation/Default/TokenRequestValidator.cs'),
    establishes:
      'Token request validation: grant_type checks; a code is removed from the store before its expiry, redirect_uri and PKCE are checked, so any failure burns it; missing redirect_uri is `unauthorized_client`, a different one `invalid_grant`; PKCE verifier rules; refresh_token parameter rules.',
  },
  {
    id: 'duende-refresh-token-service',
    url: DUENDE_SRC('Services/Default/DefaultRefreshTokenService.cs'),
    establishes:
      'Refresh validation (unknown, expired, other client, consumed → `invalid_grant`), the AcceptConsumedTokenAsync hook a grace window extends, rotation of one-time tokens that keeps the original creation time, and sliding lifetimes capped by the absolute one.',
  },
  {
    id: 'duende-client-defaults',
    url: DUENDE('src/Storage/Models/Client.cs'),
    establishes:
      'Client defaults: identity token 300 s, access token 3600 s, code 300 s, absolute refresh 30 d, sliding 15 d, RequirePkce true, AllowPlainTextPkce false, RefreshTokenUsage ReUse (OneTimeOnly in IdentityServer4).',
  },
  {
    id: 'is4-handle-generation',
    url: IS4_SRC('Services/Default/DefaultHandleGenerationService.cs'),
    establishes: 'Token handles are 32 random bytes written as 64 upper-case hex characters.',
  },
  {
    id: 'duende-input-length-restrictions',
    url: DUENDE_SRC('Configuration/DependencyInjection/Options/InputLengthRestrictions.cs'),
    establishes:
      'Input limits: client_id, client_secret, grant_type, code and refresh token 100; scope 300; redirect_uri 400; nonce 300; ui_locales 100; code_challenge and verifier 43–128.',
  },
  {
    id: 'duende-authorize-endpoint',
    url: DUENDE_SRC('Endpoints/AuthorizeEndpoint.cs'),
    establishes: 'Authorize takes GET (query) or POST (form only, else 415); other methods get 405.',
  },
  {
    id: 'duende-authorize-request-validator',
    url: DUENDE_SRC('Validation/Default/AuthorizeRequestValidator.cs'),
    establishes:
      'Authorize validation in order (client, redirect_uri, response type and mode, PKCE, scope, optional parameters) with the error code and description of each failure.',
  },
  {
    id: 'is4-redirect-uri-validator',
    url: IS4_SRC('Validation/Default/StrictRedirectUriValidator.cs'),
    establishes:
      'At authorize, the redirect_uri is compared with the registered ones ignoring case (the token endpoint compares with the authorize value exactly).',
  },
  {
    id: 'duende-authorize-result',
    url: DUENDE_SRC('Endpoints/Results/AuthorizeResult.cs'),
    establishes:
      'Only the "safe" errors (access_denied, login_required, consent_required, interaction_required, temporarily_unavailable, …) go back to the client; every validation error goes to the IdP error page; the form_post page’s markup, headers and CSP script hash.',
  },
  {
    id: 'is4-ui-constants',
    url: IS4_SRC('Constants.cs'),
    establishes:
      'The default UI routes: login, `/consent?returnUrl=…`, the error page `/home/error?errorId=…`, logout `/account/logout?logoutId=…`, and the `idp:`/`tenant:` acr_values prefixes.',
  },
  {
    id: 'duende-authorize-response-generator',
    url: DUENDE_SRC('ResponseHandling/Default/AuthorizeResponseGenerator.cs'),
    establishes:
      'A code-flow response carries code, session_state (openid requests only), state if sent, and `iss`; scope and id_token only for implicit and hybrid types.',
  },
  {
    id: 'duende-authorize-response-order',
    url: DUENDE_SRC('Extensions/AuthorizeResponseExtensions.cs'),
    establishes:
      'Response parameters in the order code, …, state, session_state, iss; `iss` emitted by default.',
  },
  {
    id: 'is4-session-state',
    url: IS4_SRC('Extensions/ValidatedAuthorizeRequestExtensions.cs'),
    establishes:
      'session_state is `Base64Url(SHA256(client_id + origin + sessionId + salt)) + "." + salt` with a 16-byte hex salt.',
  },
  {
    id: 'is4-form-post-inputs',
    url: IS4_SRC('Extensions/NameValueCollectionExtensions.cs'),
    establishes:
      "Each form_post parameter is one `<input type='hidden' …/>` line with an HTML-encoded value.",
  },
  {
    id: 'duende-userinfo-endpoint',
    url: DUENDE_SRC('Endpoints/UserInfoEndpoint.cs'),
    establishes:
      'Userinfo takes GET or POST (else 405); a missing or invalid token is 401 with `WWW-Authenticate: Bearer error="invalid_token"`.',
  },
  {
    id: 'duende-revocation-endpoint',
    url: DUENDE_SRC('Endpoints/TokenRevocationEndpoint.cs'),
    establishes:
      'Revocation: 405 for non-POST, 415 for a non-form body, 400 `invalid_client` for a bad client, 200 with an empty body even for an unknown token.',
  },
  {
    id: 'duende-end-session-endpoint',
    url: DUENDE_SRC('Endpoints/EndSessionEndpoint.cs'),
    establishes:
      'End-session takes GET (query) or POST (form); other methods get 405; the request is validated, and the answer is always the end-session result.',
  },
  {
    id: 'duende-end-session-validator',
    url: DUENDE_SRC('Validation/Default/EndSessionRequestValidator.cs'),
    establishes:
      'An id_token_hint must validate as an id token of a known client (its lifetime is not checked) for the signed-in user; post_logout_redirect_uri counts only with that hint and only when registered for its client; state only with it.',
  },
  {
    id: 'duende-end-session-result',
    url: DUENDE_SRC('Endpoints/Results/EndSessionResult.cs'),
    establishes:
      'End-session answers a redirect to the logout page, carrying a logoutId only when the request validated; the logout page, not the endpoint, signs the user out.',
  },

  {
    id: 'duende-introspection-endpoint',
    url: 'https://docs.duendesoftware.com/identityserver/reference/endpoints/introspection/',
    establishes:
      'Introspection authenticates an API resource by its name and secret; refresh tokens can only be introspected by the client that requested them; unknown or expired tokens are `{"active":false}`; an unauthorized caller gets 401.',
  },

  // Public issue threads on how IdentityServer behaves.
  {
    id: 'is4-issue-1658',
    url: 'https://github.com/DuendeArchive/IdentityServer4/issues/1658',
    establishes:
      'A JSON token request gets 400 invalid_request; the maintainers keep the form as the only supported content type.',
  },
  {
    id: 'duende-support-168',
    url: 'https://github.com/DuendeArchive/Support/issues/168',
    establishes:
      'multipart/form-data at the token endpoint gets invalid_request in Duende IdentityServer 6.1.4.',
  },
  {
    id: 'is4-ef-issue-20',
    url: 'https://github.com/IdentityServer/IdentityServer4.EntityFramework/issues/20',
    establishes: 'A one-time refresh token presented a second time gets `{"error":"invalid_grant"}`.',
  },
  {
    id: 'duende-support-1401',
    url: 'https://github.com/DuendeArchive/Support/issues/1401',
    establishes:
      'With OneTimeOnly, a used refresh token is revoked and a new one issued (maintainer’s answer).',
  },

  // Danish law the Dinero mock's reminders follow where the API documentation is silent.
  {
    id: 'dk-renteloven',
    url: 'https://danskelove.dk/renteloven',
    establishes:
      'The Danish Interest Act: §9 b allows fees for at most three reminders, DKK 100 each, sent at least 10 days apart; §9 a stk. 3 a fixed compensation (DKK 310) for recovering a business claim.',
  },

  // OpenID specifications (RFCs need no entry: `RFC 6749 §4.1.3` resolves on its own).
  {
    id: 'oidc-core',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html',
    establishes: 'OpenID Connect Core 1.0: the nonce, the ID token and its validation.',
  },
  {
    id: 'oidc-rp-initiated-logout',
    url: 'https://openid.net/specs/openid-connect-rpinitiated-1_0.html',
    establishes:
      'RP-Initiated Logout 1.0: end-session by GET or POST with id_token_hint, post_logout_redirect_uri (registered only) and state, which the OP returns with the redirect after logging the user out.',
  },
  {
    id: 'oauth-multiple-response-types',
    url: 'https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html',
    establishes:
      'Response modes: a response that carries a token (response_type=token and the hybrid types) defaults to the fragment and must never be encoded in the query (§2.1).',
  },
  {
    id: 'oauth-form-post',
    url: 'https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html',
    establishes: 'The form_post response mode: the authorization response as an auto-submitted HTML form.',
  },

  // The platform the harness runs on.
  {
    id: 'linux-ip-local-port-range',
    url: 'https://docs.kernel.org/networking/ip-sysctl.html',
    establishes:
      'ip_local_port_range: the range of local ports TCP and UDP pick an ephemeral port from (for a bind to port 0 and for outgoing connections); the default is 32768–60999.',
  },

  // Open questions: searched for, not published; the mock's behaviour there is an assumption.
  {
    id: 'open-connect-request-objects',
    kind: 'open-question',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#RequestObject',
    establishes:
      'Visma Connect advertises request objects (request_parameter_supported true) but documents nothing of their use; the mock implements none, says false in its discovery, and refuses request and request_uri with request_not_supported / request_uri_not_supported (oidc-core §3.1.2.6) instead of ignoring them.',
  },
  {
    id: 'open-dinero-401-body',
    kind: 'open-question',
    url: 'https://developer.dinero.dk/documentation/error-and-status',
    establishes:
      'Says when 401 is sent, not its body or WWW-Authenticate header; the mock answers in the Dinero error body with an RFC 6750 challenge.',
  },
  {
    id: 'open-dinero-429-headers',
    kind: 'open-question',
    url: 'https://developer.dinero.dk/documentation/error-and-status',
    establishes:
      'Says "wait a minute and continue" after 429, nothing on Retry-After or rate-limit headers or the body; the mock answers code 43 with that sentence and sends Retry-After only when asked to.',
  },
  {
    id: 'open-dinero-unlisted-responses',
    kind: 'open-question',
    url: 'https://api.dinero.dk/openapi/v1/swagger.json',
    establishes:
      'Declares JSON bodies and 200 responses only: the request content type rules, the status of each error code and the bodies of unknown routes and wrong methods are not published.',
  },
  {
    id: 'open-dinero-page-size',
    kind: 'open-question',
    url: 'https://api.dinero.dk/openapi/v1/swagger.json',
    establishes:
      'Says pageSize is "Maximum 1000" without saying what a larger one gets (refused or capped); the mock refuses it with 400 code 45, as it does a page below 0.',
  },
  {
    id: 'open-dinero-webhooks',
    kind: 'open-question',
    url: 'https://api.dinero.dk/openapi/v1/swagger.json',
    establishes:
      'Lists subscribe, unsubscribe, subscriptions and events with "200 OK" and no body, and publishes no event ids, payload, retry policy or timeout; the mock emits its own events (invoice.booked, contact.created, …) as JSON `{EventId, OrganizationId, EntityGuid, OccurredAt, DeliveryId}` to loopback subscribers only, retrying on a set schedule.',
  },
  {
    id: 'open-dinero-amount-bounds',
    kind: 'open-question',
    url: 'https://api.dinero.dk/openapi/v1/swagger.json',
    establishes:
      'Types amounts, quantities and payment days as double and int32 with no bounds; the mock refuses amounts and quantities beyond ±10^12 and payment days outside 0–10,000 with code 42, so every stored total stays a finite number.',
  },
  {
    id: 'open-dinero-rounding',
    kind: 'open-question',
    url: 'https://api.dinero.dk/openapi/v1/swagger.json',
    establishes:
      'Types amounts as double and says nothing on rounding; the mock reads an amount as .NET converts a double to decimal (15 significant digits) and rounds totals, VAT and every posting to øre with midpoints away from zero, the same for either sign, so the two legs of one amount always cancel.',
  },
  {
    id: 'open-visma-jwks',
    kind: 'open-question',
    url: 'https://connect.visma.com/.well-known/openid-configuration/jwks',
    establishes:
      'The key set was not captured; the mock publishes its own RSA key with a kid in the same style.',
  },
  {
    id: 'open-visma-token-claims',
    kind: 'open-question',
    url: 'https://docs.connect.visma.com/docs/access-token',
    establishes:
      'Lists acr and llt among the claims without defining their values (the acr scale, whose login llt names); the mock sends the observed acr "3" and the previous sign-in as llt.',
  },
  {
    id: 'open-visma-lifetimes',
    kind: 'open-question',
    url: 'https://docs.connect.visma.com/docs/refresh-token',
    establishes:
      'Visma does not publish the default refresh-token lifetimes of Dinero apps; the mock uses Duende’s defaults.',
  },
  {
    id: 'open-visma-endpoint-details',
    kind: 'open-question',
    url: 'https://docs.connect.visma.com/docs/token-revocation',
    establishes:
      'Visma does not say which clients may introspect, nor how a repeated form parameter is answered; the mock follows IdentityServer and the RFCs.',
  },
]

const RFC_SECTION = /^RFC (\d{4})(?: §([\d.]+))?/
const SECTION_OF_SOURCE = /^([a-z0-9-]+) §\S+$/

/**
 * The id and URL of a cited source: a registered id, a registered id with a section
 * (`oidc-core §3.1.3.7`, resolved to the source's URL), or an RFC section; throws on anything else.
 */
export function resolveSource(cited: string): { id: string; url: string } {
  const id = SECTION_OF_SOURCE.exec(cited)?.[1] ?? cited
  const known = SOURCES.find((s) => s.id === id)
  if (known) return { id: known.id, url: known.url }
  const rfc = RFC_SECTION.exec(cited)
  if (rfc) {
    const [, number, section] = rfc
    const anchor = section === undefined ? '' : `#section-${section}`
    return { id: cited, url: `https://www.rfc-editor.org/rfc/rfc${number}.html${anchor}` }
  }
  throw new Error(`unknown source ${JSON.stringify(cited)}: define it in collections/sources.ts`)
}
