/**
 * One writer of the shared-reports race (specs/reports/shared-reports-folder.spec.ts): `rounds`
 * times, the Allure results of a run marked `<id>-<round>` written into `<dir>/allure-results`
 * the way every run writes them, the old HTML folder removed, then the folder redacted and
 * scanned for leaks as a run's last step does. Any error is printed and ends the writer with exit 1.
 *
 * usage: report-writer <dir> <id> <rounds>
 */
import { join } from 'node:path'
import { catalogue } from '../../../collections/catalogue/index.ts'
import { removeDir } from '../../../scripts/cli/paths.ts'
import { writeAllureResults } from '../../../scripts/reports/allure-results.ts'
import { scanReports } from '../../../scripts/reports/scan.ts'
import { redactFiles, SecretSet } from '../../../scripts/reports/secrets.ts'

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
    const secrets = new SecretSet()
    secrets.add('a-secret-no-report-holds')
    redactFiles(dir, secrets)
    const leaks = scanReports(dir, secrets)
    if (leaks.length > 0) throw new Error(`leaks: ${leaks.join(', ')}`)
  }
} catch (e) {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e))
  process.exit(1)
}
