import { afterEach, describe, expect, it, vi } from 'vitest'
import { report } from '../../scripts/cli/exit.ts'
import { exitCodeOf, HarnessError } from '../../scripts/errors.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'

/** A failure the harness has no code for still ends as one coded line, exit 2 (1 means failed checks). */
afterEach(() => {
  vi.restoreAllMocks()
})

describe('errors without a harness code', () => {
  it('a plain Error (EEXIST from the file system) → one line "error [HARNESS_INTERNAL]: …", exit 2, control characters removed, secrets redacted', () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => {
      lines.push(line)
    })
    const secrets = new SecretSet()
    const token = 'ABCDEF0123456789ABCDEF0123456789'
    secrets.add(token)
    const e = Object.assign(new Error(`EEXIST: file already exists, mkdir '/tmp/x'\n\u001b[31m${token}`), {
      code: 'EEXIST',
    })
    expect(report(e, secrets)).toBe(2)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^error \[HARNESS_INTERNAL\]: EEXIST: file already exists, mkdir '\/tmp\/x'/)
    expect(lines[0]).not.toContain(token)
    expect(lines[0]).not.toContain('\u001b')
    expect(lines[0]).not.toContain('\n')
    expect(exitCodeOf('a thrown string')).toBe(2)
  })

  it('a HarnessError keeps its own code and exit code (HARNESS_SECRET_LEAK → 1)', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(report(new HarnessError('HARNESS_SECRET_LEAK', 'x'), new SecretSet())).toBe(1)
    expect(report(new HarnessError('HARNESS_CONFIG_INVALID', 'x'), new SecretSet())).toBe(2)
  })
})
