import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URIS,
  PKCE_CLIENT_ID,
  REFRESH_CLIENT_ID,
} from '../../mocks/options.ts'
import type { BaseVariable } from './types.ts'

/** The seeded organisations the Dinero checks use on the mock (see mocks/dinero/seed.ts). */
export const MOCK_PRO_ORGANIZATION_ID = '118244'
export const MOCK_NON_PRO_ORGANIZATION_ID = '42'

/** Base variables for a run against a mock whose services answer at these origins. */
export function mockVariables(origins: {
  connect: string
  api: string
  control: string
}): Record<BaseVariable, string> {
  return {
    connectUrl: origins.connect,
    apiUrl: origins.api,
    controlUrl: origins.control,
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    pkceClientId: PKCE_CLIENT_ID,
    refreshClientId: REFRESH_CLIENT_ID,
    redirectUri: DEFAULT_REDIRECT_URIS[0]!,
    scopes: 'dineropublicapi:read dineropublicapi:write offline_access',
    organizationId: MOCK_PRO_ORGANIZATION_ID,
    nonProOrganizationId: MOCK_NON_PRO_ORGANIZATION_ID,
  }
}
