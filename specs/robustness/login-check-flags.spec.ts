import { format } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { runCommandLine } from '../../scripts/cli/main.ts'

/**
 * Regression: `login --check` took any id the login can pool under some flags, so a check that
 * needs --slow passed the flag parser and was skipped without a word after the person had signed
 * in. Now that is a usage error (exit 2, one `error [HARNESS_USAGE]` line and the usage line)
 * before any listener, store or browser starts. (--no-destructive leaving out a revoking check
 * it names is what that flag asks for; specs/live/login-pool.spec.ts pins it.)
 */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    stderr += `${format(...a)}\n`
  })
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  try {
    return { code: await runCommandLine(argv), stderr }
  } finally {
    error.mockRestore()
    log.mockRestore()
  }
}

describe('login --check with a check that needs --slow, without it', () => {
  const cases: [string[], RegExp][] = [
    [['login', '--check', 'connect.code.expired'], /--check connect\.code\.expired .*--slow/],
    [['login', '--no-destructive', '--check', 'connect.code.expired'], /--slow/],
  ]
  for (const [argv, pattern] of cases)
    it(`exit 2 HARNESS_USAGE before anyone signs in: ${argv.slice(1).join(' ')}`, async () => {
      const r = await run([...argv, '--no-open', '--timeout', '1'])
      expect(r.code, r.stderr).toBe(2)
      const lines = r.stderr.trimEnd().split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[0]).toMatch(/^error \[HARNESS_USAGE\]: /)
      expect(lines[0]).toMatch(pattern)
      expect(lines[1]).toMatch(/^usage: dinero-conformance login/)
    })
})
