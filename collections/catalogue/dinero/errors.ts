import { type Check, defineChecks } from '../../model/types.ts'
import { bearer, dineroError, refreshChain, status, step } from '../steps.ts'

/**
 * The Dinero status and error codes (dinero-api-errors), list conventions and version prefixes
 * (dinero-openapi) no other check shows: each check names the behaviour it pins (collections/behaviours.ts). All but
 * the code-42 check only read, so they run live with the stored grant; the code-42 check sends a
 * create that must be refused, and runs live only on a write-test organisation in case it is not.
 */
const contacts = '{{apiUrl}}/v1/{{organizationId}}/contacts'

export const dineroErrorChecks: Check[] = defineChecks([
  {
    id: 'dinero.errors.no-token-code-41',
    title:
      'a Dinero request without an access token is refused with 401, error code 41 and WWW-Authenticate: Bearer',
    area: 'dinero',
    pins: ['dinero.no-token-401', 'dinero.error-body-camel-case'],
    sources: ['dinero-api-errors', 'dinero-api-docs', 'open-dinero-401-body', 'RFC 6750 §3'],
    needs: [],
    steps: [
      step('list organisations anonymously', { method: 'GET', url: '{{apiUrl}}/v1/organizations' }, [
        ...dineroError(41, 401),
        { kind: 'header-matches', name: 'WWW-Authenticate', pattern: '^Bearer\\b' },
      ]),
    ],
  },
  {
    id: 'dinero.errors.not-found-code-40',
    title:
      'a contact that does not exist is answered 404 with JSON error code 40, not the HTML page of an unknown route',
    area: 'dinero',
    pins: ['dinero.not-found-404-40', 'dinero.error-body-camel-case'],
    sources: ['dinero-api-errors', 'apaq-dinero-error-handler'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'read a contact whose Guid no contact has',
        { method: 'GET', url: `${contacts}/00000000-0000-0000-0000-000000000000`, headers: bearer },
        [
          ...dineroError(40, 404),
          { kind: 'header-matches', name: 'Content-Type', pattern: '^application/json' },
        ],
      ),
    ],
  },
  {
    id: 'dinero.errors.validation-code-42',
    title:
      'a contact created without its required Name is refused with 400, error code 42 and validationErrors naming Name',
    area: 'dinero',
    pins: ['dinero.validation-error-42', 'dinero.error-body-camel-case'],
    sources: ['dinero-api-errors', 'dinero-openapi', 'apaq-dinero-fixtures'],
    needs: ['grant', 'organisation', 'write-test-organisation'],
    steps: [
      refreshChain(),
      step(
        'create a contact without Name',
        {
          method: 'POST',
          url: contacts,
          headers: bearer,
          json: { CountryKey: 'DK', IsPerson: false, IsMember: false, UseCvr: false },
        },
        [...dineroError(42), { kind: 'json-path-matches', path: 'validationErrors.Name', pattern: '\\S' }],
      ),
    ],
  },
  {
    id: 'dinero.errors.invalid-format-code-44',
    title:
      'a contacts list with changesSince not in the format YYYY-MM-DDTHH:mm:ssZ is refused with 400, error code 44',
    area: 'dinero',
    pins: ['dinero.invalid-format-44', 'dinero.error-body-camel-case'],
    sources: ['dinero-openapi', 'dinero-api-errors', 'open-dinero-unlisted-responses'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'list contacts changed since "yesterday"',
        { method: 'GET', url: contacts, query: { changesSince: 'yesterday' }, headers: bearer },
        dineroError(44),
      ),
    ],
  },
  {
    id: 'dinero.paging.changes-since',
    title:
      'a contacts list with changesSince in the future answers 200 with an empty Collection and Result 0',
    area: 'dinero',
    pins: ['dinero.changes-since', 'dinero.list-envelope'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step(
        'list contacts changed since 2999-01-01T00:00:00Z',
        { method: 'GET', url: contacts, query: { changesSince: '2999-01-01T00:00:00Z' }, headers: bearer },
        [
          status(200),
          { kind: 'schema', schema: 'DineroListEnvelope' },
          { kind: 'json-array-length-between', path: 'Collection', min: 0, max: 0 },
          { kind: 'json-path-equals', path: 'Pagination.Result', value: 0 },
        ],
      ),
    ],
  },
  {
    id: 'dinero.organizations.v1-1-subscription',
    title:
      'GET /v1.1/organizations answers 200 with a plain array of OrganizationReadModelV2, each with its Subscription (HasPro …), not the v1 fields',
    area: 'dinero',
    pins: ['dinero.version-prefixes', 'dinero.plain-array-lists'],
    sources: ['dinero-openapi'],
    needs: ['grant'],
    steps: [
      refreshChain(),
      step(
        'list organisations under /v1.1',
        { method: 'GET', url: '{{apiUrl}}/v1.1/organizations', headers: bearer },
        [status(200), { kind: 'schema', schema: 'OrganizationListV2' }],
      ),
    ],
  },
  {
    id: 'dinero.paging.defaults',
    title: 'a contacts list without page or pageSize answers 200 with Page 0 and PageSize 100',
    area: 'dinero',
    pins: ['dinero.paging-defaults', 'dinero.list-envelope'],
    sources: ['dinero-openapi'],
    needs: ['grant', 'organisation'],
    steps: [
      refreshChain(),
      step('list contacts with no paging parameters', { method: 'GET', url: contacts, headers: bearer }, [
        status(200),
        { kind: 'schema', schema: 'DineroListEnvelope' },
        { kind: 'json-path-equals', path: 'Pagination.Page', value: 0 },
        { kind: 'json-path-equals', path: 'Pagination.PageSize', value: 100 },
        { kind: 'json-path-equals', path: 'Pagination.MaxPageSizeAllowed', value: 1000 },
      ]),
    ],
  },
])
