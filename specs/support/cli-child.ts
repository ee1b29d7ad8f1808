import { join, resolve } from 'node:path'
import { BUILT_CLI, distIsFresh } from '../../scripts/dist-freshness.ts'

/**
 * How specs start `dinero-conformance` as a child process. Under tsx a child spends ~0.75 CPU-s
 * more than on the built JavaScript before it does anything (tsx's loader thread and the
 * transform of every module; docs/BENCH.md "npm test time"), and the suite starts dozens of
 * them. So a child runs `dist/scripts/cli.js` when dist/ was built after every file it is built
 * from last changed — on a fresh clone `npm ci` has just built it, and `npm test`'s pretest
 * rebuilds a stale one — and the source under tsx otherwise, so a spec never runs stale code.
 */
const ROOT = resolve(import.meta.dirname, '../..')

let fresh: boolean | undefined

/**
 * The node arguments that run the CLI (its command and flags follow). Decided once per worker:
 * the sources do not change under a running suite.
 */
export function cliArgv(): string[] {
  fresh ??= distIsFresh(ROOT)
  return fresh ? [join(ROOT, BUILT_CLI)] : ['--import', 'tsx', join(ROOT, 'scripts/cli.ts')]
}
