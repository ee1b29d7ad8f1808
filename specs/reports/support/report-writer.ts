/**
 * One writer of the shared-reports race (specs/reports/shared-reports-folder.spec.ts): `rounds`
 * times, the Allure results of a run marked `<id>-<round>` written into `<dir>/allure-results`
 * the way every run writes them, and the old HTML folder removed. Any error is printed and ends
 * the writer with exit 1.
 *
 * usage: report-writer <dir> <id> <rounds>
 */
import { join } from 'node:path'
import { catalogue } from '../../../collections/catalogue/index.ts'
import { removeDir } from '../../../scripts/cli/paths.ts'
import { writeAllureResults } from '../../../scripts/reports/allure-results.ts'
import { SecretSet } from '../../../scripts/reports/secrets.ts'

const [dir, id, rounds] = process.argv.slice(2) as [string, string, string]
try {
  for (let r = 0; r < Number(rounds); r++) {
    const run = `${id}-${r}`
    writeAllureResults(
      join(dir, 'allure-results'),
      catalogue.map((check) => ({ check, passed: true, failures: [`run ${run}`] })),
      { target: run, runner: 'newman', started: Date.now(), secrets: new SecretSet() },
    )
    removeDir(join(dir, 'allure-report'))
  }
} catch (e) {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e))
  process.exit(1)
}
