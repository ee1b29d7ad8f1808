import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { replaceDir } from '../../scripts/cli/paths.ts'
import { bundle, tempDir } from '../live/support/process.ts'

/**
 * Two runs that share a reports folder (two `live` runs with their own token stores, a `check`
 * beside a `live`, a CI matrix on one workspace) write the same Allure folders at once.
 *
 * Regression: each run removed its results folder and refilled it in place, so one run's rmdir met
 * the other's new files (ENOTEMPTY) or its writes met the other's removal (ENOENT), and the run
 * ended HARNESS_INTERNAL after its checks had passed; its redaction and leak scan, listing the
 * folder while another run replaced it, read files that were gone (ENOENT). Now each run fills a
 * folder of its own and renames it into place whole (scripts/cli/paths.ts replaceDir, removeDir),
 * and a file gone since the listing is skipped (readOutputFile).
 */
const WRITERS = 3
const ROUNDS = 8
const tmp = tempDir('shared-reports')
let writerScript = ''
beforeAll(async () => {
  // One bundle for plain node: three tsx starts cost ~3 CPU-s, most of this spec.
  writerScript = await bundle('specs/reports/support/report-writer.ts', tmp.dir)
})
afterAll(() => tmp.cleanup())

function writer(dir: string, id: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [writerScript, dir, id, String(ROUNDS)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.on('close', (code) => resolve({ code, stderr }))
  })
}

describe('runs sharing one reports folder', () => {
  it(`${WRITERS} processes writing the Allure results ${ROUNDS} times each into one folder at once, each redacting and scanning it after: every one exits 0, and the folder holds one whole run's results, nothing half-written or left over`, {
    timeout: 120_000,
  }, async () => {
    const dir = join(tmp.dir, 'reports')
    // An earlier run's folders, a file where a folder goes: moved aside, whatever they are.
    mkdirSync(join(dir, 'allure-results'), { recursive: true })
    writeFileSync(join(dir, 'allure-results', 'stale-result.json'), '{}')
    writeFileSync(join(dir, 'allure-report'), 'not a folder')
    const exits = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(dir, `w${i}`)))
    for (const e of exits) expect(e, e.stderr).toEqual({ code: 0, stderr: '' })
    expect(readdirSync(dir).sort()).toEqual(['allure-results'])
    const results = readdirSync(join(dir, 'allure-results')).filter((f) => f.endsWith('-result.json'))
    expect(results).toHaveLength(catalogue.length)
    const runs = new Set(
      results.map(
        (f) =>
          (
            JSON.parse(readFileSync(join(dir, 'allure-results', f), 'utf8')) as { fullName: string }
          ).fullName.split('.')[1],
      ),
    )
    expect(runs.size).toBe(1)
    expect([...runs][0]).toMatch(new RegExp(`^w\\d-${ROUNDS - 1}$`))
  })

  it("a replaced folder has the permissions of any other report folder (not a temporary folder's 0700), and a run's folder in progress that a killed run left over an hour ago is removed on the next replace; a recent one is left alone", () => {
    const dir = join(tmp.dir, 'modes')
    mkdirSync(dir)
    const plain = join(dir, 'plain')
    mkdirSync(plain)
    const abandoned = join(dir, '.allure-results.staging-0123456789ab')
    const recent = join(dir, '.allure-report.staging-ba9876543210')
    for (const d of [abandoned, recent]) {
      mkdirSync(d)
      writeFileSync(join(d, 'half-result.json'), '{')
    }
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(abandoned, hoursAgo, hoursAgo)
    replaceDir(join(dir, 'allure-results'), (staging) => writeFileSync(join(staging, 'a-result.json'), '{}'))
    expect(statSync(join(dir, 'allure-results')).mode & 0o777).toBe(statSync(plain).mode & 0o777)
    expect(readdirSync(dir).sort()).toEqual([
      '.allure-report.staging-ba9876543210',
      'allure-results',
      'plain',
    ])
  })
})
