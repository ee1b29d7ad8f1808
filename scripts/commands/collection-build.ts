/**
 * `dinero-conformance collection build` (`npm run collection:build`): writes the Postman
 * collection and environments from the catalogue into the package's collections/ folder.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineCommand } from '../cli/command.ts'
import { packageRoot } from '../cli/paths.ts'

export const command = defineCommand({
  name: 'collection build',
  summary: 'Write the Postman collection and environments from the catalogue',
  flags: {},
  async run() {
    const {
      buildCollection,
      buildLiveEnvironmentTemplate,
      buildMockEnvironment,
      COLLECTION_FILES,
      serialise,
    } = await import('../../collections/build.ts')
    const root = packageRoot()
    writeFileSync(join(root, COLLECTION_FILES.collection), serialise(buildCollection()))
    writeFileSync(join(root, COLLECTION_FILES.mock), serialise(buildMockEnvironment()))
    writeFileSync(join(root, COLLECTION_FILES.live), serialise(buildLiveEnvironmentTemplate()))
    console.log(`wrote ${Object.values(COLLECTION_FILES).join(', ')}`)
    return 0
  },
})
