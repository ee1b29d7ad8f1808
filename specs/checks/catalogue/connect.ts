import type { Check } from '../types.ts'
import {
  authorizeRequest,
  control,
  exchange,
  FORM_JSON,
  HEX64,
  NO_STORE,
  oauthError,
  obtainCode,
  refreshAs,
  refreshChain,
  refreshClientGrant,
  status,
  step,
  tokenForm,
} from './steps.ts'

/** Visma Connect checks: REFERENCE A, B and E1–E6. */
/** A refresh token no server issued: obviously fake, so no scanner mistakes it for a secret. */
const BOGUS_REFRESH_TOKEN = 'not-a-real-refresh-token'
const bogusRefresh = { grant_type: 'refresh_token', refresh_token: BOGUS_REFRESH_TOKEN }
const errorPage = [
  status(302),
  { kind: 'location-origin-path', equals: '{{connectUrl}}/home/error' },
  { kind: 'location-param-matches', name: 'errorId', pattern: '^\\S+$' },
  { kind: 'location-param-absent', name: 'code' },
] as const

export const connectChecks: Check[] = [
  {
    id: 'connect.token.json-body-rejected',
    title:
      'a JSON body at /connect/token is refused with 400 {"error":"invalid_request"} and no-store headers',
    area: 'token-endpoint',
    sources: ['REFERENCE B1', 'REFERENCE E1', 'RFC 6749 §4.1.3'],
    target: 'live-safe',
    steps: [
      step(
        'POST the token request as JSON',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/token',
          json: {
            grant_type: 'refresh_token',
            refresh_token: BOGUS_REFRESH_TOKEN,
            client_id: '{{clientId}}',
            client_secret: '{{clientSecret}}',
          },
        },
        [
          status(400),
          { kind: 'body-equals', text: '{"error":"invalid_request"}' },
          { kind: 'header', name: 'Content-Type', equals: FORM_JSON },
          { kind: 'header', name: 'Cache-Control', equals: NO_STORE },
          { kind: 'header', name: 'Pragma', equals: 'no-cache' },
        ],
      ),
    ],
  },
  {
    id: 'connect.token.multipart-rejected',
    title: 'a multipart/form-data body at /connect/token is refused with 400 invalid_request',
    area: 'token-endpoint',
    sources: ['REFERENCE B1', 'DuendeArchive/Support#168'],
    target: 'live-safe',
    steps: [
      step(
        'POST the token request as multipart/form-data',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/token',
          raw: {
            contentType: 'multipart/form-data; boundary=XdcBoundary',
            body: [
              '--XdcBoundary',
              'Content-Disposition: form-data; name="grant_type"',
              '',
              'refresh_token',
              '--XdcBoundary',
              'Content-Disposition: form-data; name="refresh_token"',
              '',
              BOGUS_REFRESH_TOKEN,
              '--XdcBoundary',
              'Content-Disposition: form-data; name="client_id"',
              '',
              '{{clientId}}',
              '--XdcBoundary',
              'Content-Disposition: form-data; name="client_secret"',
              '',
              '{{clientSecret}}',
              '--XdcBoundary--',
              '',
            ].join('\r\n'),
          },
        },
        [status(400), { kind: 'body-equals', text: '{"error":"invalid_request"}' }],
      ),
    ],
  },
  {
    id: 'connect.token.get-rejected',
    title: 'a GET to /connect/token with the parameters in the query is refused with 400 invalid_request',
    area: 'token-endpoint',
    sources: ['REFERENCE B1', 'RFC 6749 §3.2'],
    target: 'live-safe',
    steps: [
      step(
        'GET the token endpoint',
        {
          method: 'GET',
          url: '{{connectUrl}}/connect/token',
          query: { ...bogusRefresh, client_id: '{{clientId}}', client_secret: '{{clientSecret}}' },
        },
        [status(400), { kind: 'body-equals', text: '{"error":"invalid_request"}' }],
      ),
    ],
  },
  {
    id: 'connect.token.success-response',
    title:
      'a code exchange answers 200 with the documented fields, an at+JWT for the Dinero API and no-store headers',
    area: 'token-endpoint',
    sources: ['REFERENCE A6', 'REFERENCE B1', 'REFERENCE E4', 'RFC 6749 §5.1'],
    target: 'mock-only',
    steps: [
      obtainCode(),
      step('exchange the code', exchange(), [
        status(200),
        { kind: 'header', name: 'Cache-Control', equals: NO_STORE },
        { kind: 'header', name: 'Pragma', equals: 'no-cache' },
        {
          kind: 'json-keys',
          path: '',
          keys: ['access_token', 'expires_in', 'token_type', 'refresh_token', 'scope'],
        },
        { kind: 'json-path-equals', path: 'token_type', value: 'Bearer' },
        { kind: 'json-path-equals', path: 'expires_in', value: 3600 },
        { kind: 'json-path-matches', path: 'refresh_token', pattern: HEX64 },
        { kind: 'jwt-header', path: 'access_token', name: 'typ', equals: 'at+JWT' },
        { kind: 'jwt-header', path: 'access_token', name: 'alg', equals: 'RS256' },
        { kind: 'jwt-claim', path: 'access_token', name: 'aud', equals: 'https://api.dinero.dk' },
        { kind: 'jwt-claim', path: 'access_token', name: 'client_id', equals: '{{clientId}}' },
      ]),
    ],
  },
  {
    id: 'connect.client-auth.basic',
    title:
      'client_secret_basic authenticates the client (a bogus refresh token then gets invalid_grant, not invalid_client)',
    area: 'client-auth',
    sources: ['REFERENCE B2', 'REFERENCE E2', 'RFC 6749 §2.3.1'],
    target: 'live-safe',
    steps: [
      step(
        'refresh with Basic credentials',
        {
          ...tokenForm(bogusRefresh, 'none'),
          headers: { Authorization: '{{basicAuth}}' },
        },
        oauthError('invalid_grant'),
        {
          compute: [
            { set: 'basicAuth', fn: 'basic', id: '{{clientId}}', secret: '{{clientSecret}}', encode: true },
          ],
        },
      ),
    ],
  },
  {
    id: 'connect.client-auth.post',
    title: 'client_secret_post authenticates the client (a bogus refresh token then gets invalid_grant)',
    area: 'client-auth',
    sources: ['REFERENCE B2', 'REFERENCE A5', 'REFERENCE E2'],
    target: 'live-safe',
    steps: [
      step('refresh with credentials in the body', tokenForm(bogusRefresh), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.client-auth.basic-form-encoded',
    title: 'Basic credentials are form-url-decoded: an id and secret with space, +, :, % and ü authenticate',
    area: 'client-auth',
    sources: ['RFC 6749 §2.3.1', 'REFERENCE B2'],
    target: 'mock-only',
    steps: [
      step(
        'refresh with Basic credentials that need encoding',
        { ...tokenForm(bogusRefresh, 'none'), headers: { Authorization: '{{encodedBasic}}' } },
        oauthError('invalid_grant'),
        {
          compute: [
            {
              set: 'encodedBasic',
              fn: 'basic',
              id: 'isv_conformance encoding',
              secret: 'se:cr+et %41/ü',
              encode: true,
            },
          ],
        },
      ),
    ],
  },
  {
    id: 'connect.client-auth.wrong-secret',
    title: 'a wrong client secret is refused with HTTP 400 {"error":"invalid_client"} (never 401)',
    area: 'client-auth',
    sources: ['REFERENCE B1', 'REFERENCE B2', 'REFERENCE E2'],
    target: 'live-safe',
    steps: [
      step(
        'refresh with a wrong secret',
        tokenForm(bogusRefresh, { clientId: '{{clientId}}', secret: 'not-the-secret' }),
        oauthError('invalid_client'),
      ),
    ],
  },
  {
    id: 'connect.client-auth.missing',
    title: 'a token request with no client credentials is refused with 400 invalid_request',
    area: 'client-auth',
    sources: ['REFERENCE B2 (Duende ClientSecretValidator)', 'REFERENCE E2'],
    target: 'live-safe',
    steps: [
      step('refresh without any credentials', tokenForm(bogusRefresh, 'none'), oauthError('invalid_request')),
    ],
  },
  {
    id: 'connect.authorize.unregistered-redirect-error-page',
    title: 'an unregistered redirect_uri at authorize goes to the IdP error page, never to that URI',
    area: 'authorize',
    sources: ['RFC 6749 §4.1.2.1', 'REFERENCE B7', 'REFERENCE E6'],
    target: 'live-safe',
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
    sources: ['RFC 6749 §4.1.2.1', 'REFERENCE B7'],
    target: 'live-safe',
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
    sources: ['REFERENCE B7', 'REFERENCE E6'],
    target: 'live-safe',
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
    sources: ['RFC 6749 §4.1.2', 'RFC 9207 §2', 'REFERENCE A8', 'REFERENCE B8'],
    target: 'mock-only',
    steps: [
      step(
        'authorize with a random state',
        authorizeRequest({ extra: { state: '{{state}}' } }),
        [
          status(302),
          { kind: 'location-param', name: 'state', equals: '{{state}}' },
          { kind: 'location-param', name: 'iss', equals: '{{connectUrl}}' },
          { kind: 'location-param-matches', name: 'code', pattern: HEX64 },
        ],
        { compute: [{ set: 'state', fn: 'random' }] },
      ),
    ],
  },
  {
    id: 'connect.authorize.form-post',
    title:
      'response_mode=form_post answers 200 HTML posting code, state, session_state and iss to the redirect_uri',
    area: 'authorize',
    sources: ['REFERENCE A3', 'REFERENCE B8', 'OAuth 2.0 Form Post Response Mode §2'],
    target: 'mock-only',
    steps: [
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
        { compute: [{ set: 'state', fn: 'random' }] },
      ),
    ],
  },
  {
    id: 'connect.authorize.access-denied',
    title: 'a refused consent sends error=access_denied with the state to the client',
    area: 'authorize',
    sources: ['RFC 6749 §4.1.2.1', 'REFERENCE B7', 'REFERENCE E6'],
    target: 'mock-only',
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
  {
    id: 'connect.code.exchange-safe-order',
    title:
      'a JSON code exchange is refused without burning the code; the form exchange then succeeds and a replay gets invalid_grant',
    area: 'code',
    sources: ['REFERENCE B1', 'REFERENCE B4', 'REFERENCE D (JSON at the token endpoint)', 'RFC 6749 §4.1.3'],
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
            client_secret: '{{clientSecret}}',
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
    sources: ['RFC 6749 §4.1.2', 'REFERENCE B4', 'REFERENCE E3'],
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
    sources: ['REFERENCE B4.4', 'REFERENCE E3'],
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
    sources: ['RFC 6749 §4.1.3', 'REFERENCE B4.6'],
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
    sources: ['REFERENCE B4.6', 'REFERENCE E3'],
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
    sources: ['REFERENCE B4.5', 'REFERENCE B6', 'RFC 6749 §4.1.2'],
    target: 'mock-only',
    steps: [
      obtainCode(),
      control.advance(301),
      step('redeem the old code', exchange(), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.code.nonce-in-id-token',
    title: 'with openid, the id_token carries the nonce sent at authorize',
    area: 'code',
    sources: ['OIDC Core §3.1.3.7', 'REFERENCE A8'],
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
  {
    id: 'connect.pkce.s256-accepted',
    title: 'a PKCE S256 verifier that matches the challenge redeems the code',
    area: 'pkce',
    sources: ['RFC 7636 §4.6', 'REFERENCE A3'],
    target: 'mock-only',
    steps: [
      {
        ...obtainCode('code', {
          clientId: '{{pkceClientId}}',
          extra: { code_challenge: '{{challenge}}', code_challenge_method: 'S256' },
        }),
        compute: [
          { set: 'verifier', fn: 'pkce-verifier' },
          { set: 'challenge', fn: 's256', of: 'verifier' },
        ],
      },
      step(
        'redeem with the verifier',
        exchange('code', { code_verifier: '{{verifier}}' }, '{{pkceClientId}}'),
        [status(200)],
      ),
    ],
  },
  {
    id: 'connect.pkce.wrong-verifier',
    title: 'a PKCE verifier that does not match the challenge is refused with invalid_grant',
    area: 'pkce',
    sources: ['RFC 7636 §4.6', 'REFERENCE B4.7'],
    target: 'mock-only',
    steps: [
      {
        ...obtainCode('code', {
          clientId: '{{pkceClientId}}',
          extra: { code_challenge: '{{challenge}}', code_challenge_method: 'S256' },
        }),
        compute: [
          { set: 'verifier', fn: 'pkce-verifier' },
          { set: 'challenge', fn: 's256', of: 'verifier' },
          { set: 'otherVerifier', fn: 'pkce-verifier' },
        ],
      },
      step(
        'redeem with another verifier',
        exchange('code', { code_verifier: '{{otherVerifier}}' }, '{{pkceClientId}}'),
        oauthError('invalid_grant'),
      ),
    ],
  },
  {
    id: 'connect.pkce.downgrade',
    title: 'leaving out code_verifier after sending a challenge (downgrade) is refused with invalid_grant',
    area: 'pkce',
    sources: ['RFC 9700 §2.1.1', 'RFC 7636 §4.6', 'REFERENCE B4.7'],
    target: 'mock-only',
    steps: [
      {
        ...obtainCode('code', { extra: { code_challenge: '{{challenge}}', code_challenge_method: 'S256' } }),
        compute: [
          { set: 'verifier', fn: 'pkce-verifier' },
          { set: 'challenge', fn: 's256', of: 'verifier' },
        ],
      },
      step('redeem without a verifier', exchange(), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.pkce.required',
    title: 'a client that requires PKCE gets the IdP error page when the challenge is missing',
    area: 'pkce',
    sources: ['REFERENCE A3', 'REFERENCE B7'],
    target: 'mock-only',
    steps: [
      step('authorize without code_challenge', authorizeRequest({ clientId: '{{pkceClientId}}' }), [
        ...errorPage,
      ]),
    ],
  },
  {
    id: 'connect.pkce.plain-rejected',
    title: 'the plain PKCE method is refused (IdP error page) for a client that does not allow it',
    area: 'pkce',
    sources: ['RFC 7636 §4.2', 'REFERENCE B6 (AllowPlainTextPkce false)', 'REFERENCE B7'],
    target: 'live-safe',
    steps: [
      step(
        'authorize with code_challenge_method=plain',
        authorizeRequest({
          consent: 'none',
          extra: {
            code_challenge: 'plainplainplainplainplainplainplainplain123',
            code_challenge_method: 'plain',
          },
        }),
        [...errorPage],
      ),
    ],
  },
  {
    id: 'connect.refresh.rotates',
    title: 'a one-time refresh token is rotated: the response carries a new refresh token',
    area: 'refresh',
    sources: ['REFERENCE A6', 'REFERENCE B5', 'RFC 9700 §4.14.2'],
    target: 'mock-only',
    steps: [
      ...refreshClientGrant(),
      step('refresh', refreshAs('rt1'), [
        status(200),
        { kind: 'json-path-not-equals-var', path: 'refresh_token', variable: 'rt1' },
      ]),
    ],
  },
  {
    id: 'connect.refresh.reuse-rejected',
    title: 'a consumed one-time refresh token is refused with invalid_grant (replay response reject)',
    area: 'refresh',
    sources: ['REFERENCE B5', 'REFERENCE E5', 'RFC 9700 §4.14.2'],
    target: 'mock-only',
    steps: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { replay: 'reject' } }),
      ...refreshClientGrant(),
      step('refresh once', refreshAs('rt1'), [status(200)], {
        capture: [{ set: 'rt2', from: 'json', path: 'refresh_token' }],
      }),
      step('present the consumed token again', refreshAs('rt1'), oauthError('invalid_grant')),
      step('the newest token still works', refreshAs('rt2'), [status(200)]),
      control.settings({ clientId: '{{refreshClientId}}', refresh: { replay: 'revoke-all' } }),
    ],
  },
  {
    id: 'connect.refresh.revoke-all',
    title:
      'replaying a consumed one-time token revokes the whole grant: the newer token gets invalid_grant too',
    area: 'refresh',
    sources: ['REFERENCE A6 (Visma replay detection)', 'RFC 9700 §4.14.2'],
    target: 'mock-only',
    steps: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { replay: 'revoke-all' } }),
      ...refreshClientGrant(),
      step('refresh once', refreshAs('rt1'), [status(200)], {
        capture: [{ set: 'rt2', from: 'json', path: 'refresh_token' }],
      }),
      step('replay the consumed token', refreshAs('rt1'), oauthError('invalid_grant')),
      step('the newer token is revoked as well', refreshAs('rt2'), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.refresh.grace-window',
    title: 'inside the grace window a consumed token is accepted again; after it, invalid_grant',
    area: 'refresh',
    sources: ['REFERENCE A6 (grace period 5–60 s)', 'REFERENCE E5'],
    target: 'mock-only',
    steps: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { graceSeconds: 30, replay: 'reject' } }),
      ...refreshClientGrant(),
      step('refresh once', refreshAs('rt1'), [status(200)]),
      control.advance(10),
      step('retry the consumed token inside the window', refreshAs('rt1'), [status(200)]),
      control.advance(25),
      step('retry it after the window', refreshAs('rt1'), oauthError('invalid_grant')),
      control.settings({
        clientId: '{{refreshClientId}}',
        refresh: { graceSeconds: 0, replay: 'revoke-all' },
      }),
    ],
  },
  {
    id: 'connect.refresh.expired',
    title: 'a refresh token past its absolute lifetime is refused with invalid_grant',
    area: 'refresh',
    sources: ['REFERENCE B5', 'REFERENCE B6'],
    target: 'mock-only',
    steps: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { absoluteLifetimeSeconds: 60 } }),
      ...refreshClientGrant(),
      control.advance(61),
      step('refresh after the lifetime', refreshAs('rt1'), oauthError('invalid_grant')),
      control.settings({ clientId: '{{refreshClientId}}', refresh: { absoluteLifetimeSeconds: 2592000 } }),
    ],
  },
  {
    id: 'connect.discovery.metadata',
    title:
      'discovery names its own origin as issuer and lists the token endpoint, Basic/post auth and PKCE methods',
    area: 'discovery',
    sources: ['REFERENCE A2', 'RFC 8414 §3.3'],
    target: 'live-safe',
    steps: [
      step(
        'GET the discovery document',
        { method: 'GET', url: '{{connectUrl}}/.well-known/openid-configuration' },
        [
          status(200),
          { kind: 'json-path-equals', path: 'issuer', value: '{{connectUrl}}' },
          { kind: 'json-path-equals', path: 'token_endpoint', value: '{{connectUrl}}/connect/token' },
          {
            kind: 'json-path-equals',
            path: 'authorization_endpoint',
            value: '{{connectUrl}}/connect/authorize',
          },
          {
            kind: 'json-path-equals',
            path: 'jwks_uri',
            value: '{{connectUrl}}/.well-known/openid-configuration/jwks',
          },
          {
            kind: 'json-path-equals',
            path: 'token_endpoint_auth_methods_supported',
            value: ['client_secret_basic', 'client_secret_post'],
          },
          { kind: 'json-path-equals', path: 'code_challenge_methods_supported', value: ['plain', 'S256'] },
          { kind: 'json-path-equals', path: 'authorization_response_iss_parameter_supported', value: true },
        ],
      ),
    ],
  },
  {
    id: 'connect.jwks.token-kid-published',
    title: 'the kid of an issued access token is published in the JWKS',
    area: 'discovery',
    sources: ['RFC 7517 §4.5', 'RFC 9068 §4', 'REFERENCE A1', 'REFERENCE A2'],
    target: 'live-safe',
    steps: [
      {
        ...refreshChain(),
        capture: [
          ...(refreshChain().capture ?? []),
          { set: 'kid', from: 'jwt-header', path: 'access_token', name: 'kid' },
        ],
      },
      step('GET the JWKS', { method: 'GET', url: '{{connectUrl}}/.well-known/openid-configuration/jwks' }, [
        status(200),
        { kind: 'body-contains', text: '"kid":"{{kid}}"' },
      ]),
    ],
  },
]

