/** `npm run docs:checks`: writes docs/CHECKS.md from the catalogue. */
import { writeFileSync } from 'node:fs'
import { CHECKS_DOC, checksMarkdown } from './docs/checks.ts'

writeFileSync(CHECKS_DOC, checksMarkdown())
console.log(`wrote ${CHECKS_DOC}`)
