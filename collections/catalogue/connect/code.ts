import { type Check, defineChecks } from '../../model/types.ts'
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
export const codeChecks: Check[] = defineChecks([
  {
    id: 'connect.code.exchange-safe-order',
    title:
      'a JSON code exchange is refused without burning the code; the form exchange then succeeds and a replay gets invalid_grant',
    area: 'code',
    pins: ['code.json-exchange-not-burned', 'token.json-body-refused', 'code.single-use'],
    sources: ['duende-token-endpoint', 'duende-token-request-validator', 'is4-issue-1658', 'RFC 6749 §4.1.3'],
    needs: ['form-post-code'],
    // Live: the code of the person's own sign-in (form_post, S256); on the mock a code with an S256 challenge.
    pool: { responseMode: 'form_post', pkce: true, nonce: true },
    mockPrelude: [
      {
        ...obtainCode('code', {
          extra: { code_challenge: '{{challenge}}', code_challenge_method: 'S256' },
        }),
        compute: [
          { set: 'verifier', fn: 'pkce-verifier' },
          { set: 'challenge', fn: 's256', of: 'verifier' },
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
            code_verifier: '{{verifier}}',
            client_id: '{{clientId}}',
            client_secret: FAKE_CLIENT_SECRET,
          },
        },
        [status(400), { kind: 'body-equals', text: '{"error":"invalid_request"}' }],
      ),
      step('exchange the same code as a form', exchange('code', { code_verifier: '{{verifier}}' }), [
        status(200),
        {
          kind: 'json-path-matches',
          path: 'access_token',
          pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
        },
      ]),
      step(
        'replay the code',
        exchange('code', { code_verifier: '{{verifier}}' }),
        oauthError('invalid_grant'),
      ),
    ],
  },
  {
    id: 'connect.code.single-use',
    title: 'an authorization code redeemed twice is refused the second time with invalid_grant',
    area: 'code',
    pins: ['code.single-use'],
    sources: ['RFC 6749 §4.1.2', 'duende-token-request-validator'],
    needs: ['code'],
    pool: {},
    mockPrelude: [obtainCode()],
    steps: [
      step('redeem the code', exchange(), [status(200)]),
      step('redeem it again', exchange(), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.code.burned-on-failure',
    title: 'a failed redemption burns the code: the corrected retry gets invalid_grant',
    area: 'code',
    pins: ['code.burned-on-failure'],
    sources: ['duende-token-request-validator'],
    needs: ['code'],
    pool: {},
    mockPrelude: [obtainCode()],
    steps: [
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
    pins: ['code.redirect-mismatch'],
    sources: ['RFC 6749 §4.1.3', 'duende-token-request-validator'],
    needs: ['code'],
    pool: {},
    mockPrelude: [obtainCode()],
    steps: [
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
    pins: ['code.redirect-missing'],
    sources: ['duende-token-request-validator'],
    needs: ['code'],
    pool: {},
    mockPrelude: [obtainCode()],
    steps: [
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
    pins: ['code.lifetime-300s'],
    sources: ['duende-token-request-validator', 'duende-client-defaults', 'RFC 6749 §4.1.2'],
    needs: ['code', 'slow'],
    // Live (login --slow): a pooled code, redeemed once it is 301 s old. On the mock: a code minted
    // 301 s in the mock's past, so the run leaves the clock where it found it.
    pool: {},
    mockPrelude: [control.rewind(301), obtainCode(), control.advance(301)],
    steps: [step('redeem the old code', exchange(), oauthError('invalid_grant'))],
  },
  {
    id: 'connect.code.other-client',
    title:
      'a code presented by another client is refused with invalid_grant and still redeems for the client it was issued to',
    area: 'code',
    pins: ['code.other-client'],
    sources: ['duende-token-request-validator', 'RFC 6749 §4.1.3'],
    // A second client with a secret: only the mock has one (live, login signs in one client).
    needs: ['mock-client'],
    steps: [
      obtainCode(),
      step(
        'redeem it as the refresh client',
        exchange('code', {}, '{{refreshClientId}}'),
        oauthError('invalid_grant'),
      ),
      step('redeem it as its own client', exchange(), [status(200)]),
    ],
  },
  {
    id: 'connect.code.length-limit',
    title: 'an authorization code over 100 characters is refused with invalid_grant',
    area: 'code',
    pins: ['code.length-limit'],
    sources: ['duende-input-length-restrictions', 'duende-token-request-validator'],
    needs: [],
    steps: [
      step(
        'redeem a 101-character code',
        tokenForm({
          grant_type: 'authorization_code',
          code: 'C'.repeat(101),
          redirect_uri: '{{redirectUri}}',
        }),
        oauthError('invalid_grant'),
      ),
    ],
  },
  {
    id: 'connect.code.nonce-in-id-token',
    title: 'with openid, the id_token carries the nonce sent at authorize',
    area: 'code',
    pins: ['code.nonce-in-id-token'],
    sources: ['oidc-core §3.1.3.7'],
    needs: ['code'],
    pool: { scope: 'openid {{scopes}}', nonce: true },
    mockPrelude: [
      {
        ...obtainCode('code', { scope: 'openid {{scopes}}', extra: { nonce: '{{nonce}}' } }),
        compute: [{ set: 'nonce', fn: 'random' }],
      },
    ],
    steps: [
      step('exchange the code', exchange(), [
        status(200),
        { kind: 'jwt-claim-var', path: 'id_token', name: 'nonce', variable: 'nonce' },
        { kind: 'jwt-claim', path: 'id_token', name: 'aud', equals: '{{clientId}}' },
      ]),
    ],
  },
])
