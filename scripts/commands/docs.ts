/** `dinero-conformance docs` (`npm run docs:checks`): writes docs/CHECKS.md from the catalogue. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineCommand } from '../cli/command.ts'
import { packageRoot } from '../cli/paths.ts'

export const command = defineCommand({
  name: 'docs',
  summary: 'Write the generated documentation (docs/CHECKS.md) from the catalogue',
  flags: {},
  async run() {
    const { CHECKS_DOC, checksMarkdown } = await import('../docs/checks.ts')
    writeFileSync(join(packageRoot(), CHECKS_DOC), checksMarkdown())
    console.log(`wrote ${CHECKS_DOC}`)
    return 0
  },
})
