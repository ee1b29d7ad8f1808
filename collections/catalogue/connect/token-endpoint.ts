import { type Check, defineChecks } from '../../model/types.ts'
import {
  BOGUS_REFRESH_TOKEN,
  bogusRefresh,
  exchange,
  FAKE_CLIENT_SECRET,
  FORM_JSON,
  HEX64,
  NO_STORE,
  obtainCode,
  status,
  step,
} from '../steps.ts'

/** The token endpoint's request format: form bodies only, the no-store response headers, and the errors of a malformed request (RFC 6749 §3.2, §5.1, §5.2). */
export const tokenEndpointChecks: Check[] = defineChecks([
  {
    id: 'connect.token.json-body-rejected',
    title:
      'a JSON body at /connect/token is refused with 400 {"error":"invalid_request"} and no-store headers',
    area: 'token-endpoint',
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
])
