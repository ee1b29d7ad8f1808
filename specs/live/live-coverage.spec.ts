import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { liveByDefault, MOCK_ONLY_NEEDS, runsInLive, runsInLogin } from '../../collections/model/types.ts'
import { COVERAGE_END, COVERAGE_START, liveCoverageTable } from '../../scripts/live/coverage.ts'
import { runInWorker } from './support/harness.ts'

describe('what a live run covers, derived from what each check needs', () => {
  it('docs/LIVE.md shows the coverage table generated from the catalogue', () => {
    const doc = readFileSync('docs/LIVE.md', 'utf8')
    const section = doc.slice(doc.indexOf(COVERAGE_START) + COVERAGE_START.length, doc.indexOf(COVERAGE_END))
    expect(section.trim()).toBe(liveCoverageTable())
  })

  it('a check that touches the control surface or the clock declares it, so no runner sends it live', () => {
    for (const c of catalogue) {
      const text = JSON.stringify(c.steps)
      if (text.includes('/__mock/clock')) expect(c.needs, c.id).toContain('virtual-clock')
      else if (text.includes('{{controlUrl}}')) expect(c.needs, c.id).toContain('control-surface')
      if (/\{\{(refreshToken|accessToken)\}\}/.test(text) && !runsInLogin(c))
        expect(c.needs, c.id).toContain('grant')
      if (runsInLive(c) || runsInLogin(c))
        expect(
          c.needs.some((n) => MOCK_ONLY_NEEDS.includes(n)),
          c.id,
        ).toBe(false)
    }
  })

  it('checks --json lists needs and live for every check; the default login + live run covers at least 35', async () => {
    const r = await runInWorker(['checks', '--json'], { ...process.env })
    expect(r.code, r.stderr).toBe(0)
    const listed = JSON.parse(r.stdout) as { id: string; needs: string[]; live: boolean }[]
    expect(listed).toHaveLength(catalogue.length)
    for (const c of catalogue)
      expect(listed.find((l) => l.id === c.id)).toMatchObject({ needs: c.needs, live: liveByDefault(c) })
    const live = listed.filter((l) => l.live).map((l) => l.id)
    expect(live.length).toBeGreaterThanOrEqual(35)
    for (const id of [
      'connect.token.json-body-rejected',
      'connect.authorize.unregistered-redirect-error-page',
      'connect.authorize.state-echo',
      'connect.code.redirect-mismatch',
      'connect.refresh.revoke-all',
    ])
      expect(live).toContain(id)
  })
})
