/**
 * `dinero-conformance docs` (`npm run docs:checks`): writes docs/CHECKS.md from the catalogue and
 * docs/SOURCES.md from collections/sources.ts.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineCommand } from '../cli/command.ts'
import { inSourceTree, packageRoot } from '../cli/paths.ts'
import { HarnessError } from '../errors.ts'

export const command = defineCommand({
  name: 'docs',
  summary: 'Write the generated documentation (docs/CHECKS.md, docs/SOURCES.md) from the catalogue',
  flags: {},
  async run() {
    if (!inSourceTree())
      throw new HarnessError(
        'HARNESS_NOT_SOURCE_TREE',
        "docs writes the project's own docs/: run it in a clone of the repository",
      )
    const { CHECKS_DOC, checksMarkdown } = await import('../docs/checks.ts')
    const { SOURCES_DOC, sourcesMarkdown } = await import('../docs/sources.ts')
    for (const [file, text] of [
      [CHECKS_DOC, checksMarkdown()],
      [SOURCES_DOC, sourcesMarkdown()],
    ] as const) {
      writeFileSync(join(packageRoot(), file), text)
      console.log(`wrote ${file}`)
    }
    return 0
  },
})
