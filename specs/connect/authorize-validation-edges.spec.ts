import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_ID, defineClient, PKCE_CLIENT_ID } from '../../mocks/options.ts'
import { authorize, authorizeParams, pkcePair, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * The authorize request checks no other spec reached (the validation.ts mutation run,
 * docs/MUTATION.md): protocol parameters sent twice (RFC 6749 §3.1), malformed redirect_uris,
 * unknown response types, code_challenge length and method bounds (RFC 7636 §4.2, §4.3), prompt
 * values, and the input length limits at their edges (duende-input-length-restrictions). Each
 * goes to the IdP error page (duende-authorize-request-validator), with its description and, once
 * the client is known, the client's id; the request's own method and media type are checked before
 * any of it.
 */
const PLAIN_CLIENT = 'isv_plain_pkce'
let target: Target
beforeAll(async () => {
  target = await startTarget('in-process', {
    clients: [
      defineClient({ clientId: DEFAULT_CLIENT_ID }),
      defineClient({ clientId: PKCE_CLIENT_ID, requirePkce: true }),
      defineClient({ clientId: PLAIN_CLIENT, allowPlainTextPkce: true }),
    ],
  })
})
afterAll(() => target.close())

interface Outcome {
  /** The error page's error code, or undefined when the request got a code. */
  error?: string | undefined
  description?: string | undefined
  /** The client id the error page names. */
  client?: string | undefined
  code?: string
}

async function outcome(params: URLSearchParams): Promise<Outcome> {
  const result = await authorize(target, params)
  if (result.fields.code !== undefined) return { code: result.fields.code }
  expect(result.reply.status).toBe(302)
  const location = new URL(result.target!)
  expect(location.pathname).toBe('/home/error')
  const page = (await target.call('connect', `${location.pathname}${location.search}`)).text
  return {
    error: /data-error="([^"]*)"/.exec(page)?.[1],
    description: /<p data-error-description>([^<]*)<\/p>/.exec(page)?.[1],
    client: /Client: <code>([^<]*)<\/code>/.exec(page)?.[1],
  }
}

/** authorizeParams with one parameter appended a second time. */
function twice(name: string, first: URLSearchParams = authorizeParams()): URLSearchParams {
  const params = new URLSearchParams(first)
  params.append(name, params.get(name) ?? 'x')
  return params
}

describe('authorize: each protocol parameter sent twice (RFC 6749 §3.1)', () => {
  const withChallenge = () => {
    const { challenge } = pkcePair()
    return authorizeParams({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce: 'n-1',
      state: 's-1',
    })
  }
  it.each([
    'client_id',
    'redirect_uri',
    'response_type',
    'response_mode',
    'scope',
    'state',
    'nonce',
    'code_challenge',
    'code_challenge_method',
  ])(
    '%s twice → error page invalid_request "Parameter included more than once: <name>", naming the client',
    async (name) => {
      expect(await outcome(twice(name, withChallenge()))).toEqual({
        error: 'invalid_request',
        description: `Parameter included more than once: ${name}`,
        client: DEFAULT_CLIENT_ID,
      })
    },
  )

  it('a parameter outside the protocol list sent twice is no error: a code', async () => {
    expect((await outcome(twice('ui_locales', authorizeParams({ ui_locales: 'da' })))).code).toBeDefined()
  })
})

describe('authorize: the client and the redirect_uri', () => {
  it('an unknown client → error page unauthorized_client "Unknown client or client not enabled", naming the id sent', async () => {
    expect(await outcome(authorizeParams({ client_id: 'isv_nobody' }))).toEqual({
      error: 'unauthorized_client',
      description: 'Unknown client or client not enabled',
      client: 'isv_nobody',
    })
  })

  it.each([
    ['empty', ''],
    ['relative', '/callback'],
    ['not a URI', 'callback'],
    ['with a fragment', `${REDIRECT_URI}#top`],
    ['over 400 characters', `http://127.0.0.1:8976/${'c'.repeat(400)}`],
  ])(
    'a redirect_uri that is %s → error page invalid_request "Invalid redirect_uri", naming the client',
    async (_what, redirectUri) => {
      expect(await outcome(authorizeParams({ redirect_uri: redirectUri }))).toEqual({
        error: 'invalid_request',
        description: 'Invalid redirect_uri',
        client: DEFAULT_CLIENT_ID,
      })
    },
  )

  it('an absolute redirect_uri that is not registered → the same error page, naming the client', async () => {
    expect(await outcome(authorizeParams({ redirect_uri: 'https://elsewhere.example/cb' }))).toEqual({
      error: 'invalid_request',
      description: 'Invalid redirect_uri',
      client: DEFAULT_CLIENT_ID,
    })
  })
})

