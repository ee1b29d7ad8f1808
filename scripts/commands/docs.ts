/**
 * `dinero-conformance docs` (`npm run docs:checks`): writes docs/CHECKS.md from the catalogue,
 * docs/SOURCES.md from collections/sources.ts and the coverage table of docs/LIVE.md.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineCommand } from '../cli/command.ts'
import { inSourceTree, packageRoot } from '../cli/paths.ts'
import { HarnessError } from '../errors.ts'

export const command = defineCommand({
  name: 'docs',
  summary:
    'Write the generated documentation (docs/CHECKS.md, docs/SOURCES.md, the docs/LIVE.md coverage table) from the catalogue',
  flags: {},
  async run() {
    if (!inSourceTree())
      throw new HarnessError(
        'HARNESS_NOT_SOURCE_TREE',
        "docs writes the project's own docs/: run it in a clone of the repository",
      )
    const { CHECKS_DOC, checksMarkdown } = await import('../docs/checks.ts')
    const { SOURCES_DOC, sourcesMarkdown } = await import('../docs/sources.ts')
    const { LIVE_DOC, withLiveCoverage } = await import('../live/coverage.ts')
    for (const [file, text] of [
      [CHECKS_DOC, checksMarkdown()],
      [SOURCES_DOC, sourcesMarkdown()],
      [LIVE_DOC, withLiveCoverage(readFileSync(join(packageRoot(), LIVE_DOC), 'utf8'))],
    ] as const) {
      writeFileSync(join(packageRoot(), file), text)
      console.log(`wrote ${file}`)
    }
    return 0
  },
})
