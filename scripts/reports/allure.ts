import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { replaceDir, writeOutputFile } from '../cli/paths.ts'

/**
 * One offline Allure report from a run's results (scripts/reports/allure-results.ts). Allure 3
 * renders from file:// only as a single file, and its HTML loads an analytics script: removed here.
 */
export interface AllureInput {
  resultsDirs: string[]
  output: string
  name: string
}

export function stripAnalytics(html: string): string {
  return html
    .replace(/<script[^>]*googletagmanager[^>]*>\s*<\/script>/gi, '')
    .replace(/<script[^>]*>[^<]*(?:gtag\(|dataLayer|googletagmanager|google-analytics)[^<]*<\/script>/gi, '')
}

export interface AllureOutcome {
  ok: boolean
  file?: string
  message: string
}

/**
 * Renders into a folder of this run's own and puts it in place of `input.output` whole
 * (scripts/cli/paths.ts replaceDir), so two runs sharing a reports folder never render into one
 * folder at once; a failed render leaves an empty folder, never an earlier run's report.
 */
export function generateAllure(input: AllureInput): AllureOutcome {
  const dirs = input.resultsDirs.filter((d) => hasFiles(d))
  if (dirs.length === 0) return { ok: false, message: 'no Allure results to render' }
  let outcome: AllureOutcome = { ok: false, message: 'allure generate did not run' }
  replaceDir(input.output, (staging) => {
    outcome = render({ ...input, output: staging }, dirs)
  })
  if (!outcome.ok) return outcome
  const file = join(input.output, 'index.html')
  return { ok: true, file, message: `Allure report: ${file}` }
}

/** Whether a results folder holds anything; false once gone (another run sharing the folder replaced it). */
function hasFiles(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0
  } catch {
    return false
  }
}

function render(input: AllureInput, dirs: readonly string[]): AllureOutcome {
  mkdirSync(input.output, { recursive: true })
  // In a folder of its own, not the reports folder: a link left there (allurerc.mjs → the token
  // store) was written through, and the grant was gone.
  let configDir: string
  try {
    configDir = mkdtempSync(join(tmpdir(), 'dinero-conformance-allure-'))
  } catch (e) {
    // Like any other Allure failure: the checks' verdict stands (TMPDIR naming no folder made a
    // green run exit 2 with HARNESS_INTERNAL).
    return {
      ok: false,
      message: `allure generate failed: no temporary folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    }
  }
  const config = join(configDir, 'allurerc.mjs')
  writeFileSync(
    config,
    `export default ${JSON.stringify({
      name: input.name,
      output: resolve(input.output),
      plugins: { awesome: { options: { singleFile: true, reportName: input.name } } },
    })}\n`,
  )
  // The package exports only its API; its CLI sits beside dist/ (bin: ./cli.js).
  const cli = join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js')
  const run = spawnSync(
    process.execPath,
    [cli, 'generate', '--config', config, ...dirs.map((d) => resolve(d))],
    {
      encoding: 'utf8',
      timeout: 180_000,
    },
  )
  rmSync(configDir, { recursive: true, force: true })
  if (run.status !== 0)
    return { ok: false, message: `allure generate failed: ${(run.stderr || run.stdout).slice(-400)}` }
  const file = join(input.output, 'index.html')
  if (!existsSync(file)) return { ok: false, message: 'allure generate wrote no index.html' }
  writeOutputFile(file, stripAnalytics(readFileSync(file, 'utf8')))
  return { ok: true, file, message: `Allure report: ${file}` }
}

/**
 * The single-file HTML holds every result and attachment base64-encoded in `d("<path>","<base64>")`
 * calls. A scan for secrets looks at the decoded content: a secret hides in base64 from a text
 * scan, and base64 of ordinary JSON can share a run of characters with a JWT by chance (a result's
 * `"start":<ms>` and a token's `"iat":<s>` in the same second encode alike).
 */
export function allureHtmlTexts(html: string): string[] {
  const texts: string[] = []
  const rest = html.replace(/d\("([^"]*)","([A-Za-z0-9+/=]*)"\)/g, (_all, _name: string, b64: string) => {
    texts.push(Buffer.from(b64, 'base64').toString('utf8'))
    return ''
  })
  return [rest, ...texts]
}
