import { describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { mockSteps, type Step } from '../../collections/model/types.ts'

/**
 * The real client secret leaves the harness only where RFC 6749 §2.3.1 puts it: the form body of a
 * POST to the token endpoint (client_secret_post) or a Basic header computed from it
 * (client_secret_basic). Never in a query string (URLs land in logs), a JSON or multipart body, or
 * any other header — a check that needs a secret there to test a refusal sends a fake one.
 */
const SECRET = '{{clientSecret}}'
const TOKEN_ENDPOINT = '{{connectUrl}}/connect/token'

/** Where in a step the secret template appears, outside the two permitted places. */
function misplaced(step: Step): string[] {
  const where: string[] = []
  const { request } = step
  const has = (v: unknown) => JSON.stringify(v ?? null).includes(SECRET)
  const tokenPost = request.method === 'POST' && request.url === TOKEN_ENDPOINT
  if (request.url.includes(SECRET)) where.push('url')
  if (has(request.query)) where.push('query')
  if (has(request.json)) where.push('json body')
  if (has(request.raw)) where.push('raw body')
  if (has(request.form) && !tokenPost) where.push(`form body of ${request.method} ${request.url}`)
  const basicVars = new Set(
    (step.compute ?? []).filter((c) => c.fn === 'basic' && c.secret === SECRET).map((c) => c.set),
  )
  for (const c of step.compute ?? [])
    if (has(c) && !(c.fn === 'basic' && c.secret === SECRET)) where.push(`compute ${c.set}`)
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const basic = name.toLowerCase() === 'authorization' && [...basicVars].some((v) => value === `{{${v}}}`)
    if (
      value.includes(SECRET) ||
      (basicVars.size > 0 && !basic && [...basicVars].some((v) => value.includes(`{{${v}}}`)))
    )
      where.push(`header ${name}`)
  }
  if (basicVars.size > 0 && !tokenPost)
    where.push(`Basic credentials sent to ${request.method} ${request.url}`)
  return where
}

describe('the client secret in the catalogue (RFC 6749 §2.3.1)', () => {
  it('no request puts {{clientSecret}} anywhere but a token-endpoint form body or a Basic header', () => {
    const found = catalogue.flatMap((check) =>
      mockSteps(check).flatMap((step) =>
        misplaced(step).map((where) => `${check.id} · ${step.name}: ${where}`),
      ),
    )
    expect(found).toEqual([])
  })

  it('connect.token.get-rejected sends a fake secret in its query, never the client’s', () => {
    const check = catalogue.find((c) => c.id === 'connect.token.get-rejected')
    const query = check?.steps[0]?.request.query ?? {}
    expect(query.client_secret).toBeDefined()
    expect(query.client_secret).not.toContain('{{')
  })

  it('the rule can fail: a secret in a query string is reported', () => {
    const step: Step = {
      name: 'leaky',
      request: { method: 'GET', url: TOKEN_ENDPOINT, query: { client_secret: SECRET } },
      expect: [],
    }
    expect(misplaced(step)).toEqual(['query'])
  })
})
