import {
  DEFAULT_POST_LOGOUT_REDIRECT_URIS,
  ENCODING_CLIENT_ID,
  ENCODING_CLIENT_SECRET,
} from '../../../mocks/options.ts'
import { type Check, defineChecks, type Step } from '../../model/types.ts'
import {
  authorizeRequest,
  BOGUS_REFRESH_TOKEN,
  exchange,
  HEX64,
  oauthError,
  obtainCode,
  status,
  step,
  tokenForm,
} from '../steps.ts'

/**
 * The endpoints around a grant: userinfo (duende-userinfo-endpoint), revocation (RFC 7009,
 * duende-revocation-endpoint), introspection (RFC 7662, duende-introspection-endpoint) and
 * RP-initiated logout (oidc-rp-initiated-logout, duende-end-session-validator).
 *
 * Revocation and introspection authenticate the client, and the run's real secret goes only to
 * the token endpoint (RFC 6749 §2.3.1; specs/live/catalogue-secrets.spec.ts): those checks use a
 * client only the mock has, on a grant of their own, so nothing here touches the run's grant.
 */
const OWN_CLIENT = { clientId: ENCODING_CLIENT_ID, secret: ENCODING_CLIENT_SECRET }
const OWN_CREDENTIALS = { client_id: ENCODING_CLIENT_ID, client_secret: ENCODING_CLIENT_SECRET }
const POST_LOGOUT_URI = DEFAULT_POST_LOGOUT_REDIRECT_URIS[0]!
const EXPIRED_SESSION_COOKIE = '^mock\\.idsrv\\.session=;.*Max-Age=0'

/** A grant of the mock-only client, for this check alone: `rt` and `at`. */
function ownGrant(): Step[] {
  return [
    obtainCode('code', { clientId: ENCODING_CLIENT_ID }),
    step(
      'exchange the code as the mock-only client',
      tokenForm(
        { grant_type: 'authorization_code', code: '{{code}}', redirect_uri: '{{redirectUri}}' },
        OWN_CLIENT,
      ),
      [status(200)],
      {
        capture: [
          { set: 'rt', from: 'json', path: 'refresh_token' },
          { set: 'at', from: 'json', path: 'access_token' },
        ],
      },
    ),
  ]
}

/** Signs the mock's user in (an IdP session cookie) and takes an id_token of the run's client. */
function signedIn(): Step[] {
  return [
    step(
      'authorize with openid and keep the IdP session cookie',
      authorizeRequest({ scope: 'openid {{scopes}}' }),
      [
        status(302),
        { kind: 'location-param-matches', name: 'code', pattern: HEX64 },
        { kind: 'header-matches', name: 'Set-Cookie', pattern: '^mock\\.idsrv\\.session=[^;]+;' },
      ],
      {
        capture: [
          { set: 'code', from: 'location-param', name: 'code' },
          { set: 'sessionCookie', from: 'header', name: 'Set-Cookie' },
        ],
      },
    ),
    step('exchange the code for an id_token', exchange(), [status(200)], {
      capture: [{ set: 'idToken', from: 'json', path: 'id_token' }],
    }),
  ]
}

/** End-session by POST, so the id_token stays out of URLs (oidc-rp-initiated-logout §2 allows both). */
function endSession(form: Record<string, string>, cookie = true): Step['request'] {
  return {
    method: 'POST',
    url: '{{connectUrl}}/connect/endsession',
    ...(cookie ? { headers: { Cookie: '{{sessionCookie}}' } } : {}),
    form,
  }
}

