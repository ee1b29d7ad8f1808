import { type Check, defineChecks } from '../../model/types.ts'
import { oauthError, status, step, tokenForm } from '../steps.ts'

/** Last in the catalogue: it ends the run's grant on purpose (Visma revokes all access of the client and user on a replay), so nothing may need the grant after it. */
export const destructiveChecks: Check[] = defineChecks([
  {
    id: 'connect.refresh.replay-revokes-grant',
    title:
      'replaying a consumed one-time refresh token of the run’s grant gets invalid_grant and revokes the rotated token too',
    area: 'destructive',
    sources: ['visma-connect-tokens', 'RFC 9700 §4.14.2', 'duende-refresh-token-service'],
    needs: ['grant', 'revokes-all-access'],
    // login runs it on a throw-away grant handed in as the run's refreshToken, before it takes the
    // grant it stores: a replay revokes all access of the client and user (visma-connect-tokens).
    pool: { grantInto: 'refreshToken' },
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
])
