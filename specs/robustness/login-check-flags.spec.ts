import { format } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { runCommandLine } from '../../scripts/cli/main.ts'

/**
 * Regression: `login --check` took any id the login can pool under some flags, so a check that
 * needs --slow (or is left out by --no-destructive) passed the flag parser and was skipped without
 * a word after the person had signed in. Now such a request is a usage error (exit 2, one
 * `error [HARNESS_USAGE]` line and the usage line) before any listener, store or browser starts.
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

describe('login --check with a check the other flags leave out', () => {
  const cases: [string[], RegExp][] = [
    [['login', '--check', 'connect.code.expired'], /--check connect\.code\.expired .*--slow/],
    [
      ['login', '--no-destructive', '--check', 'connect.refresh.revoke-all'],
      /--check connect\.refresh\.revoke-all .*--no-destructive/,
    ],
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
