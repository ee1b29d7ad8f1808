import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Only scripts/env.ts reads `process.env`; everything else under scripts/, collections/ and
 * mocks/ receives the environment it needs (examples/ are separate apps with their own).
 */
const ROOT = new URL('../../', import.meta.url).pathname

describe('the environment is read in one place', () => {
  it('no file under scripts/, collections/ or mocks/ but scripts/env.ts mentions process.env', () => {
    const readers: string[] = []
    for (const dir of ['scripts', 'collections', 'mocks'])
      for (const e of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
        if (!e.isFile() || !/\.(ts|js|mjs|cjs)$/.test(e.name)) continue
        const path = join(e.parentPath, e.name)
        if (/process\s*\.\s*env|process\[['"]env['"]\]/.test(readFileSync(path, 'utf8')))
          readers.push(relative(ROOT, path))
      }
    expect(readers).toEqual(['scripts/env.ts'])
  })
})