describe('authorize: response_type and response_mode', () => {
  it('an unknown response_type → error page unsupported_response_type "Response type not supported"', async () => {
    expect(await outcome(authorizeParams({ response_type: 'code bogus' }))).toMatchObject({
      error: 'unsupported_response_type',
      description: 'Response type not supported',
    })
  })

  it.each([
    ['token', 'fragment'],
    ['token', 'form_post'],
    ['id_token', 'fragment'],
  ])(
    'response_type=%s with response_mode=%s passes the mode check: the client is refused the grant (unauthorized_client)',
    async (responseType, mode) => {
      expect(
        await outcome(authorizeParams({ response_type: responseType, response_mode: mode })),
      ).toMatchObject({
        error: 'unauthorized_client',
        description: 'Invalid grant type for client',
      })
    },
  )

  it('response_type=code with no response_mode answers in the query', async () => {
    const result = await authorize(target, authorizeParams({ response_mode: undefined }))
    expect(result.reply.status).toBe(302)
    expect(new URL(result.target!).searchParams.get('code')).toMatch(/./)
  })
})

describe('authorize: code_challenge bounds and methods (RFC 7636 §4.2, §4.3)', () => {
  const challenge = (length: number) => 'A'.repeat(length)
  it.each([
    [42, 'error'],
    [43, 'code'],
    [128, 'code'],
    [129, 'error'],
  ] as const)('a code_challenge of %i characters → %s', async (length, expected) => {
    const got = await outcome(
      authorizeParams({ code_challenge: challenge(length), code_challenge_method: 'S256' }),
    )
    if (expected === 'code') expect(got.code).toBeDefined()
    else expect(got).toMatchObject({ error: 'invalid_request', description: 'Invalid code_challenge' })
  })

  it('code_challenge_method=S512 → error page invalid_request "Transform algorithm not supported"', async () => {
    expect(
      await outcome(authorizeParams({ code_challenge: challenge(43), code_challenge_method: 'S512' })),
    ).toMatchObject({ error: 'invalid_request', description: 'Transform algorithm not supported' })
  })

  it('no code_challenge_method means plain: refused for a client not allowed plain, a code for one that is', async () => {
    const params = { code_challenge: challenge(43), code_challenge_method: undefined }
    expect(await outcome(authorizeParams(params))).toMatchObject({
      error: 'invalid_request',
      description: 'Transform algorithm not supported',
    })
    expect((await outcome(authorizeParams({ ...params, client_id: PLAIN_CLIENT }))).code).toBeDefined()
  })

  it('a PKCE client with an empty code_challenge → error page invalid_request "code challenge required"', async () => {
    expect(await outcome(authorizeParams({ client_id: PKCE_CLIENT_ID, code_challenge: '' }))).toMatchObject({
      error: 'invalid_request',
      description: 'code challenge required',
    })
  })
})

describe('authorize: scope, prompt and length limits at their edges (duende-input-length-restrictions)', () => {
  it('a scope the client may not use → error page invalid_scope "Invalid scope"', async () => {
    expect(
      await outcome(authorizeParams({ scope: 'dineropublicapi:read dineropublicapi:admin' })),
    ).toMatchObject({
      error: 'invalid_scope',
      description: 'Invalid scope',
    })
  })

  it('an identity scope without openid → error page invalid_scope naming why', async () => {
    expect(await outcome(authorizeParams({ scope: 'email dineropublicapi:read' }))).toMatchObject({
      error: 'invalid_scope',
      description: 'Identity scopes requested, but openid scope is missing',
    })
  })

  it.each(['none', 'login', 'consent', 'select_account'])(
    'prompt=%s is a known prompt (no "Unsupported prompt mode")',
    async (prompt) => {
      expect((await outcome(authorizeParams({ prompt }))).description).not.toBe('Unsupported prompt mode')
    },
  )

  it('prompt=bogus → error page invalid_request "Unsupported prompt mode"', async () => {
    expect(await outcome(authorizeParams({ prompt: 'bogus' }))).toMatchObject({
      error: 'invalid_request',
      description: 'Unsupported prompt mode',
    })
  })

  it.each([
    ['nonce', 300, 'Invalid nonce'],
    ['ui_locales', 100, 'Invalid ui_locales'],
    ['login_hint', 100, 'Invalid login_hint'],
  ] as const)(
    '%s of exactly %i characters is taken; one more → error page "%s"',
    async (name, limit, description) => {
      expect((await outcome(authorizeParams({ [name]: 'n'.repeat(limit) }))).code).toBeDefined()
      expect(await outcome(authorizeParams({ [name]: 'n'.repeat(limit + 1) }))).toMatchObject({
        error: 'invalid_request',
        description,
      })
    },
  )

  it('an empty max_age is no max_age: a code', async () => {
    expect((await outcome(authorizeParams({ max_age: '' }))).code).toBeDefined()
  })
})

