import { AREAS, type Check, type Step } from '../model/types.ts'
import { authorizeChecks } from './connect/authorize.ts'
import { clientAuthChecks } from './connect/client-auth.ts'
import { codeChecks } from './connect/code.ts'
import { destructiveChecks } from './connect/destructive.ts'
import { discoveryChecks } from './connect/discovery.ts'
import { pkceChecks } from './connect/pkce.ts'
import { refreshChecks } from './connect/refresh.ts'
import { sessionChecks } from './connect/session.ts'
import { tokenEndpointChecks } from './connect/token-endpoint.ts'
import { creditNoteChecks } from './dinero/credit-notes.ts'
import { dineroErrorChecks } from './dinero/errors.ts'
import { filesWebhookChecks } from './dinero/files-webhooks.ts'
import { ledgerChecks } from './dinero/ledger.ts'
import { pagingChecks } from './dinero/paging.ts'
import { tradeOfferChecks } from './dinero/trade-offers.ts'
import { dineroChecks } from './dinero.ts'
import { exchange, HEX64, status, step } from './steps.ts'

/** The whole catalogue, in the order both runners execute it. */
export const catalogue: readonly Check[] = [
  ...tokenEndpointChecks,
  ...clientAuthChecks,
  ...authorizeChecks,
  ...codeChecks,
  ...pkceChecks,
  ...refreshChecks,
  ...sessionChecks,
  ...discoveryChecks,
  ...dineroChecks,
  ...tradeOfferChecks,
  ...ledgerChecks,
  ...creditNoteChecks,
  ...filesWebhookChecks,
  ...pagingChecks,
  ...dineroErrorChecks,
  ...destructiveChecks,
].sort((a, b) => AREAS.indexOf(a.area) - AREAS.indexOf(b.area))

/**
 * Before the catalogue on the mock: obtain the run's grant (the refresh-token chain the
 * live-safe checks rotate). Against the live services `npm run login` has done this.
 */
export const mockSetup: readonly Step[] = [
  step(
    'authorize the run’s grant',
    {
      method: 'GET',
      url: '{{connectUrl}}/connect/authorize',
      query: {
        client_id: '{{clientId}}',
        redirect_uri: '{{redirectUri}}',
        response_type: 'code',
        response_mode: 'query',
        scope: '{{scopes}}',
      },
      headers: { 'X-Mock-Consent': 'accept' },
    },
    [status(302), { kind: 'location-param-matches', name: 'code', pattern: HEX64 }],
    { capture: [{ set: 'code', from: 'location-param', name: 'code' }] },
  ),
  step('exchange the code for the run’s grant', exchange(), [status(200)], {
    capture: [
      { set: 'refreshToken', from: 'json', path: 'refresh_token' },
      { set: 'accessToken', from: 'json', path: 'access_token' },
    ],
  }),
]

/** Variables that carry from check to check (the grant); every other variable is per check. */
export const CHAIN_VARIABLES = ['refreshToken', 'accessToken'] as const

export function findCheck(id: string): Check {
  const check = catalogue.find((c) => c.id === id)
  if (!check) throw new Error(`no check ${id}`)
  return check
}
