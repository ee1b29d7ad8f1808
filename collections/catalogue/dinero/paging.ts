import { type Check, defineChecks } from '../../model/types.ts'
import { bearer, refreshChain, status, step } from '../steps.ts'

/**
 * Paging limits of the Dinero list endpoints (dinero-openapi: `pageSize` default 100, "Maximum
 * 1000"). What a larger pageSize gets is not published (open-dinero-page-size); the check pins the
 * mock's answer, so a live run shows whether Dinero refuses or caps it.
 */
export const pagingChecks: Check[] = defineChecks([
  {
    id: 'dinero.paging.page-size-over-max',
    title:
      'a contacts list with pageSize=1001 (over the documented maximum 1000) is refused with 400, error code 45',
    area: 'dinero',
    sources: ['dinero-openapi', 'open-dinero-page-size', 'dinero-api-errors'],
    needs: ['grant', 'organisation'],
    pins: ['dinero.page-size-max-1000'],
    steps: [
      refreshChain(),
      step(
        'list contacts with pageSize=1001',
        {
          method: 'GET',
          url: '{{apiUrl}}/v1/{{organizationId}}/contacts',
          query: { page: '0', pageSize: '1001' },
          headers: bearer,
        },
        [status(400), { kind: 'json-path-equals', path: 'code', value: 45 }],
      ),
    ],
  },
])
