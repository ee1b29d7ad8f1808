import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type SecretSet, scanForLeaks } from '../live/secrets.ts'
import { allureHtmlTexts } from './allure.ts'

/**
 * The leak canary over a reports directory: every file is scanned for every known secret (or a
 * fragment of one); an Allure single-file HTML is scanned decoded (allureHtmlTexts), where its
 * results and attachments are readable. Returns the files that leak.
 */
export function scanReports(dir: string, secrets: SecretSet): string[] {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
  const isAllureHtml = (file: string) =>
    file.endsWith('index.html') && readFileSync(file, 'utf8').includes('allureReportData')
  const html = files.filter(isAllureHtml)
  return [
    ...scanForLeaks(
      files.filter((f) => !html.includes(f)),
      secrets,
    ),
    ...html.filter((file) => allureHtmlTexts(readFileSync(file, 'utf8')).some((t) => secrets.leaks(t))),
  ]
}
