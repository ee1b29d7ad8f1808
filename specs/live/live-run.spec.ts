import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { readRecording } from '../../scripts/live/drift/record.ts'
import { replayOnMock } from '../../scripts/live/drift/replay.ts'
import { measureDrift } from '../../scripts/live/drift/report.ts'
import type { StoredGrant } from '../../scripts/live/token-store.ts'
import {
  journal,
  LIVE_CLIENT_SECRET,
  type LiveMock,
  liveEnv,
  refreshRequests,
  refreshStoredGrant,
  runInWorker,
  seedGrant,
  startLiveMock,
  tempDir,
  testDir,
} from './support/harness.ts'

/**
 * `npm run live` against the served mock standing in for Visma Connect and Dinero (one-time
 * refresh tokens, replay → revoke-all): every live-safe check passes through Newman, each
 * rotation is saved as it happens (the chain continues, no replay), and the reports hold no
 * secret.
 */
const liveSafe = catalogue.filter((c) => c.target === 'live-safe')
const rotating = liveSafe.filter((c) =>
  c.steps.some((s) => s.request.form?.refresh_token === '{{refreshToken}}'),
)

/** Child processes on a busy 2-core machine: generous, so load never fails a correct run. */
const SLOW = { timeout: 120_000 }

let live: LiveMock
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(async () => {
  await live.close()
})

