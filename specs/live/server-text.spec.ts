import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SERVER_TEXT_MAX, serverText } from '../../scripts/errors.ts'
import { exchangeCode } from '../../scripts/live/code-pool.ts'
import { loadConfig } from '../../scripts/live/config.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'
import { TokenStore } from '../../scripts/live/token-store.ts'
import { LIVE_CLIENT_ID, LIVE_CLIENT_SECRET, liveEnv, runInWorker, testDir } from './support/harness.ts'

/**
 * A token endpoint that answers an error echoing what it was sent (the refresh token, the code,
 * the client secret) wrapped in ANSI escapes: the one error line names the status but carries
 * neither a secret nor a control character (house rule: secrets never reach logs).
 */
const ESC = '\u001b'
const ANSI = `${ESC}[31m${ESC}]0;owned${ESC}\\`

let server: Server
let origin: string
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c
    })
    req.on('end', () => {
      const form = new URLSearchParams(body)
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          error: `${ANSI}bad ${form.get('refresh_token') ?? form.get('code')} secret=${form.get('client_secret')}\r${ESC}[0m`,
        }),
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('server text in error lines', () => {
  it('live: a refresh refused with an error that echoes the refresh token in ANSI escapes → HARNESS_REFRESH_FAILED, exit 2, stderr with neither the token nor an escape', async ({
    onTestFinished,
  }) => {
    const dir = testDir('server-text', onTestFinished)
    const env = liveEnv(dir, { DINERO_CONNECT_URL: origin, DINERO_API_URL: origin })
    const refreshToken = randomBytes(32).toString('hex').toUpperCase()
    const store = TokenStore.open(env.DINERO_TOKEN_STORE!)
    try {
      store.saveNew({
        issuer: origin,
        clientId: LIVE_CLIENT_ID,
        answer: { refresh_token: refreshToken, access_token: randomBytes(32).toString('hex') },
        lifetimeDays: 30,
      })
    } finally {
      store.release()
    }
    const r = await runInWorker(['live', '--reports', join(dir, 'reports')], env)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/^error \[HARNESS_REFRESH_FAILED\]: the refresh was refused: 400 /m)
    const out = r.stdout + r.stderr
    expect(out).not.toContain(refreshToken)
    expect(out).not.toContain(refreshToken.slice(0, 16))
    expect(out).not.toContain(LIVE_CLIENT_SECRET)
    expect(out).not.toContain(ESC)
    expect(out).not.toContain('\r')
  }, 60_000)

  it('login: a code exchange refused with an error that echoes the code in ANSI escapes → HARNESS_CODE_EXCHANGE_FAILED whose message holds neither once redacted', async () => {
    const config = loadConfig(
      { connectUrl: origin, apiUrl: origin },
      {
        env: {
          DINERO_CLIENT_ID: LIVE_CLIENT_ID,
          DINERO_CLIENT_SECRET: LIVE_CLIENT_SECRET,
          DINERO_ENV_FILE: '/nonexistent',
        },
      },
    )
    const secrets = new SecretSet()
    const code = randomBytes(32).toString('hex').toUpperCase()
    const e = await exchangeCode(config, code, {}, secrets).catch((x: unknown) => x as Error)
    expect(e).toMatchObject({ code: 'HARNESS_CODE_EXCHANGE_FAILED' })
    const line = secrets.redact((e as Error).message)
    expect(line).toMatch(/^the code exchange answered 400 /)
    expect(line).not.toContain(code)
    expect(line).not.toContain(ESC)
  })

  it(`serverText strips control characters and ANSI sequences and caps the text at ${SERVER_TEXT_MAX} characters`, () => {
    expect(serverText(`${ESC}[1;31mred${ESC}[0m\u0007 ok\r\nnext`)).toBe('red oknext')
    const long = serverText('x'.repeat(10_000))
    expect(long.length).toBe(SERVER_TEXT_MAX + 1)
    expect(long.endsWith('…')).toBe(true)
  })
})
