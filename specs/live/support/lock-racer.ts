/**
 * One racer of the lock race spec, for every round: waits until the round's instant (so all racers
 * hit the lock together), opens that round's token store, and records `enter <id>` / `exit <id>` in
 * the round's append-only journal around a short hold, or `locked <id>` when the lock was refused
 * with HARNESS_TOKEN_STORE_LOCKED. Anything else is printed and ends the racer with exit 1.
 *
 * usage: lock-racer <root> <id> <firstAt epoch ms> <interval ms> <rounds> <hold ms>
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { HarnessError } from '../../../scripts/errors.ts'
import { TokenStore } from '../../../scripts/live/token-store.ts'

const [root, id, firstAt, interval, rounds, holdMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
]
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms))

for (let r = 0; r < Number(rounds); r++) {
  const dir = join(root, `round-${r}`)
  const journal = join(dir, 'journal')
  sleep(Number(firstAt) + r * Number(interval) - Date.now())
  let store: TokenStore
  try {
    store = TokenStore.open(join(dir, 'tokens.json'))
  } catch (e) {
    if (e instanceof HarnessError && e.code === 'HARNESS_TOKEN_STORE_LOCKED') {
      appendFileSync(journal, `locked ${id}\n`)
      continue
    }
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e))
    process.exit(1)
  }
  appendFileSync(journal, `enter ${id}\n`)
  sleep(Number(holdMs))
  appendFileSync(journal, `exit ${id}\n`)
  store.release()
}
process.exit(0)
