import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { HarnessError } from '../../scripts/errors.ts'
import { compareShapes } from '../../scripts/live/drift/compare.ts'
import { readRecording } from '../../scripts/live/drift/record.ts'
import { replayOnMock } from '../../scripts/live/drift/replay.ts'
import { measureDrift } from '../../scripts/live/drift/report.ts'
import { shapeOf } from '../../scripts/live/drift/shape.ts'

/**
 * Drift shapes (scripts/live/drift/): what an answer's shape keeps and what it leaves out, the
 * comparison's aspects, and a contributed recording (specs/live/fixtures/) that the mock must
 * still answer shape for shape.
 */
function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof HarnessError ? e.code : 'not a HarnessError'
  }
  return undefined
}

const FIXTURE = new URL('./fixtures/drift-mock.json', import.meta.url).pathname

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwZXJzb24tNDIifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ'
const tokenAnswer = {
  status: 200,
  headers: {
    'Content-Type': 'application/json; charset=UTF-8',
    'Cache-Control': 'no-store, no-cache, max-age=0',
    Pragma: 'no-cache',
    'Set-Cookie': `session=${TOKEN}`,
  },
  text: JSON.stringify({
    access_token: TOKEN,
    refresh_token: 'F0E1D2C3B4A5968778695A4B3C2D1E0F',
    token_type: 'Bearer',
    expires_in: 3600,
    scope: 'dineropublicapi:read offline_access',
  }),
}

describe('an answer’s shape', () => {
  it('keeps key names, types and length buckets of a token response, and no value of it', () => {
    const shape = shapeOf(tokenAnswer)
    expect(shape.status).toBe(200)
    expect(shape.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'max-age=0, no-cache, no-store',
      pragma: 'no-cache',
    })
    expect(shape.body).toEqual({
      kind: 'json',
      value: {
        type: 'object',
        keys: {
          access_token: { type: 'string', length: '65–512' },
          refresh_token: { type: 'string', length: '17–64' },
          token_type: { type: 'string', length: '1–16' },
          expires_in: { type: 'number' },
          scope: { type: 'string', length: '17–64' },
        },
      },
    })
    const text = JSON.stringify(shape)
    for (const value of [TOKEN, 'F0E1D2C3B4A5968778695A4B3C2D1E0F', 'Bearer', 'dineropublicapi', '3600'])
      expect(text).not.toContain(value)
  })

  it('keeps error codes (RFC 6749 §5.2 error, the Dinero code) but not descriptions, ids or names', () => {
    const shape = shapeOf({
      status: 400,
      headers: {},
      text: JSON.stringify({
        error: 'invalid_grant',
        error_description: 'token F0E1D2C3B4A5968778695A4B3C2D1E0F was revoked',
        code: 40,
        validationErrors: [{ code: 'Required', name: 'Jens Jensen' }],
        items: [{ Id: 1 }, { Id: 2 }, { Id: 3 }],
      }),
    })
    expect(shape.codes).toEqual({
      '$.error': 'invalid_grant',
      '$.code': 40,
      '$.validationErrors[].code': 'Required',
    })
    expect(JSON.stringify(shape)).not.toMatch(/F0E1D2|Jens|revoked/)
    expect(
      shape.body.kind === 'json' && shape.body.value.type === 'object' && shape.body.value.keys.items,
    ).toEqual({
      type: 'array',
      length: '2–10',
      items: { type: 'object', keys: { Id: { type: 'number' } } },
    })
  })

  it('keeps a Location’s origin and path only, the run’s own addresses and ids as placeholders; a challenge’s scheme, parameter names and error code', () => {
    const places = { connectUrl: 'https://connect.visma.com', redirectUri: 'http://127.0.0.1:8976/callback' }
    const shape = shapeOf(
      {
        status: 302,
        headers: {
          location: `http://127.0.0.1:8976/callback?code=${TOKEN}&state=abc`,
          'www-authenticate':
            'Bearer realm="dinero", error="invalid_token", error_description="expired at 12:00"',
          'retry-after': '30',
          'x-ratelimit-remaining': '0',
        },
        text: '',
      },
      places,
    )
    expect(shape.headers).toEqual({
      location: '{redirectUri}',
      'www-authenticate': 'Bearer error="invalid_token", error_description, realm',
      'retry-after': 'delta-seconds',
      'x-ratelimit-remaining': 'number',
    })
    expect(
      shapeOf(
        {
          status: 302,
          headers: {
            location: 'https://connect.visma.com/v1/118244/invoices/3f2c8a1e-1111-4222-8333-944455556666',
          },
          text: '',
        },
        places,
      ).headers.location,
    ).toBe('{connectUrl}/v1/{id}/invoices/{id}')
  })
})

