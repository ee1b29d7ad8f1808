import { type Check, defineChecks, type Step } from '../../model/types.ts'
import { authorizeRequest, errorPage, exchange, HEX64, status, step } from '../steps.ts'

/** One over-long parameter on an otherwise valid request: the error page, not the login page. */
function overLong(what: string, extra: Record<string, string>): Step {
  return step(`authorize with ${what}`, authorizeRequest({ consent: 'none', extra }), [...errorPage])
}

/** The authorize endpoint: validation of client, redirect_uri and parameters, and the error page that never redirects to an unverified URI (RFC 6749 §4.1.2.1). */
export const authorizeChecks: Check[] = defineChecks([
  {
    id: 'connect.authorize.unregistered-redirect-error-page',
    title: 'an unregistered redirect_uri at authorize goes to the IdP error page, never to that URI',
    area: 'authorize',
    sources: [
      'RFC 6749 §4.1.2.1',
      'duende-authorize-request-validator',
      'duende-authorize-result',
      'dinero-getting-started',
    ],
    needs: [],
    steps: [
      step(
        'authorize with an unregistered redirect_uri',
        authorizeRequest({ redirectUri: 'https://attacker.invalid/callback', consent: 'none' }),
        [...errorPage],
      ),
    ],
  },
  {
    id: 'connect.authorize.unknown-client-error-page',
    title: 'an unknown client_id at authorize goes to the IdP error page',
    area: 'authorize',
    sources: ['RFC 6749 §4.1.2.1', 'duende-authorize-request-validator', 'duende-authorize-result'],
    needs: [],
    steps: [
      step(
        'authorize as an unknown client',
        authorizeRequest({ clientId: 'isv_no_such_client_x', consent: 'none' }),
        [...errorPage],
      ),
    ],
  },
  {
    id: 'connect.authorize.invalid-scope-error-page',
    title: 'a scope the client may not request goes to the IdP error page, not to the client',
    area: 'authorize',
    sources: ['duende-authorize-request-validator', 'duende-authorize-result'],
    needs: [],
    steps: [
      step(
        'authorize with an unknown scope',
        authorizeRequest({ scope: 'dineropublicapi:admin', consent: 'none' }),
        [...errorPage],
      ),
    ],
  },
  {
    id: 'connect.authorize.state-echo',
    title: 'state comes back byte for byte with the code, and iss names the issuer',
    area: 'authorize',
    sources: [
      'RFC 6749 §4.1.2',
      'RFC 9207 §2',
      'visma-connect-security',
      'duende-authorize-response-generator',
      'duende-authorize-response-order',
    ],
    needs: ['code'],
    pool: {},
    mockPrelude: [
      step(
        'authorize with a random state',
        authorizeRequest({ extra: { state: '{{state}}' } }),
        [
          status(302),
          { kind: 'location-param', name: 'state', equals: '{{state}}' },
          { kind: 'location-param', name: 'iss', equals: '{{connectUrl}}' },
          { kind: 'location-param-matches', name: 'code', pattern: HEX64 },
        ],
        {
          compute: [{ set: 'state', fn: 'random' }],
          capture: [{ set: 'code', from: 'location-param', name: 'code' }],
        },
      ),
    ],
    steps: [step('redeem the code that came with the state', exchange(), [status(200)])],
  },
  {
    id: 'connect.authorize.form-post',
    title:
      'response_mode=form_post answers 200 HTML posting code, state, session_state and iss to the redirect_uri',
    area: 'authorize',
    sources: [
      'dinero-authorization',
      'duende-authorize-result',
      'is4-form-post-inputs',
      'oauth-form-post §2',
    ],
    needs: ['form-post-code'],
    pool: { responseMode: 'form_post', scope: 'openid {{scopes}}' },
    mockPrelude: [
      step(
        'authorize with response_mode=form_post',
        authorizeRequest({
          responseMode: 'form_post',
          scope: 'openid {{scopes}}',
          extra: { state: '{{state}}' },
        }),
        [
          status(200),
          { kind: 'header-matches', name: 'Content-Type', pattern: '^text/html' },
          { kind: 'body-contains', text: "action='{{redirectUri}}'" },
          { kind: 'form-post-field-matches', name: 'code', pattern: HEX64 },
          { kind: 'form-post-field', name: 'state', equals: '{{state}}' },
          { kind: 'form-post-field-matches', name: 'session_state', pattern: '^[A-Za-z0-9_-]+\\.[0-9a-f]+$' },
          { kind: 'form-post-field', name: 'iss', equals: '{{connectUrl}}' },
        ],
        {
          compute: [{ set: 'state', fn: 'random' }],
          capture: [{ set: 'code', from: 'form-post', name: 'code' }],
        },
      ),
    ],
    steps: [step('redeem the posted code', exchange(), [status(200)])],
  },
  {
    id: 'connect.authorize.response-mode-for-response-type',
    title:
      "response_type=token with response_mode=query goes to the IdP error page as invalid_request 'Invalid response_mode for response_type' (before the client's grant is checked)",
    area: 'authorize',
    sources: [
      'duende-authorize-request-validator',
      'duende-authorize-result',
      'oauth-multiple-response-types',
    ],
    needs: ['mock-pages'],
    pins: ['authorize.token-in-query-refused'],
    steps: [
      step(
        'authorize asking for a token in the query',
        authorizeRequest({ consent: 'none', extra: { response_type: 'token' } }),
        [...errorPage],
        { capture: [{ set: 'errorPage', from: 'location', part: 'path-and-query' }] },
      ),
      step('open the error page', { method: 'GET', url: '{{connectUrl}}{{errorPage}}' }, [
        status(200),
        { kind: 'body-contains', text: 'data-error="invalid_request"' },
        { kind: 'body-contains', text: 'Invalid response_mode for response_type' },
      ]),
    ],
  },
  {
    id: 'connect.authorize.unknown-response-mode',
    title: 'an unknown response_mode goes to the IdP error page as unsupported_response_type',
    area: 'authorize',
    sources: ['duende-authorize-request-validator', 'duende-authorize-result'],
    needs: ['mock-pages'],
    pins: ['authorize.unknown-response-mode'],
    steps: [
      step(
        'authorize with response_mode=bogus',
        authorizeRequest({ consent: 'none', extra: { response_mode: 'bogus' } }),
        [...errorPage],
        { capture: [{ set: 'errorPage', from: 'location', part: 'path-and-query' }] },
      ),
      step('open the error page', { method: 'GET', url: '{{connectUrl}}{{errorPage}}' }, [
        status(200),
        { kind: 'body-contains', text: 'data-error="unsupported_response_type"' },
      ]),
    ],
  },
  {
    id: 'connect.authorize.length-limits',
    title:
      'authorize parameters over IdentityServer’s length limits (nonce 300, scope 300, ui_locales 100, login_hint 100, acr_values 300) go to the IdP error page',
    area: 'authorize',
    sources: [
      'duende-input-length-restrictions',
      'duende-authorize-request-validator',
      'duende-authorize-result',
    ],
    needs: [],
    pins: [
      'authorize.nonce-max-300',
      'authorize.scope-max-300',
      'authorize.ui-locales-max-100',
      'authorize.login-hint-max-100',
      'authorize.acr-values-max-300',
    ],
    steps: [
      overLong('a 301-character nonce', { nonce: 'n'.repeat(301) }),
      // Sixteen copies of the run's scopes: valid scopes (repeats are ignored), far over 300 characters.
      overLong('a scope parameter over 300 characters', { scope: Array(16).fill('{{scopes}}').join(' ') }),
      overLong('a 101-character ui_locales', { ui_locales: Array(17).fill('da-DK').join(' ') }),
      overLong('a 101-character login_hint', { login_hint: `${'u'.repeat(89)}@example.com` }),
      overLong('a 301-character acr_values', { acr_values: 'a'.repeat(301) }),
    ],
  },
  {
    id: 'connect.authorize.prompt-none-login-required',
    title:
      'prompt=none without an IdP session sends error=login_required with state and iss to the redirect_uri',
    area: 'authorize',
    sources: ['oidc-core §3.1.2.6', 'duende-authorize-result', 'RFC 9207 §2'],
    needs: [],
    pins: ['authorize.prompt-none-login-required'],
    steps: [
      step(
        'authorize silently with no session',
        authorizeRequest({ consent: 'none', extra: { prompt: 'none', state: '{{state}}' } }),
        [
          status(302),
          { kind: 'location-origin-path', equals: '{{redirectUri}}' },
          { kind: 'location-param', name: 'error', equals: 'login_required' },
          { kind: 'location-param', name: 'state', equals: '{{state}}' },
          { kind: 'location-param', name: 'iss', equals: '{{connectUrl}}' },
          { kind: 'location-param-absent', name: 'code' },
        ],
        { compute: [{ set: 'state', fn: 'random' }] },
      ),
    ],
  },
  {
    id: 'connect.authorize.access-denied',
    title: 'a refused consent sends error=access_denied with the state to the client',
    area: 'authorize',
    sources: ['RFC 6749 §4.1.2.1', 'duende-authorize-request-validator', 'duende-authorize-result'],
    needs: ['person'],
    steps: [
      step(
        'authorize and deny consent',
        authorizeRequest({ consent: 'deny', extra: { state: '{{state}}' } }),
        [
          status(302),
          { kind: 'location-origin-path', equals: '{{redirectUri}}' },
          { kind: 'location-param', name: 'error', equals: 'access_denied' },
          { kind: 'location-param', name: 'state', equals: '{{state}}' },
          { kind: 'location-param-absent', name: 'code' },
        ],
        { compute: [{ set: 'state', fn: 'random' }] },
      ),
    ],
  },
])
