import { type Check, defineChecks } from '../../model/types.ts'
import { refreshChain, status, step } from '../steps.ts'

/** Discovery and JWKS: the published metadata and the keys the tokens are signed with (OpenID Connect Discovery 1.0 §3). */
export const discoveryChecks: Check[] = defineChecks([
  {
    id: 'connect.discovery.metadata',
    title:
      'discovery names its own origin as issuer and lists the token endpoint, Basic/post auth and PKCE methods',
    area: 'discovery',
    pins: ['discovery.metadata-endpoints', 'discovery.methods'],
    sources: ['visma-connect-discovery', 'RFC 8414 §3.3'],
    needs: [],
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
    id: 'connect.discovery.session-endpoints',
    title:
      'discovery names the userinfo, end-session, revocation and introspection endpoints on its own origin, as Visma Connect publishes them',
    area: 'discovery',
    sources: ['visma-connect-discovery', 'oidc-rp-initiated-logout §2.1', 'RFC 8414 §2'],
    needs: [],
    pins: ['discovery.session-endpoints'],
    steps: [
      step(
        'GET the discovery document',
        { method: 'GET', url: '{{connectUrl}}/.well-known/openid-configuration' },
        [
          status(200),
          { kind: 'json-path-equals', path: 'userinfo_endpoint', value: '{{connectUrl}}/connect/userinfo' },
          {
            kind: 'json-path-equals',
            path: 'end_session_endpoint',
            value: '{{connectUrl}}/connect/endsession',
          },
          {
            kind: 'json-path-equals',
            path: 'revocation_endpoint',
            value: '{{connectUrl}}/connect/revocation',
          },
          {
            kind: 'json-path-equals',
            path: 'introspection_endpoint',
            value: '{{connectUrl}}/connect/introspect',
          },
        ],
      ),
    ],
  },
  {
    id: 'connect.jwks.token-kid-published',
    title: 'the kid of an issued access token is published in the JWKS',
    area: 'discovery',
    pins: ['discovery.jwks-kid'],
    sources: ['RFC 7517 §4.5', 'RFC 9068 §4', 'observed-visma-token-response', 'visma-connect-discovery'],
    needs: ['grant'],
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
])
