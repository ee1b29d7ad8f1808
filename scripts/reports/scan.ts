import { relative } from 'node:path'
import { outputFilesUnder, readOutputFile, sameFile } from '../cli/paths.ts'
import { HarnessError } from '../errors.ts'
import { type SecretSet, scanForLeaks } from '../live/secrets.ts'
import { allureHtmlTexts } from './allure.ts'

/**
 * The leak canary over a reports directory (or one report file): every file (scripts/cli/paths.ts
 * outputFilesUnder) is scanned for every known secret (or a fragment of one); an Allure
 * single-file HTML is scanned decoded (allureHtmlTexts), where its results and attachments are
 * readable. Returns the files that leak.
 */
export function scanReports(dir: string, secrets: SecretSet, homes: readonly string[] = []): string[] {
  // Links are not followed, and the files whose job is to hold secrets (`homes`: the token store,
  // the .env) are not reports: `--reports .` flagged the .env and advised deleting it. Only those
  // very files: a copy beside them (`.env.bak`) is a leak like any other.
  const files = outputFilesUnder(dir).filter((f) => !homes.some((h) => sameFile(f, h)))
  const html = new Map<string, string>()
  for (const file of files.filter((f) => f.endsWith('index.html'))) {
    const text = readOutputFile(file)?.toString('utf8')
    if (text?.includes('allureReportData')) html.set(file, text)
  }
  return [
    ...scanForLeaks(
      files.filter((f) => !html.has(f)),
      secrets,
    ),
    ...[...html]
      .filter(([, text]) => allureHtmlTexts(text).some((t) => secrets.leaks(t)))
      .map(([file]) => file),
  ]
}

/** The leak canary as the last step of a run: HARNESS_SECRET_LEAK naming the files, never the secret. */
export function assertReportsClean(
  dir: string,
  secrets: SecretSet,
  homes: readonly string[] = [],
  cwd = process.cwd(),
): void {
  const hits = scanReports(dir, secrets, homes)
  if (hits.length > 0)
    throw new HarnessError(
      'HARNESS_SECRET_LEAK',
      `a known secret appears in ${hits.map((h) => relative(cwd, h) || h).join(', ')}: delete the file and rotate the secret`,
    )
}
