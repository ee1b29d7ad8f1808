import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCollection } from '../../../collections/build.ts'
import { runNewman } from '../../../scripts/newman/run.ts'
import {
  journal,
  LIVE_CLIENT_SECRET,
  type LiveMock,
  liveEnv,
  refreshStoredGrant,
  runInWorker,
  seedGrant,
  startLiveMock,
  tempDir,
} from '../../live/support/harness.ts'

/**
 * What broke, each found by an attacker's pass over the live path (every run here is against a
 * served mock standing in for Visma and Dinero):
 * - a selection that left no check (`--area destructive` without --destructive, or checks that
 *   need an organisation when none is known) gave Newman an empty folder list, and Newman ran the
 *   whole collection: 191 requests, mock-only and destructive ones included, a refresh replay that
 *   revoked the grant, and exit 0;
 * - `--record` naming the token store wrote the drift fixture over the grant;
 * - a symbolic link in the reports folder was followed, so a `junit-live.xml` link to the token
 *   store replaced the grant with JUnit XML;
 * - the leak scan read a `.env` (or the token store) in the reports folder, failed a clean run and
 *   advised deleting it.
 */
const SLOW = { timeout: 120_000 }
const CHECK = 'connect.discovery.metadata'

let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(() => live.close())

async function setUp(name: string) {
  const t = tempDir(name)
  const env = liveEnv(t.dir, { DINERO_CONNECT_URL: live.origin, DINERO_API_URL: live.origin })
  const store = env.DINERO_TOKEN_STORE!
  await seedGrant(live, store)
  return { ...t, env, store, grant: readFileSync(store, 'utf8') }
}

describe('live: nothing to run sends nothing, and outputs never overwrite the grant (live-output regressions)', () => {
  it('Newman given an empty check list → rejected (HARNESS_NEWMAN_FAILED), never the whole collection', async () => {
    await expect(
      runNewman({ collection: buildCollection(), environment: {}, checks: [] }),
    ).rejects.toMatchObject({ code: 'HARNESS_NEWMAN_FAILED' })
  })

  it(
    'live --area destructive without --destructive, or only checks that need an organisation with none known → exit 2 HARNESS_USAGE; no request reaches the services and the grant is not rotated',
    SLOW,
    async () => {
      const { dir, cleanup, env, store, grant } = await setUp('live-empty-selection')
      try {
        // Requests to the services: the journal's own reads (/__mock) do not count.
        const sent = async () => (await journal(live.origin)).filter((e) => e.service !== 'control').length
        const before = await sent()
        for (const args of [
          ['--area', 'destructive'],
          ['--check', 'dinero.contacts.paging-envelope'],
        ]) {
          const r = await runInWorker(
            ['live', '--reports', join(dir, 'reports'), '--no-allure', ...args],
            env,
          )
          expect(r.code, r.stdout + r.stderr).toBe(2)
          expect(r.stderr).toMatch(/^error \[HARNESS_USAGE\]: /m)
        }
        expect(await sent()).toBe(before)
        expect(readFileSync(store, 'utf8')).toBe(grant)
        expect((await refreshStoredGrant(live.origin, store)).status).toBe(200)
      } finally {
        cleanup()
      }
    },
  )

  it(
    'live --record <the token store, or the .env> → exit 2 HARNESS_CONFIG_INVALID before anything is sent; the grant and the .env are as they were',
    SLOW,
    async () => {
      const { dir, cleanup, env, store, grant } = await setUp('live-record-store')
      try {
        const link = join(dir, 'fixture.json')
        symlinkSync(store, link)
        const dotEnv = join(dir, '.env')
        writeFileSync(dotEnv, `DINERO_CLIENT_SECRET=${LIVE_CLIENT_SECRET}\n`)
        for (const [record, what] of [
          [store, /token store/],
          [link, /token store/],
          [dotEnv, /\.env/],
        ] as const) {
          const r = await runInWorker(
            ['live', '--reports', join(dir, 'reports'), '--no-allure', '--check', CHECK, '--record', record],
            { ...env, DINERO_ENV_FILE: dotEnv },
          )
          expect(r.code, r.stdout + r.stderr).toBe(2)
          expect(r.stderr).toMatch(/^error \[HARNESS_CONFIG_INVALID\]: --record /m)
          expect(r.stderr).toMatch(what)
        }
        expect(readFileSync(store, 'utf8')).toBe(grant)
        expect(readFileSync(dotEnv, 'utf8')).toBe(`DINERO_CLIENT_SECRET=${LIVE_CLIENT_SECRET}\n`)
      } finally {
        cleanup()
      }
    },
  )

  it(
    'a reports folder holding links to the token store and another file, a .env with the client secret and the store itself → exit 0; the links are replaced by the reports, and the grant, the .env and the other file are untouched',
    SLOW,
    async () => {
      const { dir, cleanup, env, store } = await setUp('live-report-links')
      try {
        // The store in the reports folder, beside a .env: `--reports .` in a project that keeps both.
        const reports = join(dir, 'reports')
        mkdirSync(reports, { recursive: true })
        const victim = join(dir, 'victim.txt')
        writeFileSync(victim, 'mine\n')
        symlinkSync(store, join(reports, 'junit-live.xml'))
        symlinkSync(victim, join(reports, 'live-summary.md'))
        // The Allure config once went beside the reports, written through a link like this one.
        symlinkSync(store, join(reports, 'allurerc.mjs'))
        const dotEnv = join(reports, '.env')
        writeFileSync(dotEnv, `DINERO_CLIENT_SECRET=${LIVE_CLIENT_SECRET}\n`)
        const r = await runInWorker(['live', '--reports', reports, '--check', CHECK], {
          ...env,
          DINERO_ENV_FILE: dotEnv,
        })
        expect(r.code, r.stdout + r.stderr).toBe(0)
        expect(lstatSync(join(reports, 'junit-live.xml')).isSymbolicLink()).toBe(false)
        expect(readFileSync(join(reports, 'junit-live.xml'), 'utf8')).toMatch(/^<\?xml/)
        expect(readFileSync(victim, 'utf8')).toBe('mine\n')
        expect(readFileSync(dotEnv, 'utf8')).toBe(`DINERO_CLIENT_SECRET=${LIVE_CLIENT_SECRET}\n`)
        // The run rotated the grant and saved the new token: the store is the grant, not XML.
        expect((await refreshStoredGrant(live.origin, store)).status).toBe(200)
      } finally {
        cleanup()
      }
    },
  )

  it(
    'live with no stored grant at DINERO_TOKEN_STORE (a typo) → exit 2 HARNESS_TOKEN_STORE_MISSING, and no folder or lock is left behind, the reports and --record folders included',
    SLOW,
    async () => {
      const { dir, cleanup, env } = await setUp('live-missing-store')
      try {
        const typo = join(dir, 'typo', 'nested', 'tokens.json')
        const reports = join(dir, 'new-reports')
        const record = join(dir, 'new-fixtures', 'shapes.json')
        const r = await runInWorker(
          ['live', '--reports', reports, '--no-allure', '--check', CHECK, '--record', record],
          { ...env, DINERO_TOKEN_STORE: typo },
        )
        expect(r.code, r.stdout + r.stderr).toBe(2)
        expect(r.stderr).toMatch(/^error \[HARNESS_TOKEN_STORE_MISSING\]: /m)
        for (const made of [join(dir, 'typo'), reports, join(dir, 'new-fixtures')])
          expect(existsSync(made), made).toBe(false)
      } finally {
        cleanup()
      }
    },
  )
})
