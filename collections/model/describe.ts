import type { Assertion } from './types.ts'

/**
 * The name of an assertion: the `pm.test` name in the collection and the failure label in
 * vitest, so a verdict reads the same in both runners.
 */
export function describeAssertion(a: Assertion): string {
  switch (a.kind) {
    case 'status':
      return `status is ${a.equals}`
    case 'status-in':
      return `status is one of ${a.values.join(', ')}`
    case 'header':
      return `header ${a.name} is "${a.equals}"`
    case 'header-matches':
      return `header ${a.name} matches /${a.pattern}/`
    case 'header-absent':
      return `header ${a.name} is absent`
    case 'body-equals':
      return `body is exactly ${a.text}`
    case 'json-equals':
      return `JSON body equals ${JSON.stringify(a.value)}`
    case 'json-path-equals':
      return `JSON ${a.path} equals ${JSON.stringify(a.value)}`
    case 'json-path-matches':
      return `JSON ${a.path} matches /${a.pattern}/`
    case 'json-path-not-equals-var':
      return `JSON ${a.path} differs from {{${a.variable}}}`
    case 'json-path-absent':
      return `JSON ${a.path} is absent`
    case 'json-keys':
      return `JSON ${a.path || 'body'} has exactly the keys ${a.keys.join(', ')}`
    case 'json-array-length-between':
      return `JSON ${a.path || 'body'} is an array of ${a.min}–${a.max} items`
    case 'schema':
      return `body matches the ${a.schema} schema`
    case 'location-origin-path':
      return `redirects to ${a.equals}`
    case 'location-param':
      return `redirect carries ${a.name}=${a.equals}`
    case 'location-param-absent':
      return `redirect carries no ${a.name}`
    case 'location-param-matches':
      return `redirect ${a.name} matches /${a.pattern}/`
    case 'form-post-field':
      return `form_post field ${a.name} is ${a.equals}`
    case 'form-post-field-matches':
      return `form_post field ${a.name} matches /${a.pattern}/`
    case 'body-contains':
      return `body contains ${JSON.stringify(a.text)}`
    case 'jwt-header':
      return `JWT ${a.path} header ${a.name} is ${a.equals}`
    case 'jwt-claim':
      return `JWT ${a.path} claim ${a.name} equals ${JSON.stringify(a.equals)}`
    case 'jwt-claim-var':
      return `JWT ${a.path} claim ${a.name} equals {{${a.variable}}}`
  }
}
