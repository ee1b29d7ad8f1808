import { type Check, defineChecks } from '../../model/types.ts'
import {
  BOGUS_REFRESH_TOKEN,
  bogusRefresh,
  exchange,
  FAKE_CLIENT_SECRET,
  FORM_JSON,
  HEX64,
  NO_STORE,
  oauthError,
  obtainCode,
  status,
  step,
  tokenForm,
} from '../steps.ts'

/** Form parameters with a fake secret, for requests refused for their format before any secret is read. */
const FAKE_FORM = `grant_type=refresh_token&refresh_token=${BOGUS_REFRESH_TOKEN}&client_id={{clientId}}&client_secret=${FAKE_CLIENT_SECRET}`

/** The token endpoint's request format: form bodies only, the no-store response headers, and the errors of a malformed request (RFC 6749 §3.2, §5.1, §5.2). */
export const tokenEndpointChecks: Check[] = defineChecks([
  {
    id: 'connect.token.json-body-rejected',
    title:
      'a JSON body at /connect/token is refused with 400 {"error":"invalid_request"} and no-store headers',
    area: 'token-endpoint',
    pins: ['token.json-body-refused', 'token.error-response'],
    sources: ['duende-token-endpoint', 'duende-token-error-result', 'is4-issue-1658', 'RFC 6749 §4.1.3'],
    needs: [],
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
            client_secret: FAKE_CLIENT_SECRET,
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
    pins: ['token.multipart-refused'],
    sources: ['duende-token-endpoint', 'duende-support-168'],
    needs: [],
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
              FAKE_CLIENT_SECRET,
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
    pins: ['token.post-only'],
    sources: ['duende-token-endpoint', 'RFC 6749 §3.2'],
    needs: [],
    steps: [
      step(
        'GET the token endpoint',
        {
          method: 'GET',
          url: '{{connectUrl}}/connect/token',
          query: { ...bogusRefresh, client_id: '{{clientId}}', client_secret: FAKE_CLIENT_SECRET },
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
    pins: ['token.success-response', 'token.access-token-jwt', 'token.access-token-3600s'],
    sources: [
      'observed-visma-token-response',
      'duende-token-result',
      'is4-response-headers',
      'RFC 6749 §5.1',
    ],
    needs: ['code'],
    pool: {},
    mockPrelude: [obtainCode()],
    steps: [
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
  ...(['PUT', 'DELETE'] as const).map((method) => ({
    id: `connect.token.${method.toLowerCase()}-rejected`,
    title: `a ${method} to /connect/token with a form body is refused with 400 invalid_request`,
    area: 'token-endpoint' as const,
    pins: ['token.post-only'],
    sources: ['duende-token-endpoint', 'RFC 6749 §3.2'],
    needs: [],
    steps: [
      step(
        `${method} the token request as a form`,
        // A fake secret: refused for its method before any secret is read, and the real one goes only in a POST.
        { ...tokenForm(bogusRefresh, { clientId: '{{clientId}}', secret: FAKE_CLIENT_SECRET }), method },
        [status(400), { kind: 'body-equals', text: '{"error":"invalid_request"}' }],
      ),
    ],
  })),
  {
    id: 'connect.token.text-plain-rejected',
    title: 'a text/plain body holding form-encoded parameters is refused with 400 invalid_request',
    area: 'token-endpoint',
    pins: ['token.text-plain-refused'],
    sources: ['duende-token-endpoint', 'is4-form-content-type'],
    needs: [],
    steps: [
      step(
        'POST the form parameters as text/plain',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/token',
          raw: { contentType: 'text/plain', body: FAKE_FORM },
        },
        [status(400), { kind: 'body-equals', text: '{"error":"invalid_request"}' }],
      ),
    ],
  },
  {
    id: 'connect.token.form-media-type-lenient',
    title:
      'a form sent as Application/X-WWW-Form-URLEncoded; charset=UTF-8 is read as a form (a fake secret then gets invalid_client, not invalid_request)',
    area: 'token-endpoint',
    pins: ['token.form-media-type-lenient'],
    sources: ['is4-form-content-type', 'duende-client-secret-validator'],
    needs: [],
    steps: [
      step(
        'POST the form with an upper-case media type and a charset',
        {
          method: 'POST',
          url: '{{connectUrl}}/connect/token',
          raw: { contentType: 'Application/X-WWW-Form-URLEncoded; charset=UTF-8', body: FAKE_FORM },
        },
        oauthError('invalid_client'),
      ),
    ],
  },
  {
    id: 'connect.token.unsupported-grant-type',
    title: 'an unknown or missing grant_type is refused with 400 unsupported_grant_type',
    area: 'token-endpoint',
    pins: ['token.unsupported-grant-type'],
    sources: ['duende-token-request-validator', 'RFC 6749 §5.2'],
    needs: [],
    steps: [
      step(
        'ask for a grant type no server knows',
        tokenForm({ grant_type: 'urn:example:no-such-grant' }),
        oauthError('unsupported_grant_type'),
      ),
      step('leave grant_type out', tokenForm({}), oauthError('unsupported_grant_type')),
    ],
  },
  {
    id: 'connect.token.grant-not-allowed',
    title: 'client_credentials for a web app that may not use it is refused with 400 unauthorized_client',
    area: 'token-endpoint',
    pins: ['token.grant-not-allowed'],
    sources: ['duende-token-request-validator', 'dinero-faq', 'RFC 6749 §5.2'],
    needs: [],
    steps: [
      step(
        'ask for client_credentials',
        tokenForm({ grant_type: 'client_credentials', scope: 'dineropublicapi:read' }),
        oauthError('unauthorized_client'),
      ),
    ],
  },
  {
    id: 'connect.token.scope-shapes',
    title:
      'the token response’s scope is a space-separated string and the access token’s scope claim a JSON array',
    area: 'token-endpoint',
    pins: ['token.scope-string-in-response', 'token.scope-array-in-access-token'],
    sources: ['observed-visma-token-response', 'visma-connect-access-token', 'RFC 6749 §5.1'],
    // One scope, so the assertions do not depend on the order the server lists scopes in.
    needs: ['read-only-code'],
    pool: { scope: 'dineropublicapi:read' },
    mockPrelude: [obtainCode('code', { scope: 'dineropublicapi:read' })],
    steps: [
      step('exchange the code', exchange(), [
        status(200),
        { kind: 'json-path-equals', path: 'scope', value: 'dineropublicapi:read' },
        { kind: 'jwt-claim', path: 'access_token', name: 'scope', equals: ['dineropublicapi:read'] },
      ]),
    ],
  },
])