export const sessionChecks: Check[] = defineChecks([
  {
    id: 'connect.userinfo.claims',
    title: 'userinfo with an openid access token answers 200 JSON claims with sub',
    area: 'session',
    sources: ['duende-userinfo-endpoint', 'oidc-core §5.3.2'],
    needs: ['code'],
    pins: ['userinfo.claims'],
    pool: { scope: 'openid {{scopes}}' },
    mockPrelude: [obtainCode('code', { scope: 'openid {{scopes}}' })],
    steps: [
      step('exchange the openid code', exchange(), [status(200)], {
        capture: [{ set: 'userinfoToken', from: 'json', path: 'access_token' }],
      }),
      step(
        'GET userinfo with the access token',
        {
          method: 'GET',
          url: '{{connectUrl}}/connect/userinfo',
          headers: { Authorization: 'Bearer {{userinfoToken}}' },
        },
        [
          status(200),
          { kind: 'header-matches', name: 'Content-Type', pattern: '^application/json' },
          { kind: 'json-path-matches', path: 'sub', pattern: '^\\S+$' },
        ],
      ),
    ],
  },
  {
    id: 'connect.userinfo.no-token',
    title: 'userinfo without an access token answers 401 with WWW-Authenticate: Bearer error="invalid_token"',
    area: 'session',
    sources: ['duende-userinfo-endpoint', 'RFC 6750 §3'],
    needs: [],
    pins: ['userinfo.no-token-401'],
    steps: [
      step('GET userinfo with no token', { method: 'GET', url: '{{connectUrl}}/connect/userinfo' }, [
        status(401),
        { kind: 'header-matches', name: 'WWW-Authenticate', pattern: '^Bearer\\b.*error="invalid_token"' },
      ]),
    ],
  },
  {
    id: 'connect.revocation.refresh-token',
    title:
      'a revoked refresh token is refused afterwards: revocation 200 with an empty body, then refresh → 400 invalid_grant',
    area: 'session',
    sources: ['RFC 7009 §2.2', 'visma-connect-token-revocation', 'duende-revocation-endpoint'],
    needs: ['mock-client'],
    pins: ['revocation.refresh-token-removed'],
    steps: [
      ...ownGrant(),
      step(
        'revoke the refresh token',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/revocation',
          form: { token: '{{rt}}', token_type_hint: 'refresh_token', ...OWN_CREDENTIALS },
        },
        [status(200), { kind: 'body-equals', text: '' }],
      ),
      step(
        'refresh with the revoked token',
        tokenForm({ grant_type: 'refresh_token', refresh_token: '{{rt}}' }, OWN_CLIENT),
        oauthError('invalid_grant'),
      ),
    ],
  },
  {
    id: 'connect.revocation.unknown-token',
    title: 'revoking a token the server does not know answers 200 with an empty body',
    area: 'session',
    sources: ['RFC 7009 §2.2', 'duende-revocation-endpoint'],
    needs: ['mock-client'],
    pins: ['revocation.unknown-token-200'],
    steps: [
      step(
        'revoke a refresh token no server issued',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/revocation',
          form: { token: BOGUS_REFRESH_TOKEN, token_type_hint: 'refresh_token', ...OWN_CREDENTIALS },
        },
        [status(200), { kind: 'body-equals', text: '' }],
      ),
    ],
  },
  {
    id: 'connect.revocation.no-client',
    title: 'revocation without client credentials is refused with 400 {"error":"invalid_client"}',
    area: 'session',
    sources: ['duende-revocation-endpoint', 'visma-connect-token-revocation', 'RFC 7009 §2.1'],
    needs: [],
    pins: ['revocation.no-client-invalid-client'],
    steps: [
      step(
        'revoke with no client credentials',
        { method: 'POST', url: '{{connectUrl}}/connect/revocation', form: { token: BOGUS_REFRESH_TOKEN } },
        oauthError('invalid_client'),
      ),
    ],
  },
  {
    id: 'connect.introspection.client-refused',
    title:
      'introspection is for API resources: a client asking about an access token gets 200 {"active":false}, no credentials 401',
    area: 'session',
    sources: ['duende-introspection-endpoint', 'RFC 7662 §2.1', 'open-visma-endpoint-details'],
    needs: ['mock-client'],
    pins: ['introspection.api-resources-only'],
    steps: [
      ...ownGrant(),
      step(
        'introspect the client’s own access token as the client',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/introspect',
          form: { token: '{{at}}', ...OWN_CREDENTIALS },
        },
        [status(200), { kind: 'json-equals', value: { active: false } }],
      ),
      step(
        'introspect with no credentials',
        { method: 'POST', url: '{{connectUrl}}/connect/introspect', form: { token: '{{at}}' } },
        [status(401)],
      ),
    ],
  },
  {
    id: 'connect.end-session.post-logout-redirect',
    title:
      'end-session with a valid id_token_hint and a registered post_logout_redirect_uri signs out (cookie expired) and returns to that URI with state',
    area: 'session',
    sources: [
      'oidc-rp-initiated-logout §3',
      'duende-end-session-validator',
      'duende-end-session-result',
      'is4-ui-constants',
    ],
    needs: ['mock-pages'],
    pins: ['end-session.post-logout-redirect'],
    steps: [
      ...signedIn(),
      step(
        'POST end-session with the hint, a registered post_logout_redirect_uri and a state',
        endSession({
          id_token_hint: '{{idToken}}',
          post_logout_redirect_uri: POST_LOGOUT_URI,
          state: '{{state}}',
        }),
        [
          status(302),
          { kind: 'location-origin-path', equals: '{{connectUrl}}/account/logout' },
          { kind: 'location-param-matches', name: 'logoutId', pattern: '^\\S+$' },
        ],
        {
          compute: [{ set: 'state', fn: 'random' }],
          capture: [{ set: 'logoutPath', from: 'location', part: 'path-and-query' }],
        },
      ),
      step(
        'follow to the logout page with the session cookie',
        { method: 'GET', url: '{{connectUrl}}{{logoutPath}}', headers: { Cookie: '{{sessionCookie}}' } },
        [
          status(302),
          { kind: 'location-origin-path', equals: POST_LOGOUT_URI },
          { kind: 'location-param', name: 'state', equals: '{{state}}' },
          { kind: 'header-matches', name: 'Set-Cookie', pattern: EXPIRED_SESSION_COOKIE },
        ],
      ),
    ],
  },
  {
    id: 'connect.end-session.garbage-hint',
    title:
      'end-session with a garbage id_token_hint honours nothing: 302 to the logout page without a logoutId, never to the post_logout_redirect_uri',
    area: 'session',
    sources: ['duende-end-session-validator', 'duende-end-session-result', 'oidc-rp-initiated-logout §2'],
    needs: ['mock-pages'],
    pins: ['end-session.invalid-hint-refused'],
    steps: [
      step(
        'POST end-session with a hint no server signed',
        endSession(
          {
            id_token_hint: 'not-a-real-id-token',
            post_logout_redirect_uri: POST_LOGOUT_URI,
            state: 'not-echoed',
          },
          false,
        ),
        [
          status(302),
          { kind: 'location-origin-path', equals: '{{connectUrl}}/account/logout' },
          { kind: 'location-param-absent', name: 'logoutId' },
        ],
      ),
      step('open the logout page', { method: 'GET', url: '{{connectUrl}}/account/logout' }, [
        status(200),
        { kind: 'header-absent', name: 'Location' },
      ]),
    ],
  },
  {
    id: 'connect.end-session.ends-session',
    title:
      'after end-session the old IdP session cookie signs no one in: prompt=none then answers error=login_required, no code',
    area: 'session',
    sources: ['oidc-rp-initiated-logout §2', 'duende-end-session-result', 'oidc-core §3.1.2.6'],
    needs: ['mock-pages'],
    pins: ['end-session.session-ended', 'authorize.prompt-none-login-required'],
    steps: [
      ...signedIn(),
      step(
        'POST end-session with the hint and the session cookie',
        endSession({ id_token_hint: '{{idToken}}' }),
        [status(302), { kind: 'location-param-matches', name: 'logoutId', pattern: '^\\S+$' }],
        { capture: [{ set: 'logoutPath', from: 'location', part: 'path-and-query' }] },
      ),
      step(
        'follow to the logout page with the session cookie',
        { method: 'GET', url: '{{connectUrl}}{{logoutPath}}', headers: { Cookie: '{{sessionCookie}}' } },
        [status(200), { kind: 'header-matches', name: 'Set-Cookie', pattern: EXPIRED_SESSION_COOKIE }],
      ),
      step(
        'authorize with prompt=none and the old cookie',
        {
          ...authorizeRequest({ consent: 'none', extra: { prompt: 'none' } }),
          headers: { Cookie: '{{sessionCookie}}' },
        },
        [
          status(302),
          { kind: 'location-origin-path', equals: '{{redirectUri}}' },
          { kind: 'location-param', name: 'error', equals: 'login_required' },
          { kind: 'location-param-absent', name: 'code' },
        ],
      ),
    ],
  },
])
