/**
 * Deviations: switches that make the mock wrong in exactly one way each. They
 * exist to prove the conformance checks bite, and to let integrators rehearse against a
 * misbehaving provider. Off by default; a faithful mock has none on.
 */
/** Each deviation declares the conformance checks (collections/catalogue) it must make fail. */
export interface Deviation {
  description: string
  breaks: readonly string[]
}

export const DEVIATIONS = {
  'token.accept-json-body': {
    description: 'the token endpoint accepts a JSON body as if it were a form',
    breaks: ['connect.token.json-body-rejected', 'connect.code.exchange-safe-order'],
  },
  'token.accept-multipart': {
    description: 'the token endpoint accepts multipart/form-data bodies',
    breaks: ['connect.token.multipart-rejected'],
  },
  'token.accept-get': {
    description: 'the token endpoint accepts GET with the parameters in the query',
    breaks: ['connect.token.get-rejected'],
  },
  'token.accept-any-method': {
    description: 'the token endpoint accepts a form body under any method (PUT, DELETE), not only POST',
    breaks: ['connect.token.put-rejected', 'connect.token.delete-rejected'],
  },
  'token.accept-text-plain': {
    description: 'the token endpoint reads a text/plain body as a form',
    breaks: ['connect.token.text-plain-rejected'],
  },
  'token.form-media-type-case-sensitive': {
    description:
      'the form media type is matched case-sensitively, so Application/X-WWW-Form-URLEncoded is refused',
    breaks: ['connect.token.form-media-type-lenient'],
  },
  'token.unknown-grant-invalid-request': {
    description: 'a missing or unknown grant_type gets invalid_request instead of unsupported_grant_type',
    breaks: ['connect.token.unsupported-grant-type'],
  },
  'token.grant-not-allowed-unsupported': {
    description:
      'a known grant the client may not use gets unsupported_grant_type instead of unauthorized_client',
    breaks: ['connect.token.grant-not-allowed'],
  },
  'token.over-long-handle-invalid-request': {
    description: 'a code or refresh token over 100 characters gets invalid_request instead of invalid_grant',
    breaks: ['connect.code.length-limit', 'connect.refresh.length-limit'],
  },
  'token.scope-claim-string': {
    description: 'the access token’s scope claim is a space-separated string instead of a JSON array',
    breaks: ['connect.token.scope-shapes'],
  },
  'token.scope-response-array': {
    description: 'the token response’s scope is a JSON array instead of a space-separated string',
    breaks: ['connect.token.scope-shapes'],
  },
  'token.cacheable-response': {
    description: 'token responses omit Cache-Control: no-store and Pragma: no-cache',
    breaks: ['connect.token.success-response'],
  },
  'token.ignore-redirect-mismatch': {
    description: 'the token endpoint ignores redirect_uri (missing or different from the authorize one)',
    breaks: [
      'connect.code.burned-on-failure',
      'connect.code.redirect-mismatch',
      'connect.code.redirect-missing',
    ],
  },
  'token.id-token-without-nonce': {
    description: 'the id_token leaves out the nonce sent at authorize',
    breaks: ['connect.code.nonce-in-id-token'],
  },
  'client-auth.basic-unsupported': {
    description: 'client_secret_basic is not understood (the Authorization header is ignored)',
    breaks: [
      'connect.client-auth.basic',
      'connect.client-auth.basic-form-encoded',
      'connect.client-auth.basic-preferred',
    ],
  },
  'client-auth.basic-not-form-decoded': {
    description: 'the halves of a Basic header are not form-url-decoded (RFC 6749 §2.3.1)',
    breaks: ['connect.client-auth.basic-form-encoded'],
  },
  'client-auth.body-before-basic': {
    description: 'body credentials are checked before the Basic header’s when a request carries both',
    breaks: ['connect.client-auth.basic-preferred'],
  },
  'client-auth.unknown-client-unauthorized': {
    description: 'an unknown client_id gets unauthorized_client (as at authorize) instead of invalid_client',
    breaks: ['connect.client-auth.unknown-client'],
  },
  'client-auth.invalid-client-401': {
    description: 'invalid_client comes back as HTTP 401 instead of IdentityServer’s 400',
    breaks: [
      'connect.client-auth.wrong-secret',
      'connect.client-auth.basic-preferred',
      'connect.client-auth.unknown-client',
    ],
  },
  'client-auth.missing-is-invalid-client': {
    description:
      'a request with no client credentials gets invalid_client (IdentityServer 4) instead of invalid_request',
    breaks: ['connect.client-auth.missing'],
  },
  'introspection.any-client': {
    description: 'any authenticated client may introspect any token, another client’s included',
    breaks: ['connect.introspection.client-refused'],
  },
  'userinfo.no-sub': {
    description: 'userinfo leaves out the sub claim',
    breaks: ['connect.userinfo.claims'],
  },
  'userinfo.no-challenge': {
    description: 'userinfo refuses a request without a token with a bare 401, no WWW-Authenticate',
    breaks: ['connect.userinfo.no-token'],
  },
  'revocation.no-op': {
    description: 'revocation answers 200 but removes nothing: the revoked refresh token still works',
    breaks: ['connect.revocation.refresh-token'],
  },
  'revocation.unknown-token-error': {
    description: 'revocation of a token the server does not know answers 400 invalid_request instead of 200',
    breaks: ['connect.revocation.unknown-token'],
  },
  'end-session.ignore-post-logout-redirect': {
    description: 'end-session never sends the browser back to a registered post_logout_redirect_uri',
    breaks: ['connect.end-session.post-logout-redirect'],
  },
  'end-session.redirect-without-valid-hint': {
    description:
      'end-session honours a registered post_logout_redirect_uri when the id_token_hint is missing or invalid',
    breaks: ['connect.end-session.garbage-hint'],
  },
  'end-session.keeps-session': {
    description: 'logout expires the cookie but the session lives on: the old cookie still gets codes',
    breaks: ['connect.end-session.ends-session'],
  },
  'revocation.missing-client-invalid-request': {
    description: 'revocation without client credentials answers invalid_request instead of invalid_client',
    breaks: ['connect.revocation.no-client'],
  },
  'session.sliding': {
    description: 'the IdP session slides with activity instead of ending 10 hours after sign-in',
    breaks: [],
  },
  'authorize.grant-before-response-mode': {
    description:
      'authorize checks the client’s grant before the response_mode (token&response_mode=query → unauthorized_client)',
    breaks: ['connect.authorize.response-mode-for-response-type'],
  },
  'authorize.ignore-max-age': {
    description: 'authorize ignores max_age: neither checked nor enforced against the sign-in time',
    breaks: [],
  },
  'authorize.redirect-unregistered-uri': {
    description: 'authorize accepts and redirects to an unregistered redirect_uri',
    breaks: ['connect.authorize.unregistered-redirect-error-page'],
  },
  'authorize.errors-to-client': {
    description: 'authorize validation errors are sent to the redirect_uri instead of the error page',
    breaks: [
      'connect.authorize.unregistered-redirect-error-page',
      'connect.authorize.unknown-client-error-page',
      'connect.authorize.invalid-scope-error-page',
      'connect.pkce.required',
      'connect.pkce.plain-rejected',
      'connect.authorize.response-mode-for-response-type',
      'connect.authorize.unknown-response-mode',
      'connect.authorize.length-limits',
    ],
  },
  'authorize.alter-state': {
    description: 'authorize returns a state that differs from the one sent',
    breaks: [
      'connect.authorize.state-echo',
      'connect.authorize.form-post',
      'connect.authorize.access-denied',
      'connect.authorize.prompt-none-login-required',
    ],
  },
  'authorize.unknown-response-mode-as-query': {
    description: 'an unknown response_mode is taken as query instead of unsupported_response_type',
    breaks: ['connect.authorize.unknown-response-mode'],
  },
  'authorize.no-length-limits': {
    description: 'authorize accepts nonce, scope, ui_locales, acr_values and login_hint of any length',
    breaks: ['connect.authorize.length-limits'],
  },
  'authorize.prompt-none-shows-login': {
    description: 'prompt=none without a session shows the login page instead of answering login_required',
    breaks: ['connect.authorize.prompt-none-login-required', 'connect.end-session.ends-session'],
  },
  'authorize.form-post-as-query': {
    description: 'response_mode=form_post is ignored: the code comes back in a query redirect',
    breaks: ['connect.authorize.form-post'],
  },
  'code.allow-reuse': {
    description: 'an authorization code can be redeemed more than once',
    breaks: ['connect.code.single-use', 'connect.code.burned-on-failure', 'connect.code.exchange-safe-order'],
  },
  'code.any-client': {
    description: 'a code is redeemed for whichever client presents it',
    breaks: ['connect.code.other-client'],
  },
  'code.other-client-burns': {
    description:
      'a code presented by another client is refused but also burned, so its own client cannot redeem it',
    breaks: ['connect.code.other-client'],
  },
  'code.no-expiry': {
    description: 'authorization codes never expire',
    breaks: ['connect.code.expired'],
  },
  'pkce.not-enforced': {
    description: 'PKCE is not required or checked: no challenge needed, any verifier accepted',
    breaks: [
      'connect.pkce.wrong-verifier',
      'connect.pkce.downgrade',
      'connect.pkce.required',
      'connect.pkce.unexpected-verifier',
      'connect.pkce.verifier-too-long',
      'connect.pkce.verifier-too-short',
    ],
  },
  'pkce.s256-treated-as-plain': {
    description: 'an S256 challenge is compared to the verifier as if it were plain',
    breaks: [
      'connect.code.exchange-safe-order',
      'connect.pkce.s256-accepted',
      'connect.pkce.verifier-too-long',
      'connect.pkce.verifier-too-short',
    ],
  },
  'pkce.verifier-length-unchecked': {
    description: 'a verifier outside 43–128 characters is accepted when its hash matches the challenge',
    breaks: ['connect.pkce.verifier-too-short', 'connect.pkce.verifier-too-long'],
  },
  'pkce.plain-hashed': {
    description: 'a plain challenge is compared with the verifier’s S256 hash, so plain never redeems',
    breaks: ['connect.pkce.plain-allowed'],
  },
  'pkce.unexpected-verifier-ignored': {
    description: 'a code_verifier sent for a code issued without a challenge is ignored instead of refused',
    breaks: ['connect.pkce.unexpected-verifier'],
  },
  'pkce.allow-plain': {
    description: 'the plain PKCE method is accepted for a client that does not allow it',
    breaks: ['connect.pkce.plain-rejected'],
  },
  'refresh.no-rotation': {
    description: 'one-time refresh tokens are not rotated: the same handle comes back',
    breaks: [
      'connect.refresh.rotates',
      'connect.refresh.reuse-rejected',
      'connect.refresh.revoke-all',
      'connect.refresh.grace-window',
      'connect.refresh.replay-revokes-grant',
    ],
  },
  'refresh.accept-replay': {
    description: 'a consumed one-time refresh token is accepted again',
    breaks: [
      'connect.refresh.reuse-rejected',
      'connect.refresh.revoke-all',
      'connect.refresh.grace-window',
      'connect.refresh.replay-revokes-grant',
    ],
  },
  'refresh.replay-not-revoking': {
    description: 'a replayed refresh token is refused but nothing else is revoked',
    breaks: ['connect.refresh.revoke-all', 'connect.refresh.replay-revokes-grant'],
  },
  'refresh.unknown-token-invalid-request': {
    description: 'a refresh token the server does not know gets invalid_request instead of invalid_grant',
    breaks: [
      'connect.client-auth.basic-preferred',
      'connect.refresh.unknown',
      'connect.client-auth.basic',
      'connect.client-auth.post',
      'connect.client-auth.basic-form-encoded',
      'connect.refresh.revoke-all',
      'connect.refresh.replay-revokes-grant',
      'connect.revocation.refresh-token',
    ],
  },
  'refresh.missing-token-invalid-grant': {
    description: 'a refresh request without refresh_token gets invalid_grant instead of invalid_request',
    breaks: ['connect.refresh.missing'],
  },
  'refresh.reuse-rotates': {
    description: 'a client set to re-use refresh tokens gets a new one on every refresh anyway',
    breaks: ['connect.refresh.reuse-same-handle'],
  },
  'refresh.sliding-not-extended': {
    description: 'a sliding refresh token’s expiry is not moved by its use',
    breaks: ['connect.refresh.sliding-expiry'],
  },
  'refresh.lifetime-restarts-on-rotation': {
    description:
      'a rotated refresh token gets a fresh absolute lifetime instead of the grant’s creation time',
    breaks: ['connect.refresh.lifetime-kept-across-rotation'],
  },
  'refresh.no-grace': {
    description: 'the grace window for consumed one-time tokens is ignored',
    breaks: ['connect.refresh.grace-window'],
  },
  'refresh.settings-retroactive': {
    description:
      'refresh settings changed after a grant was issued (grace, usage, replay) apply to that grant at once',
    // The catalogue's grace-window check sets its settings before the grant; specs/connect pins this.
    breaks: [],
  },
  'refresh.no-expiry': {
    description: 'refresh tokens never expire',
    breaks: [
      'connect.refresh.expired',
      'connect.refresh.lifetime-kept-across-rotation',
      'connect.refresh.sliding-expiry',
    ],
  },
  'discovery.foreign-issuer': {
    description: 'discovery names an issuer that is not the host it is served from',
    breaks: ['connect.discovery.metadata'],
  },
  'discovery.end-session-elsewhere': {
    description: 'discovery advertises an end_session_endpoint the server does not serve (/connect/logout)',
    breaks: ['connect.discovery.session-endpoints'],
  },
  'jwks.stale-kid': {
    description: 'tokens are signed with a kid the JWKS does not publish',
    breaks: ['connect.jwks.token-kid-published'],
  },
  'dinero.ignore-fields': {
    description: 'Dinero ignores the fields parameter and returns its default PascalCase keys',
    breaks: ['dinero.organizations.fields-casing', 'dinero.organizations.default-fields'],
  },
  'dinero.skip-pro-check': {
    description: 'organisations without Pro are served like Pro ones',
    breaks: ['dinero.pro-required'],
  },
  'dinero.ignore-scopes': {
    description: 'Dinero endpoints do not check dineropublicapi:read / :write',
    breaks: ['dinero.scopes.read-only-cannot-write'],
  },
  'dinero.paging-ignored': {
    description: 'list endpoints ignore pageSize and return 100 rows',
    breaks: ['dinero.contacts.paging-envelope', 'dinero.credit-notes.list-envelope'],
  },
  'dinero.page-size-unbounded': {
    description: 'list endpoints accept a pageSize above the documented maximum of 1000',
    breaks: ['dinero.paging.page-size-over-max'],
  },
  'dinero.errors-pascal-case': {
    description: 'Dinero error bodies use PascalCase keys ({Code, Message}) instead of camelCase',
    breaks: [
      'dinero.pro-required',
      'dinero.errors.body-shape',
      'dinero.rate-limit',
      'dinero.invoices.stale-timestamp',
      'dinero.trade-offers.stale-timestamp',
      'dinero.reminders.not-overdue',
      'dinero.manual-vouchers.booked-immutable',
      'dinero.credit-notes.exceeding-invoice',
      'dinero.credit-notes.booked-immutable',
      'dinero.paging.page-size-over-max',
      'dinero.errors.no-token-code-41',
      'dinero.errors.not-found-code-40',
      'dinero.errors.validation-code-42',
      'dinero.errors.invalid-format-code-44',
    ],
  },
  'dinero.no-token-expiry': {
    description: 'the Dinero API accepts expired access tokens',
    breaks: ['dinero.auth.expired-token'],
  },
  'dinero.anonymous-access': {
    description: 'the Dinero API answers requests without an access token',
    breaks: ['dinero.auth.missing-token', 'dinero.errors.no-token-code-41'],
  },
  'dinero.no-rate-limit': {
    description: 'the Dinero API never answers 429',
    breaks: ['dinero.rate-limit'],
  },
  'dinero.rate-limit-retry-after': {
    description: 'the 429 carries Retry-After, which the real API was not seen sending',
    breaks: [],
  },
  'dinero.unknown-route-json': {
    description: 'an unknown Dinero route answers 404 JSON code 40, like a missing entity, not an HTML 404',
    breaks: ['dinero.errors.unknown-route-html'],
  },
  'dinero.accounting-years-enveloped': {
    description:
      'accounting years come back in the paged Collection/Pagination envelope instead of a plain array',
    breaks: ['dinero.accounting-years.list', 'dinero.entries.accounting-year'],
  },
  'dinero.vat-rate-percent': {
    description: 'VAT types give VatRate as a percentage (25) instead of a fraction (0.25)',
    breaks: ['dinero.vat-types.list'],
  },
  'dinero.entries-enveloped': {
    description: 'entries come back in the paged Collection/Pagination envelope instead of a plain array',
    breaks: ['dinero.entries.accounting-year'],
  },
  'dinero.voucher-number-count': {
    description:
      'a voucher booked without a Number gets the count of its year’s vouchers + 1 instead of the highest number + 1',
    breaks: ['dinero.manual-vouchers.next-number'],
  },
  'dinero.booked-voucher-editable': {
    description: 'a booked manual voucher can still be updated, as if it were a draft',
    breaks: ['dinero.manual-vouchers.booked-immutable'],
  },
  'dinero.credit-note-exceeds-invoice': {
    description: 'credit notes may credit more than the invoice they name (the rule is not checked)',
    breaks: ['dinero.credit-notes.exceeding-invoice'],
  },
  'dinero.credit-note-booked-editable': {
    description: 'a booked sales credit note can still be updated and deleted like a draft',
    breaks: ['dinero.credit-notes.booked-immutable'],
  },
  'dinero.ignore-timestamp': {
    description: 'updates with a stale Timestamp are accepted',
    breaks: ['dinero.invoices.stale-timestamp', 'dinero.trade-offers.stale-timestamp'],
  },
  'dinero.reminders-any-invoice': {
    description: 'a reminder is added to a booked invoice that is not overdue',
    breaks: ['dinero.reminders.not-overdue'],
  },
  'dinero.generate-invoice-drops-lines': {
    description: 'the invoice generated from a trade offer leaves out the offer’s product lines',
    breaks: ['dinero.trade-offers.generate-invoice'],
  },
  'dinero.files-list-enveloped': {
    description:
      'GET /files answers the Collection/Pagination envelope of the paged lists instead of a plain array',
    breaks: ['dinero.files.list-shape'],
  },
  'dinero.webhooks-not-delivered': {
    description: 'webhook subscriptions are accepted but no event is ever delivered',
    breaks: ['dinero.webhooks.invoice-booked-delivered'],
  },
  'dinero.missing-entity-html': {
    description:
      'a missing entity (404 code 40) is answered with the HTML page of an unknown route instead of the JSON error',
    breaks: ['dinero.errors.not-found-code-40'],
  },
  'dinero.validation-errors-dropped': {
    description: 'a 400 code 42 leaves out validationErrors, so the app cannot tell which property is wrong',
    breaks: ['dinero.errors.validation-code-42'],
  },
  'dinero.changes-since-ignored': {
    description: 'list endpoints ignore changesSince: any value is accepted and everything is listed',
    breaks: ['dinero.errors.invalid-format-code-44', 'dinero.paging.changes-since'],
  },
  'dinero.organizations-v1-1-as-v1': {
    description:
      'GET /v1.1/organizations answers the v1 model (id, name, isPro) instead of OrganizationReadModelV2 with Subscription',
    breaks: ['dinero.organizations.v1-1-subscription'],
  },
  'dinero.pages-one-based': {
    description: 'pages count from 1: page defaults to 1 and page=0 is refused with code 45',
    breaks: ['dinero.paging.defaults', 'dinero.contacts.paging-envelope'],
  },
} as const satisfies Record<string, Deviation>

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