describe('authorize: the request itself', () => {
  const lastError = () => target.mock.journal.entries().at(-1)?.error

  it('a POST that is not a form → 415 with no body, journalled as unsupported_media_type', async () => {
    const reply = await target.call('connect', '/connect/authorize', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(reply.status).toBe(415)
    expect(reply.text).toBe('')
    expect(lastError()).toBe('unsupported_media_type')
  })

  it('a PUT → 405 with Allow: GET, POST, journalled as method_not_allowed', async () => {
    const reply = await target.call('connect', `/connect/authorize?${authorizeParams()}`, { method: 'PUT' })
    expect(reply.status).toBe(405)
    expect(reply.headers.get('allow')).toBe('GET, POST')
    expect(lastError()).toBe('method_not_allowed')
  })

  it('the error page redirect is not cached: Cache-Control no-store', async () => {
    const result = await authorize(target, authorizeParams({ client_id: 'isv_nobody' }))
    expect(result.reply.headers.get('cache-control')).toBe('no-store')
  })
})

/** Deviation targets are served (a second in-process target would intercept the same origins). */
function deviating(
  deviation:
    | 'authorize.errors-to-client'
    | 'authorize.form-post-as-query'
    | 'authorize.redirect-unregistered-uri',
) {
  let served: Target
  beforeAll(async () => {
    served = await startTarget('served', { deviations: [deviation] })
  })
  afterAll(() => served.close())
  return () => served
}

describe('authorize under the deviations that change where the answer goes', () => {
  describe('authorize.errors-to-client', () => {
    const served = deviating('authorize.errors-to-client')
    it('an unregistered redirect_uri gets the error itself, with its description and the state', async () => {
      const result = await authorize(
        served(),
        authorizeParams({ redirect_uri: 'https://elsewhere.example/cb', state: 'st-9' }),
      )
      const location = new URL(result.target!)
      expect(location.origin + location.pathname).toBe('https://elsewhere.example/cb')
      expect(Object.fromEntries(location.searchParams)).toEqual({
        error: 'invalid_request',
        error_description: 'Invalid redirect_uri',
        state: 'st-9',
      })
    })
  })

  describe('authorize.errors-to-client, a redirect_uri that is not absolute', () => {
    const served = deviating('authorize.errors-to-client')
    it.each([['callback'], ['/callback']])(
      'redirect_uri=%s still goes to the error page: there is nowhere else to send it',
      async (redirectUri) => {
        const result = await authorize(served(), authorizeParams({ redirect_uri: redirectUri }))
        expect(new URL(result.target!).pathname).toBe('/home/error')
      },
    )
  })

  describe('authorize.redirect-unregistered-uri', () => {
    const served = deviating('authorize.redirect-unregistered-uri')
    it('an unregistered absolute redirect_uri is taken (the deviation)', async () => {
      const result = await authorize(
        served(),
        authorizeParams({ redirect_uri: 'https://elsewhere.example/cb' }),
      )
      expect(result.fields.code).toBeDefined()
    })
    it.each([
      ['empty', ''],
      ['relative', '/callback'],
      ['with a fragment', `${REDIRECT_URI}#top`],
    ])('a redirect_uri that is %s is still refused: error page', async (_what, redirectUri) => {
      const result = await authorize(served(), authorizeParams({ redirect_uri: redirectUri }))
      expect(result.fields.code).toBeUndefined()
      expect(new URL(result.target!).pathname).toBe('/home/error')
    })
  })

  describe('authorize.form-post-as-query', () => {
    const served = deviating('authorize.form-post-as-query')
    it('response_mode=form_post answers with the code in a query redirect, and the journal notes response_mode=query', async () => {
      const result = await authorize(served(), authorizeParams({ response_mode: 'form_post' }))
      expect(result.reply.status).toBe(302)
      expect(new URL(result.target!).searchParams.get('code')).toMatch(/./)
      const noted = served()
        .mock.journal.entries()
        .filter((e) => e.url.startsWith('/connect/authorize'))
        .at(-1)
      expect(noted?.details.response_mode).toBe('query')
    })
  })
})

describe('authorize: an empty code_challenge is no challenge', () => {
  it('the code it gives redeems without a code_verifier (200)', async () => {
    const { code } = await outcome(authorizeParams({ code_challenge: '' }))
    expect(code).toBeDefined()
    const reply = await token(target, {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: REDIRECT_URI,
    })
    expect(reply.status, reply.text).toBe(200)
  })
})
