/**
 * The crash test's subject: the live refresher loop. Opens the token store (taking the lock),
 * prints `ready`, then rotates the stored grant `--count` times through the refresher, printing
 * `rotated <n>` after each saved answer. `--die-after-answer <n>` SIGKILLs the process after the
 * n-th answer has been read and before it is saved: the one kill point a random kill rarely hits.
 */
import { parseArgs } from 'node:util'
import { runMain } from '../../../scripts/cli/exit.ts'
import { loadConfig } from '../../../scripts/live/config.ts'
import { refreshStored } from '../../../scripts/live/refresher.ts'
import { SecretSet } from '../../../scripts/live/secrets.ts'
import { TokenStore } from '../../../scripts/live/token-store.ts'

const { values } = parseArgs({
  options: {
    'connect-url': { type: 'string' },
    count: { type: 'string', default: '1' },
    'die-after-answer': { type: 'string' },
  },
})
const secrets = new SecretSet()
runMain(async () => {
  const config = loadConfig(
    values['connect-url'] === undefined ? {} : { connectUrl: values['connect-url'] },
    { require: ['clientId', 'clientSecret'] },
  )
  secrets.add(config.clientSecret)
  const store = TokenStore.open(config.tokenStore)
  console.log('ready')
  const count = Number(values.count)
  const dieAt = values['die-after-answer'] === undefined ? -1 : Number(values['die-after-answer'])
  for (let i = 1; i <= count; i++) {
    await refreshStored(store, {
      connectUrl: config.connectUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      graceSeconds: config.refreshGraceSeconds,
      secrets,
      log: (line) => console.log(line),
      ...(i === dieAt ? { afterAnswer: () => process.kill(process.pid, 'SIGKILL') } : {}),
    })
    console.log(`rotated ${i}`)
  }
  store.release()
  return 0
}, secrets)
