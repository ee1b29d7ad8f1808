import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import type { DeviationId } from '../../mocks/deviations.ts'
import type { Aspect } from '../../scripts/live/drift/compare.ts'
import { replayOnMock } from '../../scripts/live/drift/replay.ts'
import { type DriftEntry, measureDrift } from '../../scripts/live/drift/report.ts'
import type { StoredGrant } from '../../scripts/live/token-store.ts'
import {
  LIVE_CLIENT_SECRET,
  type LiveMock,
  liveEnv,
  runInWorker,
  seedGrant,
  startLiveMock,
  tempDir,
} from './support/harness.ts'

/**
 * Drift on the stand-in: the served mock plays the live services, and `live` measures how far
 * the mock is from them. With no deviation switched on the two are the same mock, so there is
 * no difference (live-run.spec.ts pins that on its whole live-safe run, which records too); with
 * one deviation on, `live` reports exactly the differences that deviation makes (the oracle: the
 * same checks on two in-process mocks, one with the deviation on), each aspect of a shape bitten
 * by one of them. No drift artifact holds a secret or a fragment of one.
 */
const SLOW = { timeout: 180_000 }
const liveSafe = catalogue.filter((c) => c.target === 'live-safe')

interface LiveRun {
  code: number | null
  stdout: string
  stderr: string
  reports: string
  record: string
  secrets: string[]
  drift: DriftEntry[]
}

async function liveRun(
  name: string,
  deviations: readonly DeviationId[],
  checks: readonly string[] = [],
): Promise<LiveRun> {
  const live: LiveMock = await startLiveMock()
  const { dir, cleanup } = tempDir(`drift-${name}`)
  try {
    const switched = await fetch(`${live.origin}/__mock/deviations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set: deviations }),
    })
    expect(switched.status).toBe(200)
    const env = liveEnv(dir, {
      DINERO_CONNECT_URL: live.origin,
      DINERO_API_URL: live.origin,
      // The live-safe authorize checks (prompt=none) need the redirect_uri the app registered.
      DINERO_REDIRECT_URI: live.redirectUri,
    })
    const first = await seedGrant(live, env.DINERO_TOKEN_STORE!)
    const reports = join(dir, 'reports')
    const record = join(dir, 'shapes.json')
    const r = await runInWorker(
      [
        'live',
        '--reports',
        reports,
        '--organization',
        '118244',
        '--record',
        record,
        // Drift is what this file pins; an Allure HTML per run cost ~1 CPU-s (live-run pins the report).
        '--no-allure',
        ...(checks.length > 0 ? ['--check', checks.join(',')] : []),
      ],
      env,
    )
    const grant = JSON.parse(readFileSync(env.DINERO_TOKEN_STORE!, 'utf8')) as StoredGrant
    const read = (f: string) => readFileSync(f, 'utf8')
    const drift = JSON.parse(read(join(reports, 'drift.json'))) as DriftEntry[]
    return {
      code: r.code,
      stdout: r.stdout,
      stderr: r.stderr,
      reports: read(join(reports, 'drift.md')) + read(join(reports, 'drift.json')),
      record: read(record),
      secrets: [first, grant.refreshToken, grant.accessToken ?? '', LIVE_CLIENT_SECRET],
      drift,
    }
  } finally {
    await live.close()
    cleanup()
  }
}

const byPlace = (a: DriftEntry, b: DriftEntry) =>
  JSON.stringify([a.check, a.step, a.aspect, a.live]).localeCompare(
    JSON.stringify([b.check, b.step, b.aspect, b.live]),
  )

/** What switching the deviation on changes, measured in-process over the live-safe checks. */
async function oracle(deviation: DeviationId): Promise<DriftEntry[]> {
  const seed = liveSafe.map((c) => ({
    check: c.id,
    index: 1,
    step: '',
    shape: { status: 0, headers: {}, body: { kind: 'empty' as const }, codes: {} },
  }))
  const [deviating, plain] = await Promise.all([
    replayOnMock(seed, { deviations: [deviation] }),
    replayOnMock(seed),
  ])
  return measureDrift(deviating, plain).entries.sort(byPlace)
}

/** Every 16-character fragment of a secret (scripts/live/secrets.ts flags any of them). */
function fragments(secret: string): string[] {
  const out = [secret]
  for (let i = 0; i + 16 <= secret.length; i += 4) out.push(secret.slice(i, i + 16))
  return out
}

/** One deviation per aspect of a shape (mocks/deviations.ts), and the aspect it must change. */
const DEVIATED: [DeviationId, Aspect][] = [
  ['client-auth.invalid-client-401', 'status'],
  ['token.cacheable-response', 'header'],
  ['dinero.errors-pascal-case', 'key'],
  ['dinero.paging-ignored', 'type'],
  ['refresh.unknown-token-invalid-request', 'code'],
]

/**
 * The checks a deviation's `live` run takes: those the oracle says it changes, and the first two
 * live-safe checks it leaves alone, which must then show no difference. (The whole live-safe
 * catalogue runs once, without a deviation, in live-run.spec.ts; a whole run per deviation cost
 * ~5 CPU-s each.)
 */
function runChecks(expected: readonly DriftEntry[]): string[] {
  const changed = new Set(expected.map((e) => e.check))
  const untouched = liveSafe.map((c) => c.id).filter((id) => !changed.has(id))
  return [...changed, ...untouched.slice(0, 2)]
}

describe.concurrent('live reports exactly the differences one deviation of the stand-in makes', () => {
  for (const [deviation, aspect] of DEVIATED)
    it(
      `with ${deviation} switched on: drift.json holds exactly its ${aspect} differences, and no others`,
      SLOW,
      async () => {
        const expected = await oracle(deviation)
        const run = await liveRun(deviation, [deviation], runChecks(expected))
        expect(expected.length).toBeGreaterThan(0)
        expect(new Set(expected.map((e) => e.aspect))).toEqual(new Set([aspect]))
        expect([...run.drift].sort(byPlace)).toEqual(expected)
        const summary = run.stdout.split('\n').find((l) => l.startsWith('drift: '))
        expect(summary).toContain(`drift: ${expected.length} difference(s)`)
        for (const e of expected) expect(run.reports).toContain(`| ${e.step} | ${e.aspect} |`)
        for (const secret of run.secrets)
          for (const fragment of fragments(secret)) {
            expect(run.reports).not.toContain(fragment)
            expect(run.record).not.toContain(fragment)
          }
      },
    )
})
