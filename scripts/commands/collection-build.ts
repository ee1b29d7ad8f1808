/**
 * `dinero-conformance collection build` (`npm run collection:build`): writes the Postman
 * collection and environments from the catalogue into the package's collections/ folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { defineCommand } from '../cli/command.ts'
import { inSourceTree, packageRoot } from '../cli/paths.ts'

export const command = defineCommand({
  name: 'collection build',
  summary: 'Write the Postman collection and environments from the catalogue',
  flags: {
    out: {
      type: 'string',
      value: '<dir>',
      description: 'folder to write into (default: collections/ of the clone; ./collections when installed)',
    },
  },
  async run(values) {
    const {
      buildCollection,
      buildLiveEnvironmentTemplate,
      buildMockEnvironment,
      COLLECTION_FILES,
      serialise,
    } = await import('../../collections/build.ts')
    // An installed package never writes into its own folder under node_modules.
    const out =
      values.out !== undefined
        ? resolve(values.out)
        : inSourceTree()
          ? join(packageRoot(), 'collections')
          : resolve('collections')
    mkdirSync(out, { recursive: true })
    const files = [
      [COLLECTION_FILES.collection, buildCollection()],
      [COLLECTION_FILES.mock, buildMockEnvironment()],
      [COLLECTION_FILES.live, buildLiveEnvironmentTemplate()],
    ] as const
    for (const [file, content] of files) writeFileSync(join(out, basename(file)), serialise(content))
    console.log(`wrote ${files.map(([file]) => join(out, basename(file))).join(', ')}`)
    return 0
  },
})