describe('an answer keyed by ids', () => {
  it('keeps an id-like key name (digits, a GUID, a hex handle) as {id}, never the id itself; a long property name stays', () => {
    const shape = shapeOf({
      status: 200,
      headers: {},
      text: JSON.stringify({
        '118244': { Name: 'x' },
        '3f2c8a1e-1111-4222-8333-944455556666': { Name: 'y' },
        F0E1D2C3B4A5968778695A4B3C2D1E0F: { Name: 'w' },
        Name: 'z',
        token_endpoint_auth_methods_supported: true,
      }),
    })
    const text = JSON.stringify(shape)
    expect(text).not.toMatch(/118244|3f2c8a1e|F0E1D2/)
    expect(shape.body).toEqual({
      kind: 'json',
      value: {
        type: 'object',
        keys: {
          '{id}': { type: 'object', keys: { Name: { type: 'string', length: '1–16' } } },
          Name: { type: 'string', length: '1–16' },
          token_endpoint_auth_methods_supported: { type: 'boolean' },
        },
      },
    })
  })
})

describe('shape against shape', () => {
  const base = shapeOf(tokenAnswer)
  it('reports a status, a header, a key’s casing, a type and a code as their own aspects', () => {
    const other = shapeOf({
      status: 401,
      headers: { 'content-type': 'application/json' },
      text: JSON.stringify({
        Access_token: TOKEN,
        refresh_token: 1,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'x',
        error: 'invalid_client',
      }),
    })
    const aspects = compareShapes(other, base).map((d) => `${d.aspect} ${d.live} | ${d.mock}`)
    expect(aspects).toEqual([
      'status 401 | 200',
      'header cache-control: (absent) | cache-control: max-age=0, no-cache, no-store',
      'header content-type: application/json | content-type: application/json; charset=utf-8',
      'header pragma: (absent) | pragma: no-cache',
      'key $.Access_token: present | $.Access_token: absent',
      'type $.refresh_token: number | $.refresh_token: string',
      'key $.error: present | $.error: absent',
      'key $.access_token: absent | $.access_token: present',
      'code $.error: invalid_client | $.error: (absent)',
    ])
  })

  it('finds no difference between an answer and itself, whatever its token lengths', () => {
    const longer = shapeOf({ ...tokenAnswer, text: tokenAnswer.text.replace(TOKEN, TOKEN.repeat(8)) })
    expect(compareShapes(longer, base)).toEqual([])
  })
})

describe('a contributed drift recording (specs/live/fixtures/drift-mock.json)', () => {
  it('loads, names only catalogue checks, and the mock still answers every recorded step with the recorded shape', async () => {
    const recording = readRecording(FIXTURE)
    expect(recording.steps.length).toBeGreaterThan(0)
    for (const s of recording.steps) expect(catalogue.map((c) => c.id)).toContain(s.check)
    const drift = measureDrift(recording.steps, await replayOnMock(recording.steps))
    expect(drift.entries).toEqual([])
    expect(drift.compared).toBe(recording.steps.length)
  })

  it('a file that is not a recording is refused with HARNESS_CONFIG_INVALID', () => {
    expect(errorCodeOf(() => readRecording(new URL('../../package.json', import.meta.url).pathname))).toBe(
      'HARNESS_CONFIG_INVALID',
    )
    expect(readFileSync(FIXTURE, 'utf8')).toContain('dinero-conformance/drift-shapes@1')
  })
})
