/**
 * `npm run mock -- [--port 4010] [--host 127.0.0.1] [--consent interactive|auto] [--refresh-usage one-time|reuse]
 *   [--grace 0-60] [--replay reject|revoke-all] [--deviation id ...]`
 * Serves Visma Connect and Dinero on one loopback port until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util'
import { createMock, DEVIATIONS, type DeviationId, serveMock } from '../mocks/index.ts'
import { fail } from './cli-errors.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    consent: { type: 'string', default: 'interactive' },
    'refresh-usage': { type: 'string', default: 'one-time' },
    grace: { type: 'string', default: '0' },
    replay: { type: 'string', default: 'revoke-all' },
    deviation: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
  strict: true,
})

if (values.help) {
  console.log(`usage: npm run mock -- [--port 4010] [--host 127.0.0.1] [--consent interactive|auto]
  [--refresh-usage one-time|reuse] [--grace 0..60] [--replay reject|revoke-all] [--deviation <id>]...
deviations: ${Object.keys(DEVIATIONS).join(', ')}`)
  process.exit(0)
}

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be an integer from 0 to 65535')
if (values.consent !== 'interactive' && values.consent !== 'auto')
  fail('--consent must be interactive or auto')
const usage = values['refresh-usage']
if (usage !== 'one-time' && usage !== 'reuse') fail('--refresh-usage must be one-time or reuse')
const replay = values.replay
if (replay !== 'reject' && replay !== 'revoke-all') fail('--replay must be reject or revoke-all')
const grace = Number(values.grace)
if (!Number.isFinite(grace) || grace < 0 || grace > 60) fail('--grace must be 0 to 60 seconds')
for (const d of values.deviation) if (!Object.hasOwn(DEVIATIONS, d)) fail(`unknown deviation ${d}`)

const mock = createMock({
  consent: values.consent,
  refresh: { usage, replay, graceSeconds: grace },
  deviations: values.deviation as DeviationId[],
})
const served = await serveMock(mock, { port, host: values.host }).catch((e: NodeJS.ErrnoException) => {
  if (e.code === 'EADDRINUSE')
    fail(`port ${port} on ${values.host} is already in use; pick another with --port`)
  throw e
})
console.log(`dinero-conformance mock listening on ${served.origin}`)
console.log(`  discovery: ${served.origin}/.well-known/openid-configuration`)
console.log('  client: isv_conformance_test / conformance-secret, user: user@example.com / Passw0rd!')

let closing = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return
    closing = true
    served.close().then(() => process.exit(0))
  })
}
