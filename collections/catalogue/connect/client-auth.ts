import { type Check, defineChecks } from '../../model/types.ts'
import { bogusRefresh, FAKE_CLIENT_SECRET, oauthError, step, tokenForm } from '../steps.ts'

/** Client authentication at the token endpoint: Basic and body credentials, and the invalid_client answers (RFC 6749 §2.3.1, §5.2). */
export const clientAuthChecks: Check[] = defineChecks([
  {
    id: 'connect.client-auth.basic',
    title:
      'client_secret_basic authenticates the client (a bogus refresh token then gets invalid_grant, not invalid_client)',
    area: 'client-auth',
    pins: ['client-auth.basic'],
    sources: ['is4-basic-secret-parser', 'duende-client-secret-validator', 'RFC 6749 §2.3.1'],
    needs: [],
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
    pins: ['client-auth.post'],
    sources: [
      'is4-post-body-secret-parser',
      'visma-connect-offline-access',
      'duende-client-secret-validator',
    ],
    needs: [],
    steps: [
      step('refresh with credentials in the body', tokenForm(bogusRefresh), oauthError('invalid_grant')),
    ],
  },
  {
    id: 'connect.client-auth.basic-form-encoded',
    title: 'Basic credentials are form-url-decoded: an id and secret with space, +, :, % and ü authenticate',
    area: 'client-auth',
    pins: ['client-auth.basic-form-decoded'],
    sources: ['RFC 6749 §2.3.1', 'is4-basic-secret-parser'],
    needs: ['mock-client'],
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
    pins: ['client-auth.wrong-secret', 'token.error-response'],
    sources: ['duende-token-error-result', 'duende-client-secret-validator'],
    needs: [],
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
    pins: ['client-auth.missing'],
    sources: ['duende-client-secret-validator', 'is4-secret-parsers'],
    needs: [],
    steps: [
      step('refresh without any credentials', tokenForm(bogusRefresh, 'none'), oauthError('invalid_request')),
    ],
  },
  {
    id: 'connect.client-auth.unknown-client',
    title: 'a client_id the server does not know is refused with HTTP 400 {"error":"invalid_client"}',
    area: 'client-auth',
    pins: ['client-auth.unknown-client'],
    sources: ['duende-client-secret-validator', 'duende-token-error-result'],
    needs: [],
    steps: [
      step(
        'refresh as a client that does not exist',
        tokenForm(bogusRefresh, { clientId: 'isv_conformance_no_such_client', secret: FAKE_CLIENT_SECRET }),
        oauthError('invalid_client'),
      ),
    ],
  },
  {
    id: 'connect.client-auth.basic-preferred',
    title:
      'with credentials in both the Basic header and the body, the Basic ones decide: right Basic and a wrong body secret get invalid_grant, a wrong Basic secret and the right body get invalid_client',
    area: 'client-auth',
    pins: ['client-auth.basic-preferred'],
    sources: ['is4-secret-parsers', 'is4-basic-secret-parser'],
    needs: [],
    steps: [
      step(
        'right Basic credentials, a wrong secret in the body',
        {
          ...tokenForm(bogusRefresh, { clientId: '{{clientId}}', secret: FAKE_CLIENT_SECRET }),
          headers: { Authorization: '{{basicAuth}}' },
        },
        oauthError('invalid_grant'),
        {
          compute: [
            { set: 'basicAuth', fn: 'basic', id: '{{clientId}}', secret: '{{clientSecret}}', encode: true },
          ],
        },
      ),
      step(
        'a wrong Basic secret, the right credentials in the body',
        { ...tokenForm(bogusRefresh), headers: { Authorization: '{{fakeBasic}}' } },
        oauthError('invalid_client'),
        {
          compute: [
            { set: 'fakeBasic', fn: 'basic', id: '{{clientId}}', secret: FAKE_CLIENT_SECRET, encode: true },
          ],
        },
      ),
    ],
  },
])
