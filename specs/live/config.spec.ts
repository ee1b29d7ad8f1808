import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HarnessError } from '../../scripts/errors.ts'
import { listenForCallback, loopbackTarget } from '../../scripts/live/callback-server.ts'
import { loadConfig } from '../../scripts/live/config.ts'
import { freePort, tempDir } from './support/process.ts'

/** Live configuration (flags > environment > .env > defaults) and the loopback callback listener. */
const tmp = tempDir('live-config')
afterAll(() => tmp.cleanup())

describe('live configuration', () => {
  it('flags win over the environment, which wins over .env, which wins over defaults', () => {
    const envFile = join(tmp.dir, 'test.env')
    writeFileSync(
      envFile,
      [
        'DINERO_CLIENT_ID=isv_from_dotenv',
        'DINERO_CLIENT_SECRET="dotenv secret"',
        'DINERO_API_URL=https://api.dotenv.example',
        'DINERO_CONNECT_URL=https://connect.dotenv.example',
        'DINERO_TEST_ORGANIZATIONS= 1, 2 ,',
      ].join('\n'),
    )
    const env = {
      DINERO_ENV_FILE: envFile,
      DINERO_CLIENT_ID: 'isv_from_env',
      DINERO_CONNECT_URL: 'https://connect.env.example/',
      XDG_CONFIG_HOME: join(tmp.dir, 'xdg'),
    }
    const c = loadConfig(
      { connectUrl: 'http://127.0.0.1:4010' },
      { env, require: ['clientId', 'clientSecret'] },
    )
    expect(c.clientId).toBe('isv_from_env')
    expect(c.clientSecret).toBe('dotenv secret')
    expect(c.connectUrl).toBe('http://127.0.0.1:4010')
    expect(c.apiUrl).toBe('https://api.dotenv.example')
    expect(c.testOrganizations).toEqual(['1', '2'])
    expect(c.redirectUri).toBe('http://127.0.0.1:8976/callback')
    expect(c.scopes).toBe('dineropublicapi:read dineropublicapi:write offline_access')
    expect(c.tokenStore).toBe(join(tmp.dir, 'xdg', 'dinero-conformance', 'tokens.json'))
    expect(c.refreshGraceSeconds).toBe(0)
    // dotenv semantics: a variable set in the real environment (even empty) is never filled from .env.
    expect(loadConfig({}, { env: { ...env, DINERO_CONNECT_URL: '' } }).connectUrl).toBe(
      'https://connect.visma.com',
    )
    expect(loadConfig({}, { env: { DINERO_ENV_FILE: envFile } }).connectUrl).toBe(
      'https://connect.dotenv.example',
    )
  })

  it('missing required variables → HARNESS_CONFIG_MISSING naming them; a grace window over 60 s → HARNESS_CONFIG_INVALID', () => {
    const env = { DINERO_ENV_FILE: join(tmp.dir, 'absent.env') }
    const err = (() => {
      try {
        loadConfig({}, { env, require: ['clientId', 'clientSecret'] })
      } catch (e) {
        return e as HarnessError
      }
    })()
    expect(err).toBeInstanceOf(HarnessError)
    expect(err?.code).toBe('HARNESS_CONFIG_MISSING')
    expect(err?.message).toMatch(/DINERO_CLIENT_ID, DINERO_CLIENT_SECRET/)
    expect(() => loadConfig({}, { env: { ...env, DINERO_REFRESH_GRACE_SECONDS: '90' } })).toThrow(
      /DINERO_REFRESH_GRACE_SECONDS/,
    )
  })
})

