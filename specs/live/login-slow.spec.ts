import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { liveByDefault, runsInLogin } from '../../collections/model/types.ts'
import { login } from '../../scripts/commands/login.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'
import { browse } from './support/browser.ts'
import { type LiveMock, liveEnv, runInWorker, startLiveMock, tempDir, testDir } from './support/harness.ts'

/**
 * `login --slow`: the code-expiry check (connect.code.expired) gets a pooled code and redeems it
 * once it is older than its 300 s lifetime (duende-client-defaults), which must answer
 * invalid_grant. A spec cannot wait 300 s, so login runs in-process here with its wait injected:
 * the wait login asks for (the real one, about 301 s less the time since the code was issued)
 * moves the served mock's clock instead.
 */
const EXPIRED = 'connect.code.expired'
const SLOW = { timeout: 150_000 }

let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(async () => {
  await live.close()
})

describe('login --slow: the code-expiry check on a pooled code', () => {
  it('only --slow runs it: it is not live with default flags, and login --slow pools a code for it', () => {
    const check = catalogue.find((c) => c.id === EXPIRED)!
    expect(check.needs).toContain('slow')
    expect(liveByDefault(check)).toBe(false)
    expect(runsInLogin(check)).toBe(false)
    expect(runsInLogin(check, true, true)).toBe(true)
  })

  it(
    'with --slow, login waits until the pooled code is 301 s old, redeems it and gets 400 invalid_grant (check passes)',
    SLOW,
    async () => {
      const { dir, cleanup } = tempDir('login-slow')
      const lines: string[] = []
      let link: (url: string) => void = () => {}
      const linked = new Promise<string>((resolve) => {
        link = resolve
      })
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        const line = args.map(String).join(' ')
        lines.push(line)
        const m = /^\s+(http\S+\/connect\/authorize\?\S+)$/.exec(line)
        if (m) link(m[1]!)
      })
      const waits: number[] = []
      try {
        const env = liveEnv(dir, { DINERO_REDIRECT_URI: live.redirectUri })
        const run = login(
          {
            config: { connectUrl: live.origin, apiUrl: live.origin, organizationId: '118244' },
            open: false,
            destructive: false,
            timeoutSeconds: 60,
            slow: true,
            codeAgeSeconds: 301,
            // The expiry check alone (and the sign-in's own): what this pins is the wait.
            checks: [EXPIRED],
            wait: async (ms) => {
              waits.push(ms)
              live.mock.control.advanceClock(Math.ceil(ms / 1000))
            },
          },
          { env, secrets: new SecretSet(), stdin: process.stdin, ownsProcess: false },
        )
        const browsed = await browse(await linked, live.origin)
        const code = await run
        const out = lines.join('\n')
        expect(code, out).toBe(0)
        expect(browsed.finalText).toContain('Login received')
        expect(out).toContain(`✓ ${EXPIRED}: `)
        expect(out).toMatch(
          new RegExp(`waiting \\d+\\.\\d s until the pooled code of ${EXPIRED} is 301 s old`),
        )
        // One wait, of the real length: 301 s less what login did meanwhile (seconds here).
        expect(waits).toHaveLength(1)
        expect(waits[0]).toBeGreaterThan(240_000)
        expect(waits[0]).toBeLessThanOrEqual(301_000)
        // The mock saw the late redemption refused.
        const late = live.mock.journal
          .entries({ path: '/connect/token' })
          .filter((e) => e.details.grant_type === 'authorization_code' && e.error === 'invalid_grant')
        expect(late.length).toBeGreaterThan(0)
      } finally {
        log.mockRestore()
        live.mock.control.advanceClock(-Math.ceil((waits[0] ?? 0) / 1000))
        cleanup()
      }
    },
  )

  it('`login --code-age` outside 0–3600 exits 2 with HARNESS_USAGE before anything starts', async ({
    onTestFinished,
  }) => {
    const dir = testDir('login-slow-usage', onTestFinished)
    const r = await runInWorker(['login', '--slow', '--code-age', '4000'], liveEnv(dir))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error \[HARNESS_USAGE\]: .*--code-age/)
  })
})
