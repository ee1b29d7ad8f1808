import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { HARNESS_CODES } from '../../scripts/errors.ts'

/**
 * Every HARNESS_* code is documented once in docs/ERRORS.md with the exit code the CLI really
 * ends with, and the table documents no code the harness does not have.
 */
const table = readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8')
const rows = [...table.matchAll(/^\| `(HARNESS_[A-Z_]+)` \|[^|]+\| (\d) \|[^|]+\|$/gm)].map((m) => ({
  code: m[1]!,
  exit: Number(m[2]),
}))

describe('docs/ERRORS.md and scripts/errors.ts', () => {
  it('list the same codes, each once', () => {
    const documented = rows.map((r) => r.code)
    expect(new Set(documented).size).toBe(documented.length)
    expect([...documented].sort()).toEqual(Object.keys(HARNESS_CODES).sort())
  })

  it('give each code the same exit code', () => {
    for (const { code, exit } of rows)
      expect([code, exit]).toEqual([code, HARNESS_CODES[code as keyof typeof HARNESS_CODES]])
  })

  it('every HARNESS_ code literal in scripts/, collections/ and mocks/ is a member of the closed list', async () => {
    const { readdirSync } = await import('node:fs')
    const root = new URL('../../', import.meta.url).pathname
    const seen = new Set<string>()
    for (const dir of ['scripts', 'collections', 'mocks'])
      for (const e of readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })) {
        if (!e.isFile() || !e.name.endsWith('.ts')) continue
        const text = readFileSync(`${e.parentPath}/${e.name}`, 'utf8')
        for (const m of text.matchAll(/'(HARNESS_[A-Z_]+)'/g)) seen.add(m[1]!)
      }
    expect([...seen].filter((c) => !(c in HARNESS_CODES))).toEqual([])
  })
})