describe('loopback callback listener', () => {
  it('only a loopback http redirect_uri is accepted', () => {
    expect(loopbackTarget('http://localhost:8976/callback')).toEqual({
      host: '127.0.0.1',
      port: 8976,
      path: '/callback',
    })
    for (const uri of [
      'https://127.0.0.1:8976/callback',
      'http://example.com/callback',
      'http://10.0.0.1/cb',
    ])
      expect(() => loopbackTarget(uri)).toThrow(HarnessError)
  })

  it('accepts query mode as well as form_post, after refusing a wrong state', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`
    const ignored: string[] = []
    const server = await listenForCallback({
      redirectUri,
      state: 'the-state',
      onIgnored: (w) => ignored.push(w),
    })
    try {
      const wrong = await fetch(`${redirectUri}?code=C1&state=other`)
      expect(wrong.status).toBe(400)
      const right = await fetch(`${redirectUri}?code=C2&state=the-state&iss=https%3A%2F%2Fc`)
      expect(right.status).toBe(200)
      expect(await server.result).toEqual({ code: 'C2', iss: 'https://c' })
      expect(ignored).toEqual(['wrong state'])
    } finally {
      await server.close()
    }
  })

  it('error=access_denied with the right state ends the wait with HARNESS_AUTHORIZE_FAILED', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`
    const server = await listenForCallback({ redirectUri, state: 's' })
    const outcome = server.result.catch((e: HarnessError) => e.code)
    try {
      await fetch(redirectUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'error=access_denied&state=s',
      })
      expect(await outcome).toBe('HARNESS_AUTHORIZE_FAILED')
    } finally {
      await server.close()
    }
  })
})

describe('live origins and transport security', () => {
  const env = { DINERO_ENV_FILE: join(tmp.dir, 'absent.env') }
  const code = (flags: { connectUrl?: string; apiUrl?: string }) => {
    try {
      loadConfig(flags, { env })
      return 'ok'
    } catch (e) {
      return (e as HarnessError).code
    }
  }

  it('a plain http Connect or API URL on a non-loopback host → HARNESS_CONFIG_INVALID (the client secret and tokens would travel in clear text)', () => {
    for (const url of [
      'http://connect.visma.com',
      'http://10.0.0.1:4010',
      'http://[::2]:4010',
      'http://128.0.0.1',
      'http://localhost.example.com',
    ])
      for (const flags of [{ connectUrl: url }, { apiUrl: url }])
        expect(code(flags), url).toBe('HARNESS_CONFIG_INVALID')
    const e = (() => {
      try {
        loadConfig({ apiUrl: 'http://api.dinero.dk' }, { env })
      } catch (x) {
        return x as HarnessError
      }
    })()
    expect(e?.message).toMatch(/^API URL must be https: unless it is loopback/)
  })

  it('a Connect or API URL with a user name or password → HARNESS_CONFIG_INVALID naming the host, never the password (it was printed in the banner, errors and live-summary.md)', () => {
    for (const url of [
      'https://alice:S3cretPassw0rd1234@api.example.invalid',
      'https://alice@api.example.invalid',
      'http://:S3cretPassw0rd1234@127.0.0.1:4010',
    ])
      for (const flags of [{ connectUrl: url }, { apiUrl: url }]) {
        let error: HarnessError | undefined
        try {
          loadConfig(flags, { env })
        } catch (x) {
          error = x as HarnessError
        }
        expect(error?.code, url).toBe('HARNESS_CONFIG_INVALID')
        expect(error?.message).toMatch(/must not carry a user name or password/)
        expect(error?.message).not.toContain('S3cretPassw0rd1234')
      }
    // Not a URL at all (a port out of range, a space): the refusal still leaves the password out.
    for (const url of [
      'https://alice:S3cretPassw0rd1234@connect.example.com:99999',
      'https://alice:S3cretPassw0rd1234@conn ect.example.com',
      'https://alice:S3cret/Passw0rd1234@connect.example.com:99999',
    ]) {
      let error: HarnessError | undefined
      try {
        loadConfig({ connectUrl: url }, { env })
      } catch (x) {
        error = x as HarnessError
      }
      expect(error?.message, url).toMatch(/is not a URL: https:\/\/…@/)
      expect(error?.message).not.toMatch(/S3cret|Passw0rd1234/)
    }
  })

  it('http on a loopback host (127.0.0.0/8, ::1, localhost) and https anywhere are accepted', () => {
    for (const url of [
      'http://127.0.0.1:4010',
      'http://127.255.0.9',
      'http://[::1]:4010',
      'http://localhost:4010',
      'http://LOCALHOST',
      'https://connect.visma.com',
      'https://10.0.0.1',
    ])
      expect(code({ connectUrl: url, apiUrl: url }), url).toBe('ok')
  })
})
