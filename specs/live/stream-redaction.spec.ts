import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineClient } from '../../mocks/options.ts'
import {
  freePort,
  LIVE_CLIENT_ID,
  LIVE_CLIENT_SECRET,
  type LiveMock,
  liveEnv,
  runCli,
  runInWorker,
  seedGrant,
  startLiveMock,
  tempDir,
  testDir,
} from './support/harness.ts'
import { startLoginProcess } from './support/process.ts'

/**
 * The last line of defence for what a command prints: a `live` or `login` that is the whole
 * process routes the process's stdout and stderr through its secret set (scripts/live/secrets.ts
 * installConsoleRedaction), so a secret in any printed text is redacted even where the line was
 * not. The live specs run most commands inside their worker (specs/live/support/process.ts),
 * where that layer is off by design; this spec pins it on real processes. The secret travels in
 * printed text a user controls: the reports path for `live`, the redirect URI for `login`.
 */
let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(() => live.close())

describe('stream-level redaction and signal exit of a command that owns its process', () => {
  it('live as a process: a client secret inside the reports path is printed [redacted]; run inside a worker, the same line shows it and the worker’s stdout is left unwrapped', {
    timeout: 60_000,
  }, async ({ onTestFinished }) => {
    const dir = testDir('stream-redaction', onTestFinished)
    const env = liveEnv(dir, { DINERO_CONNECT_URL: live.origin, DINERO_API_URL: live.origin })
    await seedGrant(live, env.DINERO_TOKEN_STORE!)
    const run = (reports: string) => [
      'live',
      '--check',
      'connect.discovery.metadata',
      '--no-allure',
      '--reports',
      join(dir, LIVE_CLIENT_SECRET, reports),
    ]
    const child = await runCli('scripts/cli.ts', run('process'), env)
    expect(child.code, child.stderr).toBe(0)
    expect(child.stdout).toMatch(/^Allure results: .*\/\[redacted\]\/process\/allure-results-live /m)
    expect(child.stdout + child.stderr).not.toContain(LIVE_CLIENT_SECRET)

    const write = process.stdout.write
    const here = await runInWorker(run('worker'), env)
    expect(here.code, here.stderr).toBe(0)
    expect(here.stdout).toContain(`/${LIVE_CLIENT_SECRET}/worker/allure-results-live `)
    expect(process.stdout.write).toBe(write)
  })

  it('login as a process: a client secret inside the redirect URI is printed [redacted] in the authorize link and the wait line; SIGTERM ends it with exit 130', {
    timeout: 60_000,
  }, async ({ onTestFinished }) => {
    const { dir, cleanup } = tempDir('stream-redaction-login')
    // A stand-in with that redirect URI registered, so login waits for the person.
    const redirect = `http://127.0.0.1:${await freePort()}/cb/${LIVE_CLIENT_SECRET}`
    const own = await startLiveMock({
      clients: [defineClient({ clientId: LIVE_CLIENT_ID, redirectUris: [redirect] })],
    })
    try {
      const env = liveEnv(dir, { DINERO_REDIRECT_URI: redirect })
      const { p, link } = await startLoginProcess(own.origin, dir, env)
      onTestFinished(() => p.stop())
      await p.waitFor(/^Waiting for the answer on /m)
      p.child.kill('SIGTERM')
      expect(await p.exited).toEqual({ code: 130, signal: null })
      expect(link).toContain('%2Fcb%2F[redacted]')
      expect(p.stdout()).toMatch(/^Waiting for the answer on http:\/\/127\.0\.0\.1:\d+\/cb\/\[redacted\] /m)
      expect(p.stdout() + p.stderr()).not.toContain(LIVE_CLIENT_SECRET)
    } finally {
      await own.close()
      cleanup()
    }
  })
})
