import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { resolveSource } from '../../collections/sources.ts'
import { DEVIATIONS } from '../../mocks/deviations.ts'
import { runNewmanOnMock } from '../../scripts/commands/check.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'
import { chromiumOptions } from '../support/chromium.ts'

/**
 * The reports as a person reads them: the main job against a served mock with a deviation that
 * breaks some client-authentication checks, then the Allure HTML opened from file:// in headless Chromium
 * (offline: any request that is not file: or data: is refused). Each failing check's page shows
 * its title, what it pins and why, the expected-vs-actual line, and its sources as links; JUnit
 * and Allure both count the run's checks with exactly the declared failures. The
 * screenshots stay under reports/allure-view/ as artifacts.
 */
const DEVIATION = 'client-auth.basic-unsupported'
const broken: readonly string[] = DEVIATIONS[DEVIATION].breaks
/**
 * The run: the two areas the summary's lines below name, the broken one and one that passes
 * (the whole catalogue's reports are main-job.spec.ts's; a whole run here cost ~10 CPU-s more).
 */
const ran = catalogue.filter((c) => c.area === 'client-auth' || c.area === 'token-endpoint')
const failing = ran.filter((c) => broken.includes(c.id))
const inArea = ran.filter((c) => c.area === 'client-auth').length
/** The one line a failing check's report gives: the request, what was expected and what came. */
const EXPECTED_VS_ACTUAL = /^POST \/connect\/token: expected 400 [a-z_]+, got 400 [a-z_]+$/
const ARTIFACTS = join('reports', 'allure-view')

let dir: string
let exitCode: number
let browser: Browser

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dc-allure-view-'))
  // The run's progress lines are the CLI's; here they would only bury the verdicts.
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  exitCode = await runNewmanOnMock(
    { checks: ran, whole: false, reports: dir, allure: true, deviations: [DEVIATION] },
    { env: {}, secrets: new SecretSet(), stdin: process.stdin, ownsProcess: false },
  )
  log.mockRestore()
  browser = await chromium.launch(chromiumOptions())
}, 240_000)

afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe(`the reports of a run where the mock has ${DEVIATION} on`, () => {
  it(`the deviation declares at least two broken checks, and the run exits 1`, () => {
    expect(failing.length).toBeGreaterThanOrEqual(2)
    expect(exitCode).toBe(1)
  })

  it('JUnit has one testcase per check and exactly the declared failures, each with what the service did', () => {
    const junit = readFileSync(join(dir, 'junit-newman.xml'), 'utf8')
    expect(junit).toMatch(
      new RegExp(`<testsuites name="[^"]*" tests="${ran.length}" failures="${failing.length}" `),
    )
    expect(junit.match(/<testcase /g)).toHaveLength(ran.length)
    const failed = [
      ...junit.matchAll(/<testcase [^>]*name="([^":]+):[^"]*"[^/>]*>\s*<failure message="([^"]*)"/g),
    ]
    expect(failed.map((m) => m[1]).sort()).toEqual([...broken].sort())
    for (const m of failed) expect(m[2]).toMatch(EXPECTED_VS_ACTUAL)
  })

  it('Allure has one result per check, failed exactly for the declared checks, named by the check title', () => {
    const results = readdirSync(join(dir, 'allure-results-newman'))
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, 'allure-results-newman', f), 'utf8')))
    expect(results).toHaveLength(ran.length)
    expect(
      results
        .filter((r) => r.status === 'failed')
        .map((r) => r.name)
        .sort(),
    ).toEqual(failing.map((c) => c.title).sort())
    const summary = JSON.parse(readFileSync(join(dir, 'allure-report', 'summary.json'), 'utf8'))
    expect(summary.stats).toMatchObject({ total: ran.length, failed: failing.length })
  })

  it('summary.md opens with a verdict per area and shows each failing request and what it got', () => {
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8')
    expect(summary).toContain(
      `- **Client authentication** (\`client-auth\`): ${failing.length} of ${inArea} FAIL: ${failing.map((c) => `\`${c.id}\``).join(', ')}`,
    )
    expect(summary).toContain('- **Token endpoint requests** (`token-endpoint`): all')
    for (const c of failing)
      expect(summary).toMatch(
        new RegExp(
          `### ${c.id.replaceAll('.', '\\.')}\n\n[^\n]+\n\n- ${EXPECTED_VS_ACTUAL.source.slice(1, -1)}`,
        ),
      )
  })

  it.each(failing.map((c) => [c.id, c] as const))(
    'the Allure page of %s shows its title, what it pins, why, the failing request and its source links',
    async (id, check) => {
      mkdirSync(ARTIFACTS, { recursive: true })
      const page = await browser.newPage({ viewport: { width: 1300, height: 1100 } })
      const external: string[] = []
      await page.route('**/*', (route) => {
        const url = route.request().url()
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue()
        external.push(url)
        return route.abort()
      })
      try {
        await page.goto(pathToFileURL(join(dir, 'allure-report', 'index.html')).href)
        // The landing page groups checks by area: the failing area is there with its counts.
        await page.getByText('Client authentication (client-auth)').first().waitFor()
        await page.screenshot({ path: join(ARTIFACTS, 'landing.png') })
        const link = page.getByText(check.title, { exact: true }).first()
        if (!(await link.isVisible()))
          await page.getByText('Client authentication (client-auth)').first().click()
        await link.click()
        // Allure renders the description in a frame of its own.
        const description = page.frameLocator('[data-testid="test-result-description-frame"]').locator('body')
        await description.getByText('What it pins:').waitFor()
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
        const explained = await description.innerText()
        expect(explained).toContain(`What it pins: ${check.title}`)
        expect(explained).toContain('Why it matters to an integrator:')
        expect(explained).toContain('Where the rule comes from:')
        for (const cited of check.sources) expect(explained, explained).toContain(cited)
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads
        const body = await page.innerText('body')
        expect(body).toContain(check.title)
        expect(body).toMatch(new RegExp(EXPECTED_VS_ACTUAL.source.slice(1, -1)))
        expect(body).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/connect\/token/)
        const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href))
        for (const cited of check.sources) expect(hrefs).toContain(resolveSource(cited).url)
        await page.screenshot({ path: join(ARTIFACTS, `${id}.png`), fullPage: true })
        expect(external).toEqual([])
      } finally {
        await page.close()
      }
    },
    60_000,
  )
})
