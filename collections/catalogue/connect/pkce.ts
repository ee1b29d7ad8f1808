import { type Check, defineChecks } from '../../model/types.ts'
import { authorizeRequest, errorPage, exchange, oauthError, obtainCode, status, step } from '../steps.ts'

/** PKCE: S256 verification, wrong verifiers and downgrades refused (RFC 7636 §4.6). */
export const pkceChecks: Check[] = defineChecks([
  {
    id: 'connect.pkce.s256-accepted',
    title: 'a PKCE S256 verifier that matches the challenge redeems the code',
    area: 'pkce',
    sources: ['RFC 7636 §4.6', 'visma-connect-web-apps'],
    needs: ['code'],
    pool: { pkce: true },
    mockPrelude: [
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
    ],
    steps: [
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
    sources: ['RFC 7636 §4.6', 'duende-token-request-validator'],
    needs: ['code'],
    pool: { pkce: true },
    mockPrelude: [
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
    ],
    steps: [
      step(
        'redeem with another verifier',
        exchange('code', { code_verifier: '{{otherVerifier}}' }, '{{pkceClientId}}'),
        oauthError('invalid_grant'),
        { compute: [{ set: 'otherVerifier', fn: 'pkce-verifier' }] },
      ),
    ],
  },
  {
    id: 'connect.pkce.downgrade',
    title: 'leaving out code_verifier after sending a challenge (downgrade) is refused with invalid_grant',
    area: 'pkce',
    sources: ['RFC 9700 §2.1.1', 'RFC 7636 §4.6', 'duende-token-request-validator'],
    needs: ['code'],
    pool: { pkce: true },
    mockPrelude: [
      {
        ...obtainCode('code', { extra: { code_challenge: '{{challenge}}', code_challenge_method: 'S256' } }),
        compute: [
          { set: 'verifier', fn: 'pkce-verifier' },
          { set: 'challenge', fn: 's256', of: 'verifier' },
        ],
      },
    ],
    steps: [step('redeem without a verifier', exchange(), oauthError('invalid_grant'))],
  },
  {
    id: 'connect.pkce.required',
    title: 'a client that requires PKCE gets the IdP error page when the challenge is missing',
    area: 'pkce',
    sources: ['visma-connect-web-apps', 'duende-authorize-request-validator', 'duende-authorize-result'],
    needs: ['mock-client'],
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
    sources: [
      'RFC 7636 §4.2',
      'duende-client-defaults',
      'duende-authorize-request-validator',
      'duende-authorize-result',
    ],
    needs: [],
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
])
