import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Whether `dist/` still matches the sources: scripts/build.ts stamps when it started and which
 * folders it built, and dist/ is fresh when no file it is built from changed after that. The
 * package spec packs a fresh dist/ as it is, and specs start the built CLI instead of the source
 * under tsx when it is fresh (specs/support/cli-child.ts); `npm test`'s pretest builds a stale one.
 */
export const BUILD_STAMP = 'node_modules/.cache/dinero-conformance/last-build.json'
export const BUILT_CLI = 'dist/scripts/cli.js'
/** What dist/ is built from besides the stamped source folders. */
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']

/** The newest modification time under `path` (node_modules and dist left out). */
function newest(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of readdirSync(path))
    if (entry !== 'node_modules' && entry !== 'dist') latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

export function distIsFresh(root: string): boolean {
  const stamp = join(root, BUILD_STAMP)
  if (!existsSync(stamp) || !existsSync(join(root, BUILT_CLI))) return false
  let stamped: { started?: unknown; sources?: unknown } | null
  try {
    stamped = JSON.parse(readFileSync(stamp, 'utf8')) as typeof stamped
  } catch {
    return false // an unreadable stamp proves nothing: build again
  }
  const { started, sources } = stamped ?? {}
  if (typeof started !== 'number' || !Array.isArray(sources)) return false
  const inputs = [...(sources as string[]), ...BUILD_INPUTS]
  return Math.max(...inputs.map((p) => newest(join(root, p)))) < started
}
