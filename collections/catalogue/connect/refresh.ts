import { type Check, defineChecks } from '../../model/types.ts'
import {
  bogusRefresh,
  control,
  oauthError,
  refreshAs,
  refreshClientGrant,
  status,
  step,
  tokenForm,
} from '../steps.ts'

/** Refresh tokens: one-time use with rotation on every use, and the errors of a bad refresh (RFC 6749 §6, RFC 9700 §4.14.2). */
export const refreshChecks: Check[] = defineChecks([
  {
    id: 'connect.refresh.rotates',
    title: 'a one-time refresh token is rotated: the response carries a new refresh token',
    area: 'refresh',
    pins: ['refresh.one-time-rotates'],
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
    pins: ['refresh.consumed-refused'],
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
    pins: ['refresh.replay-revokes-all'],
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
    pins: ['refresh.grace-window'],
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
    pins: ['refresh.absolute-expiry'],
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
  {
    id: 'connect.refresh.lifetime-kept-across-rotation',
    title:
      'rotation keeps the grant’s creation time: a token rotated at 40 s is refused with invalid_grant once the grant is 65 s old (lifetime 60 s)',
    area: 'refresh',
    pins: ['refresh.lifetime-kept-across-rotation'],
    sources: ['duende-refresh-token-service'],
    needs: ['throwaway-grant', 'control-surface', 'virtual-clock'],
    steps: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { absoluteLifetimeSeconds: 60 } }),
      ...refreshClientGrant(),
      control.advance(40),
      step('refresh at 40 s', refreshAs('rt1'), [status(200)], {
        capture: [{ set: 'rt2', from: 'json', path: 'refresh_token' }],
      }),
      control.advance(25),
      step('refresh the rotated token at 65 s', refreshAs('rt2'), oauthError('invalid_grant')),
      control.settings({ clientId: '{{refreshClientId}}', refresh: { absoluteLifetimeSeconds: 2592000 } }),
      control.rewind(65),
    ],
  },
  {
    id: 'connect.refresh.sliding-expiry',
    title:
      'a sliding refresh token (30 s) used at 20 s still works at 40 s, and unused for 31 s after that is refused with invalid_grant',
    area: 'refresh',
    pins: ['refresh.sliding-expiry'],
    sources: ['visma-connect-tokens', 'duende-refresh-token-service'],
    needs: ['throwaway-grant', 'control-surface', 'virtual-clock'],
    steps: [
      control.settings({
        clientId: '{{refreshClientId}}',
        refresh: { expiration: 'sliding', slidingLifetimeSeconds: 30, absoluteLifetimeSeconds: 600 },
      }),
      ...refreshClientGrant(),
      control.advance(20),
      step('refresh at 20 s', refreshAs('rt1'), [status(200)], {
        capture: [{ set: 'rt2', from: 'json', path: 'refresh_token' }],
      }),
      control.advance(20),
      step('refresh at 40 s, past the first 30 s', refreshAs('rt2'), [status(200)], {
        capture: [{ set: 'rt3', from: 'json', path: 'refresh_token' }],
      }),
      control.advance(31),
      step('refresh after 31 s unused', refreshAs('rt3'), oauthError('invalid_grant')),
      control.settings({
        clientId: '{{refreshClientId}}',
        refresh: {
          expiration: 'absolute',
          slidingLifetimeSeconds: 1296000,
          absoluteLifetimeSeconds: 2592000,
        },
      }),
      control.rewind(71),
    ],
  },
  {
    id: 'connect.refresh.reuse-same-handle',
    title: 'a re-use refresh token comes back unchanged on refresh and works again',
    area: 'refresh',
    pins: ['refresh.reuse-same-handle'],
    sources: ['visma-connect-tokens', 'visma-refresh-usage-thread', 'duende-refresh-token-service'],
    needs: ['throwaway-grant', 'control-surface'],
    steps: [
      control.settings({ clientId: '{{refreshClientId}}', refresh: { usage: 'reuse' } }),
      ...refreshClientGrant(),
      step('refresh', refreshAs('rt1'), [
        status(200),
        { kind: 'json-path-equals', path: 'refresh_token', value: '{{rt1}}' },
      ]),
      step('refresh with the same token again', refreshAs('rt1'), [
        status(200),
        { kind: 'json-path-equals', path: 'refresh_token', value: '{{rt1}}' },
      ]),
      control.settings({ clientId: '{{refreshClientId}}', refresh: { usage: 'one-time' } }),
    ],
  },
  {
    id: 'connect.refresh.unknown',
    title: 'a refresh token the server never issued is refused with invalid_grant',
    area: 'refresh',
    pins: ['refresh.unknown'],
    sources: ['duende-refresh-token-service', 'RFC 6749 §5.2'],
    needs: [],
    steps: [step('refresh with a made-up token', tokenForm(bogusRefresh), oauthError('invalid_grant'))],
  },
  {
    id: 'connect.refresh.missing',
    title: 'grant_type=refresh_token without a refresh_token is refused with invalid_request',
    area: 'refresh',
    pins: ['refresh.missing'],
    sources: ['duende-token-request-validator', 'RFC 6749 §6'],
    needs: [],
    steps: [
      step(
        'refresh without a token',
        tokenForm({ grant_type: 'refresh_token' }),
        oauthError('invalid_request'),
      ),
    ],
  },
  {
    id: 'connect.refresh.length-limit',
    title: 'a refresh token over 100 characters is refused with invalid_grant',
    area: 'refresh',
    pins: ['refresh.length-limit'],
    sources: ['duende-input-length-restrictions', 'duende-token-request-validator'],
    needs: [],
    steps: [
      step(
        'refresh with a 101-character token',
        tokenForm({ grant_type: 'refresh_token', refresh_token: 'R'.repeat(101) }),
        oauthError('invalid_grant'),
      ),
    ],
  },
])
