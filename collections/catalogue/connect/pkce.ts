import { createHash } from 'node:crypto'
import { type Check, type CheckDefinition, defineChecks } from '../../model/types.ts'
import { authorizeRequest, errorPage, exchange, oauthError, obtainCode, status, step } from '../steps.ts'

/** A client on the mock that allows the plain method (the default is not to: duende-client-defaults). */
const PLAIN_CLIENT = 'isv_conformance_plain_pkce'

/**
 * A verifier of `length` unreserved characters (RFC 7636 §4.1) and its S256 challenge. Fixed, so
 * the collection can carry it, but with no run of the alphabet in it: a verifier is a secret to the
 * reports' leak canary, and a 16-character run such as `lmnopqrstuvwxyz]` is also found in the
 * JavaScript of the Allure page, which then fails the run as a leak.
 */
function fixedVerifier(length: number): { verifier: string; challenge: string } {
  const digest = (i: number) =>
    createHash('sha512').update(`dinero-conformance pkce ${i}`).digest('base64url')
  const verifier = (digest(1) + digest(2)).slice(0, length)
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') }
}

/**
 * A verifier one character outside 43–128 is refused although its hash matches the challenge; the
 * one at the bound beside it redeems, so the check also catches an off-by-one. The challenge itself
 * is always 43 characters, so the authorize side accepts both.
 */
function verifierLengthCheck(
  name: 'too-short' | 'too-long',
  refused: number,
  accepted: number,
): CheckDefinition {
  const bad = fixedVerifier(refused)
  const good = fixedVerifier(accepted)
  const authorize = (challenge: string, codeVar: string) =>
    obtainCode(codeVar, {
      clientId: '{{pkceClientId}}',
      extra: { code_challenge: challenge, code_challenge_method: 'S256' },
    })
  return {
    id: `connect.pkce.verifier-${name}`,
    title: `a ${refused}-character verifier whose hash matches is refused with invalid_grant; ${accepted} characters redeem`,
    area: 'pkce',
    pins: ['pkce.verifier-length'],
    sources: ['RFC 7636 §4.1', 'duende-input-length-restrictions', 'duende-token-request-validator'],
    // Fixed verifiers, which login's pool (a fresh verifier per code) does not offer.
    needs: ['mock-client'],
    steps: [
      authorize(bad.challenge, 'badCode'),
      step(
        `redeem with the ${refused}-character verifier`,
        exchange('badCode', { code_verifier: bad.verifier }, '{{pkceClientId}}'),
        oauthError('invalid_grant'),
      ),
      authorize(good.challenge, 'goodCode'),
      step(
        `redeem with the ${accepted}-character verifier`,
        exchange('goodCode', { code_verifier: good.verifier }, '{{pkceClientId}}'),
        [status(200)],
      ),
    ],
  }
}

/** PKCE: S256 verification, wrong verifiers and downgrades refused (RFC 7636 §4.6). */
export const pkceChecks: Check[] = defineChecks([
  {
    id: 'connect.pkce.s256-accepted',
    title: 'a PKCE S256 verifier that matches the challenge redeems the code',
    area: 'pkce',
    pins: ['pkce.s256'],
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
    pins: ['pkce.wrong-verifier'],
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
    pins: ['pkce.downgrade'],
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
    pins: ['pkce.required'],
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
    pins: ['pkce.plain-refused'],
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
  {
    id: 'connect.pkce.plain-allowed',
    title: 'for a client that allows plain PKCE, a plain challenge redeems with the verifier equal to it',
    area: 'pkce',
    pins: ['pkce.plain-allowed'],
    sources: ['RFC 7636 §4.6', 'duende-client-defaults'],
    needs: ['mock-client'],
    steps: [
      {
        ...obtainCode('code', {
          clientId: PLAIN_CLIENT,
          extra: { code_challenge: '{{verifier}}', code_challenge_method: 'plain' },
        }),
        compute: [{ set: 'verifier', fn: 'pkce-verifier' }],
      },
      step('redeem with the verifier', exchange('code', { code_verifier: '{{verifier}}' }, PLAIN_CLIENT), [
        status(200),
      ]),
    ],
  },
  {
    id: 'connect.pkce.unexpected-verifier',
    title: 'a code_verifier for a code issued without a challenge is refused with invalid_grant',
    area: 'pkce',
    pins: ['pkce.unexpected-verifier'],
    sources: ['duende-token-request-validator'],
    needs: ['code'],
    pool: {},
    mockPrelude: [obtainCode()],
    steps: [
      step(
        'redeem with a verifier nobody asked for',
        exchange('code', { code_verifier: '{{verifier}}' }),
        oauthError('invalid_grant'),
        { compute: [{ set: 'verifier', fn: 'pkce-verifier' }] },
      ),
    ],
  },
  verifierLengthCheck('too-short', 42, 43),
  verifierLengthCheck('too-long', 129, 128),
])
