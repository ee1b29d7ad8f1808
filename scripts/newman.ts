/**
 * `npm run newman -- --target mock|live`: the generated collection through the Newman library.
 * mock: starts the served mock and runs every check; live: hands over to `npm run live`, which
 * owns the token store (rotated refresh tokens are saved the moment they arrive).
 * Exits non-zero on any failed assertion (read from summary.run, not the callback error).
 */
import { parseArgs } from 'node:util'
import { buildCollection } from '../collections/build.ts'
import { catalogue } from '../collections/catalogue/index.ts'
import { mockVariables } from '../collections/model/variables.ts'
import { createMock, serveMock } from '../mocks/index.ts'
import { fail } from './cli-errors.ts'
import { runNewman } from './newman/run.ts'

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'mock' },
    check: { type: 'string', multiple: true, default: [] },
  },
  allowPositionals: false,
})

if (values.target === 'live') {
  await import('./live.ts')
} else if (values.target !== 'mock') {
  fail('--target must be mock or live')
} else {
  const unknown = values.check.filter((id) => !catalogue.some((c) => c.id === id))
  if (unknown.length > 0) fail(`unknown check(s): ${unknown.join(', ')}`)
  const served = await serveMock(createMock(), { port: 0 })
  try {
    const result = await runNewman({
      collection: buildCollection(),
      environment: mockVariables({ connect: served.origin, api: served.origin, control: served.origin }),
      ...(values.check.length > 0 ? { checks: values.check, withSetup: true } : {}),
      reporters: ['cli', 'junit'],
      reporter: { junit: { export: 'reports/junit-newman.xml' } },
    })
    const failed = [...result.verdicts].filter(([, v]) => !v.passed)
    if (result.setupFailures.length > 0) console.error(`setup failed: ${result.setupFailures.join('; ')}`)
    console.log(`${result.verdicts.size - failed.length} passed, ${failed.length} failed`)
    process.exitCode = failed.length > 0 || result.setupFailures.length > 0 ? 1 : 0
  } finally {
    await served.close()
  }
}