/**
 * Last in the catalogue: it ends the run's grant on purpose (Visma revokes all access of the
 * client and user on a replay, REFERENCE A6), so nothing may need the grant after it.
 */
export const destructiveChecks: Check[] = [
  {
    id: 'connect.refresh.replay-revokes-grant',
    title:
      'replaying a consumed one-time refresh token of the run’s grant gets invalid_grant and revokes the rotated token too',
    area: 'destructive',
    sources: ['REFERENCE A6 (replay detection)', 'RFC 9700 §4.14.2', 'REFERENCE E5'],
    target: 'live-destructive',
    steps: [
      step(
        'rotate the grant, keeping the consumed token',
        tokenForm({ grant_type: 'refresh_token', refresh_token: '{{refreshToken}}' }),
        [status(200), { kind: 'json-path-not-equals-var', path: 'refresh_token', variable: 'refreshToken' }],
        { capture: [{ set: 'rotatedToken', from: 'json', path: 'refresh_token' }] },
      ),
      step(
        'replay the consumed token',
        tokenForm({ grant_type: 'refresh_token', refresh_token: '{{refreshToken}}' }),
        oauthError('invalid_grant'),
      ),
      step(
        'the rotated token is revoked with it',
        tokenForm({ grant_type: 'refresh_token', refresh_token: '{{rotatedToken}}' }),
        oauthError('invalid_grant'),
      ),
    ],
  },
]
