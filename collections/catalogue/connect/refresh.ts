import { type Check, defineChecks } from '../../model/types.ts'
import { control, oauthError, refreshAs, refreshClientGrant, status, step } from '../steps.ts'

/** Refresh tokens: one-time use with rotation on every use, and the errors of a bad refresh (RFC 6749 §6, RFC 9700 §4.14.2). */
export const refreshChecks: Check[] = defineChecks([
  {
    id: 'connect.refresh.rotates',
    title: 'a one-time refresh token is rotated: the response carries a new refresh token',
    area: 'refresh',
    sources: [
      'visma-connect-tokens',
      'duende-refresh-token-service',
      'duende-support-1401',
      'RFC 9700 §4.14.2',
    ],
    needs: ['throwaway-grant'],
    pool: { grantInto: 'rt1' },
    mockPrelude: refreshClientGrant(),
    steps: [
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
    sources: ['duende-refresh-token-service', 'visma-connect-tokens', 'RFC 9700 §4.14.2'],
    needs: ['throwaway-grant', 'control-surface'],
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
    sources: ['visma-connect-tokens', 'RFC 9700 §4.14.2'],
    needs: ['throwaway-grant', 'revokes-all-access'],
    // Live on a grant of its own: Visma's replay detection revokes all access of the client and
    // user (visma-connect-tokens), so login runs this before it takes the grant it stores.
    pool: { grantInto: 'rt1' },
    mockPrelude: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { replay: 'revoke-all' } }),
      ...refreshClientGrant(),
    ],
    steps: [
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
    sources: ['dinero-grace-period', 'duende-refresh-token-service'],
    needs: ['throwaway-grant', 'control-surface', 'virtual-clock'],
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
      control.rewind(35),
    ],
  },
  {
    id: 'connect.refresh.expired',
    title: 'a refresh token past its absolute lifetime is refused with invalid_grant',
    area: 'refresh',
    sources: ['duende-refresh-token-service', 'duende-client-defaults'],
    needs: ['throwaway-grant', 'control-surface', 'virtual-clock'],
    steps: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { absoluteLifetimeSeconds: 60 } }),
      ...refreshClientGrant(),
      control.advance(61),
      step('refresh after the lifetime', refreshAs('rt1'), oauthError('invalid_grant')),
      control.settings({ clientId: '{{refreshClientId}}', refresh: { absoluteLifetimeSeconds: 2592000 } }),
      control.rewind(61),
    ],
  },
])
