import type { Check } from '../../model/types.ts'
import {
  control,
  exchange,
  FAKE_CLIENT_SECRET,
  oauthError,
  obtainCode,
  status,
  step,
  tokenForm,
} from '../steps.ts'

/** Authorization codes: the callback's state echo and form_post fields, single use, burned on failure, and redirect_uri binding at the token endpoint (RFC 6749 §4.1.2, §4.1.3). */
export const codeChecks: Check[] = [
  {
    id: 'connect.code.exchange-safe-order',
    title:
      'a JSON code exchange is refused without burning the code; the form exchange then succeeds and a replay gets invalid_grant',
    area: 'code',
    sources: ['duende-token-endpoint', 'duende-token-request-validator', 'is4-issue-1658', 'RFC 6749 §4.1.3'],
    target: 'live-interactive',
    // On the mock a code with an S256 challenge stands in for the one `npm run login` receives.
    mockPrelude: [
      {
        ...obtainCode('code', {
          extra: { code_challenge: '{{codeChallenge}}', code_challenge_method: 'S256' },
        }),
        compute: [
          { set: 'codeVerifier', fn: 'pkce-verifier' },
          { set: 'codeChallenge', fn: 's256', of: 'codeVerifier' },
        ],
      },
    ],
    steps: [
      step(
        'exchange the code with a JSON body',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/token',
          json: {
            grant_type: 'authorization_code',
            code: '{{code}}',
            redirect_uri: '{{redirectUri}}',
            code_verifier: '{{codeVerifier}}',
            client_id: '{{clientId}}',
            client_secret: FAKE_CLIENT_SECRET,
          },
        },
        [status(400), { kind: 'body-equals', text: '{"error":"invalid_request"}' }],
      ),
      step('exchange the same code as a form', exchange('code', { code_verifier: '{{codeVerifier}}' }), [
        status(200),
        {
          kind: 'json-path-matches',
          path: 'access_token',
          pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
        },
      ]),
      step(
        'replay the code',
        exchange('code', { code_verifier: '{{codeVerifier}}' }),
        oauthError('invalid_grant'),
      ),
    ],
  },
  {
    id: 'connect.code.single-use',
    title: 'an authorization code redeemed twice is refused the second time with invalid_grant',
    area: 'code',
    sources: ['RFC 6749 §4.1.2', 'duende-token-request-validator'],
    target: 'mock-only',
    steps: [
      obtainCode(),
      step('redeem the code', exchange(), [status(200)]),
      step('redeem it again', exchange(), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.code.burned-on-failure',
    title: 'a failed redemption burns the code: the corrected retry gets invalid_grant',
    area: 'code',
    sources: ['duende-token-request-validator'],
    target: 'mock-only',
    steps: [
      obtainCode(),
      step(
        'redeem with another registered redirect_uri',
        exchange('code', { redirect_uri: 'http://localhost:8976/callback' }),
        oauthError('invalid_grant'),
      ),
      step('retry with the right redirect_uri', exchange(), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.code.redirect-mismatch',
    title:
      'a redirect_uri at the token endpoint that differs from the authorize one is refused with invalid_grant',
    area: 'code',
    sources: ['RFC 6749 §4.1.3', 'duende-token-request-validator'],
    target: 'mock-only',
    steps: [
      obtainCode(),
      step(
        'redeem with a different redirect_uri',
        exchange('code', { redirect_uri: 'http://localhost:8976/callback' }),
        oauthError('invalid_grant'),
      ),
    ],
  },
  {
    id: 'connect.code.redirect-missing',
    title: 'a code exchange without redirect_uri is refused with unauthorized_client',
    area: 'code',
    sources: ['duende-token-request-validator'],
    target: 'mock-only',
    steps: [
      obtainCode(),
      step(
        'redeem without redirect_uri',
        tokenForm({ grant_type: 'authorization_code', code: '{{code}}' }),
        oauthError('unauthorized_client'),
      ),
    ],
  },
  {
    id: 'connect.code.expired',
    title: 'a code older than 300 s is refused with invalid_grant',
    area: 'code',
    sources: ['duende-token-request-validator', 'duende-client-defaults', 'RFC 6749 §4.1.2'],
    target: 'mock-only',
    steps: [
      obtainCode(),
      control.advance(301),
      step('redeem the old code', exchange(), oauthError('invalid_grant')),
      control.rewind(301),
    ],
  },
  {
    id: 'connect.code.nonce-in-id-token',
    title: 'with openid, the id_token carries the nonce sent at authorize',
    area: 'code',
    sources: ['oidc-core §3.1.3.7'],
    target: 'mock-only',
    steps: [
      {
        ...obtainCode('code', { scope: 'openid {{scopes}}', extra: { nonce: '{{nonce}}' } }),
        compute: [{ set: 'nonce', fn: 'random' }],
      },
      step('exchange the code', exchange(), [
        status(200),
        { kind: 'jwt-claim-var', path: 'id_token', name: 'nonce', variable: 'nonce' },
        { kind: 'jwt-claim', path: 'id_token', name: 'aud', equals: '{{clientId}}' },
      ]),
    ],
  },
]
