import { type Check, defineChecks } from '../../model/types.ts'
import { authorizeRequest, errorPage, exchange, HEX64, status, step } from '../steps.ts'

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
