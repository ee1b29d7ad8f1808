import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredGrant } from '../../scripts/live/token-store.ts'
import { type LiveMock, liveEnv, runInWorker, seedGrant, startLiveMock, testDir } from './support/harness.ts'

/**
 * `live --reports` and `--record` are checked (and made) before the token store is opened: a
 * path that cannot take the run's output ends the run with one coded line and exit 2, and the
 * grant is never refreshed (each refresh consumes a one-time token).
 */
const SLOW = { timeout: 120_000 }

let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(async () => {
  await live.close()
})

describe.concurrent('live output paths, before the grant is used', () => {
  const cases: { name: string; args: (dir: string) => string[]; code: RegExp }[] = [
    {
      name: '--reports naming an existing file → HARNESS_USAGE',
      args: (dir) => {
        writeFileSync(join(dir, 'a-file'), 'x')
        return ['--reports', join(dir, 'a-file')]
      },
      code: /^error \[HARNESS_USAGE\]: --reports .*exists and is not a directory/m,
    },
    {
      name: '--reports under /proc → HARNESS_USAGE (and no endless mkdir)',
      args: () => ['--reports', '/proc/nope'],
      code: /^error \[HARNESS_USAGE\]: --reports \/proc\/nope: a kernel file system/m,
    },
    {
      name: '--record under /proc → HARNESS_USAGE',
      args: (dir) => ['--reports', join(dir, 'r'), '--record', '/proc/nope/x.json'],
      code: /^error \[HARNESS_USAGE\]: --record \/proc\/nope: a kernel file system/m,
    },
    {
      name: '--record naming a directory → HARNESS_USAGE',
      args: (dir) => {
        mkdirSync(join(dir, 'a-dir'))
        return ['--reports', join(dir, 'r'), '--record', join(dir, 'a-dir')]
      },
      code: /^error \[HARNESS_USAGE\]: --record .*exists and is not a regular file/m,
    },
    {
      name: '--record whose folder is a file → HARNESS_USAGE',
      args: (dir) => {
        writeFileSync(join(dir, 'plain'), 'x')
        return ['--reports', join(dir, 'r'), '--record', join(dir, 'plain', 'x.json')]
      },
      code: /^error \[HARNESS_USAGE\]: --record .*plain: exists and is not a directory/m,
    },
  ]
  for (const c of cases)
    it(
      `${c.name}, exit 2, before the store is opened: no refresh sent, no rotation`,
      SLOW,
      async ({ onTestFinished }) => {
        const dir = testDir('live-paths', onTestFinished)
        const env = liveEnv(dir, { DINERO_CONNECT_URL: live.origin, DINERO_API_URL: live.origin })
        const first = await seedGrant(live, env.DINERO_TOKEN_STORE!)
        const r = await runInWorker(['live', ...c.args(dir)], env)
        expect(r.code, r.stdout + r.stderr).toBe(2)
        expect(r.stderr).toMatch(c.code)
        const grant = JSON.parse(readFileSync(env.DINERO_TOKEN_STORE!, 'utf8')) as StoredGrant
        expect(grant.rotations).toBe(0)
        expect(grant.refreshToken).toBe(first)
        expect(grant.inFlight).toBeUndefined()
      },
    )
})
