/**
 * `dinero-conformance mock`: serves Visma Connect and Dinero on one loopback port until
 * SIGINT/SIGTERM (then closes and exits 0).
 */
import { DEVIATIONS, type DeviationId } from '../../mocks/deviations.ts'
import { ServeError } from '../../mocks/http/serve.ts'
import { defineCommand } from '../cli/command.ts'
import { HarnessError } from '../errors.ts'

export const command = defineCommand({
  name: 'mock',
  summary: 'Serve the Visma Connect + Dinero mock on a loopback port until Ctrl-C',
  flags: {
    port: {
      type: 'number',
      value: '<port>',
      default: 4010,
      min: 0,
      max: 65535,
      integer: true,
      description: 'port to listen on; 0 picks a free one',
    },
    host: {
      type: 'string',
      value: '<host>',
      default: '127.0.0.1',
      description: 'interface to listen on; anything but loopback needs --allow-non-loopback',
    },
    'allow-non-loopback': {
      type: 'boolean',
      description: 'let other machines reach the mock (its seeded credentials are public test values)',
    },
    consent: {
      type: 'string',
      value: '<mode>',
      default: 'interactive',
      choices: ['interactive', 'auto'],
      description: 'interactive: login and consent pages; auto: the seeded user accepts at once',
    },
    'live-like': {
      type: 'boolean',
      description:
        'offer only what Visma and Dinero offer: no X-Mock-Consent, no --consent auto, no /__mock/* (sign in and consent on the pages)',
    },
    'refresh-usage': {
      type: 'string',
      value: '<usage>',
      default: 'one-time',
      choices: ['one-time', 'reuse'],
      description: 'whether a refresh token rotates on use',
    },
    grace: {
      type: 'number',
      value: '<s>',
      default: 0,
      min: 0,
      max: 60,
      description: 'grace window for a used refresh token, seconds: 0 (none) or 5–60',
    },
    replay: {
      type: 'string',
      value: '<policy>',
      default: 'revoke-all',
      choices: ['reject', 'revoke-all'],
      description: 'what a replayed refresh token costs',
    },
    deviation: {
      type: 'string',
      value: '<id>',
      multiple: true,
      choices: Object.keys(DEVIATIONS),
      description: 'make the mock wrong on purpose',
    },
  },
  notes: ['client: isv_conformance_test / conformance-secret, user: user@example.com / Passw0rd!'],
  async run(values) {
    const { createMock, serveMock } = await import('../../mocks/index.ts')
    // dinero-grace-period: Visma offers 5–60 s, or none.
    if (values.grace > 0 && values.grace < 5)
      throw new HarnessError('HARNESS_USAGE', `--grace must be 0 (none) or 5–60, not "${values.grace}"`)
    const liveLike = values['live-like'] === true
    if (liveLike && values.consent === 'auto')
      throw new HarnessError(
        'HARNESS_USAGE',
        '--consent auto is a mock shortcut and --live-like offers none: drop one of them',
      )
    const mock = createMock({
      consent: values.consent as 'interactive' | 'auto',
      liveLike,
      refresh: {
        usage: values['refresh-usage'] as 'one-time' | 'reuse',
        replay: values.replay as 'reject' | 'revoke-all',
        graceSeconds: values.grace,
      },
      deviations: values.deviation as DeviationId[],
    })
    const served = await serveMock(mock, {
      port: values.port,
      host: values.host,
      allowNonLoopback: values['allow-non-loopback'] === true,
    }).catch((e: NodeJS.ErrnoException) => {
      if (e instanceof ServeError)
        throw new HarnessError(
          'HARNESS_USAGE',
          `${e.message.replace(/pass allowNonLoopback/, 'pass --allow-non-loopback')}`,
        )
      if (e.code === 'EADDRINUSE')
        throw new HarnessError(
          'HARNESS_PORT_IN_USE',
          `port ${values.port} on ${values.host} is already in use; pick another with --port`,
        )
      throw e
    })
    // The real bound address: with --host 0.0.0.0 the origin for clients is still loopback,
    // but a person must see what else now reaches the mock.
    console.log(`dinero-conformance mock listening on ${served.listening} (use ${served.origin})`)
    if (served.warning !== undefined) console.error(served.warning)
    console.log(`  discovery: ${served.origin}/.well-known/openid-configuration`)
    console.log('  client: isv_conformance_test / conformance-secret, user: user@example.com / Passw0rd!')
    if (liveLike)
      console.log('  live-like: sign in and consent on the pages; no X-Mock-Consent, no /__mock/*')
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve())
    })
    await served.close()
    return 0
  },
})