describe.concurrent('npm run live (against the served mock)', () => {
  it(
    'runs every live-safe check through Newman, saves every rotation, finds 0 drift from the mock it stands in for, and leaves no secret in reports or the --record file',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('live-run', onTestFinished)
      const env = liveEnv(dir, {
        DINERO_CONNECT_URL: live.origin,
        DINERO_API_URL: live.origin,
        // The live-safe authorize checks (prompt=none) need the redirect_uri the app registered.
        DINERO_REDIRECT_URI: live.redirectUri,
      })
      const storePath = env.DINERO_TOKEN_STORE!
      const first = await seedGrant(live, storePath)
      const reports = join(dir, 'reports')
      const record = join(dir, 'shapes.json')
      const r = await runInWorker(
        ['live', '--reports', reports, '--organization', '118244', '--record', record],
        env,
      )
      expect(r.code, r.stdout + r.stderr).toBe(0)
      for (const c of liveSafe) expect(r.stdout).toContain(`✓ ${c.id}`)

      // Drift (drift-live.spec.ts has the deviations): the stand-in is the mock itself, so there is no
      // difference, summarised in one line, with every live-safe check compared and recorded.
      expect(JSON.parse(readFileSync(join(reports, 'drift.json'), 'utf8'))).toEqual([])
      const driftText =
        readFileSync(join(reports, 'drift.md'), 'utf8') + readFileSync(join(reports, 'drift.json'), 'utf8')
      expect(driftText).toContain('0 difference(s) in 0 check(s)')
      const driftLines = r.stdout.split('\n').filter((l) => l.startsWith('drift: '))
      expect(driftLines).toHaveLength(1)
      expect(driftLines[0]).toMatch(
        /^drift: 0 difference\(s\) between the live services and the mock in 0 check\(s\), \d+ step\(s\) compared/,
      )
      const recordText = readFileSync(record, 'utf8')
      const recording = readRecording(record)
      expect(new Set(recording.steps.map((step) => step.check))).toEqual(new Set(liveSafe.map((c) => c.id)))
      // The recording is one the mock still answers shape for shape.
      expect(measureDrift(recording.steps, await replayOnMock(recording.steps)).entries).toEqual([])

      const grant = JSON.parse(readFileSync(storePath, 'utf8')) as StoredGrant
      // One refresh by the refresher, then one per rotating check, each saved as it arrived.
      expect(grant.rotations).toBe(1 + rotating.length)
      expect(grant.inFlight).toBeUndefined()
      const refreshes = refreshRequests(await journal(live.origin))
      expect(refreshes.filter((e) => e.details.refresh === 'replay' || 'revoked' in e.details)).toEqual([])

      // The stored token is the newest of the chain: it still refreshes.
      expect((await refreshStoredGrant(live.origin, storePath)).status).toBe(200)

      expect(readdirSync(reports).sort()).toEqual([
        'allure-report-live',
        'allure-results-live',
        'drift.json',
        'drift.md',
        'junit-live.xml',
        'live-summary.md',
      ])
      const junit = readFileSync(join(reports, 'junit-live.xml'), 'utf8')
      // One testcase per live-safe check, none failed.
      expect(junit).toMatch(new RegExp(`<testsuites name="[^"]*" tests="${liveSafe.length}" failures="0"`))
      const allureResults = readdirSync(join(reports, 'allure-results-live'))
      expect(allureResults.filter((f) => f.endsWith('-result.json'))).toHaveLength(liveSafe.length)
      const attachments = allureResults
        .filter((f) => f.endsWith('-attachment.txt'))
        .map((f) => readFileSync(join(reports, 'allure-results-live', f), 'utf8'))
        .join('\n')
      expect(attachments).toContain('POST http://127.0.0.1:')
      const summary = readFileSync(join(reports, 'live-summary.md'), 'utf8')
      expect(summary).toContain('| connect.jwks.token-kid-published | live-safe | pass |')
      for (const secret of [first, grant.refreshToken, grant.accessToken!, LIVE_CLIENT_SECRET]) {
        expect(junit).not.toContain(secret)
        expect(summary).not.toContain(secret)
        expect(attachments).not.toContain(secret)
        expect(r.stdout + r.stderr).not.toContain(secret)
        // Nor any 16-character fragment of one in the drift artifacts (scripts/live/secrets.ts flags those).
        for (let i = 0; i + 16 <= secret.length; i += 4) {
          expect(driftText).not.toContain(secret.slice(i, i + 16))
          expect(recordText).not.toContain(secret.slice(i, i + 16))
        }
      }
      // Nor any token the run rotated through: the mock's refresh tokens are 64 hex digits, its access and id tokens JWTs.
      for (const text of [driftText, recordText]) {
        expect(text).not.toMatch(/[0-9A-Fa-f]{16}/)
        expect(text).not.toMatch(/eyJ[\w-]{8}/)
      }
    },
  )

  it(
    'refuses --allow-writes for an organisation not listed in DINERO_TEST_ORGANIZATIONS, and --destructive without the typed confirmation',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('live-guards', onTestFinished)
      const env = liveEnv(dir, {
        DINERO_CONNECT_URL: live.origin,
        DINERO_API_URL: live.origin,
        DINERO_TEST_ORGANIZATIONS: '999',
      })
      await seedGrant(live, env.DINERO_TOKEN_STORE!)
      const [writes, destructive] = await Promise.all([
        runInWorker(
          ['live', '--reports', join(dir, 'r1'), '--organization', '118244', '--allow-writes'],
          env,
        ),
        runInWorker(['live', '--reports', join(dir, 'r2'), '--destructive'], env, 'yes\n'),
      ])
      expect(writes.code).toBe(2)
      expect(writes.stderr).toMatch(/^error \[HARNESS_WRITES_NOT_ALLOWED\]: .*DINERO_TEST_ORGANIZATIONS/m)
      expect(destructive.code).toBe(2)
      expect(destructive.stdout).toMatch(/Visma revokes ALL access for this client and user/)
      expect(destructive.stderr).toMatch(/^error \[HARNESS_DESTRUCTIVE_NOT_CONFIRMED\]/m)
      // Neither touched the grant.
      const grant = JSON.parse(readFileSync(env.DINERO_TOKEN_STORE!, 'utf8')) as StoredGrant
      expect(grant.rotations).toBe(0)
    },
  )

  it(
    'the leak canary: a known secret planted in a report file fails the run with exit 1, naming the file but not the secret',
    SLOW,
    async ({ onTestFinished }) => {
      const dir = testDir('live-canary', onTestFinished)
      const env = liveEnv(dir, { DINERO_CONNECT_URL: live.origin, DINERO_API_URL: live.origin })
      await seedGrant(live, env.DINERO_TOKEN_STORE!)
      const reports = join(dir, 'reports')
      mkdirSync(join(reports, 'allure-results'), { recursive: true })
      writeFileSync(
        join(reports, 'allure-results', 'planted.json'),
        `{"body":"client_secret=${LIVE_CLIENT_SECRET}"}`,
      )
      // --no-allure: the scan covers every file under the reports folder whether or not the
      // HTML is rendered, and rendering it is a node child of ~1 CPU-s.
      const r = await runInWorker(
        ['live', '--reports', reports, '--check', 'connect.discovery.metadata', '--no-allure'],
        env,
      )
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^error \[HARNESS_SECRET_LEAK\]: .*planted\.json/m)
      expect(r.stderr + r.stdout).not.toContain(LIVE_CLIENT_SECRET)
    },
  )
  it(
    'with --destructive confirmed, the replay check runs: Visma-style replay detection revokes the grant and the store says so',
    SLOW,
    async () => {
      const { dir, cleanup } = tempDir('live-destructive')
      // A mock of its own: the replay revokes every grant of this client and user.
      const own = await startLiveMock()
      try {
        const env = liveEnv(dir, { DINERO_CONNECT_URL: own.origin, DINERO_API_URL: own.origin })
        const storePath = env.DINERO_TOKEN_STORE!
        await seedGrant(own, storePath)
        const r = await runInWorker(
          [
            'live',
            '--reports',
            join(dir, 'r'),
            '--destructive',
            '--check',
            'connect.refresh.replay-revokes-grant',
            '--no-allure',
          ],
          env,
          'revoke all access\n',
        )
        expect(r.stdout + r.stderr).toContain('✓ connect.refresh.replay-revokes-grant')
        // --no-allure: the Allure results are written, the HTML report is not rendered.
        expect(readdirSync(join(dir, 'r'))).toContain('allure-results-live')
        expect(readdirSync(join(dir, 'r'))).not.toContain('allure-report-live')
        const replays = (await journal(own.origin)).filter(
          (e) => e.url === '/connect/token' && e.details.refresh === 'replay',
        )
        expect(replays).toHaveLength(1)
        const grant = JSON.parse(readFileSync(storePath, 'utf8')) as StoredGrant & { revoked?: boolean }
        expect(grant.status).toBe('revoked')
      } finally {
        await own.close()
        cleanup()
      }
    },
  )
})
