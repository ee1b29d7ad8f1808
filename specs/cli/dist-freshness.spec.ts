import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BUILD_STAMP, BUILT_CLI, distIsFresh } from '../../scripts/dist-freshness.ts'

/**
 * Specs run the built CLI only when dist/ is fresh (specs/support/cli-child.ts), and npm test's
 * pretest rebuilds it otherwise: a wrong "fresh" would test stale code, a crash would stop npm test.
 */
let root: string
const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds)
const stamp = (content: string) => writeFileSync(join(root, BUILD_STAMP), content)

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dist-freshness-'))
  for (const dir of [
    'mocks',
    'collections',
    'scripts',
    'dist/scripts',
    'node_modules/.cache/dinero-conformance',
  ])
    mkdirSync(join(root, dir), { recursive: true })
  for (const file of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    BUILT_CLI,
    'mocks/a.ts',
  ])
    writeFileSync(join(root, file), '')
  for (const path of [
    'mocks',
    'collections',
    'scripts',
    'mocks/a.ts',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
  ])
    at(path, 1_000)
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('dist/ freshness (which CLI the specs start)', () => {
  it('fresh when the build started after every source last changed', () => {
    stamp(JSON.stringify({ started: 2_000_000, sources: ['mocks', 'collections', 'scripts'] }))
    expect(distIsFresh(root)).toBe(true)
  })

  it('stale when a source file changed after the build started, however deep', () => {
    stamp(JSON.stringify({ started: 2_000_000, sources: ['mocks', 'collections', 'scripts'] }))
    at('mocks/a.ts', 3_000)
    expect(distIsFresh(root)).toBe(false)
  })

  it('stale when package.json changed after the build', () => {
    stamp(JSON.stringify({ started: 2_000_000, sources: ['mocks', 'collections', 'scripts'] }))
    at('package.json', 3_000)
    expect(distIsFresh(root)).toBe(false)
  })

  it('stale, not a crash, without a stamp, with an unreadable one, or without the built CLI', () => {
    expect(distIsFresh(root)).toBe(false)
    for (const bad of ['{bad', '{}', '{"started":"soon","sources":[]}', 'null']) {
      stamp(bad)
      expect(distIsFresh(root), bad).toBe(false)
    }
    stamp(JSON.stringify({ started: 2_000_000, sources: ['mocks'] }))
    rmSync(join(root, BUILT_CLI))
    expect(distIsFresh(root)).toBe(false)
  })
})
