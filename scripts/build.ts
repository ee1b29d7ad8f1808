import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { BUILD_STAMP, distIsFresh } from './dist-freshness.ts'

/**
 * `npm run build` (also npm's `prepare`, so `npm ci` and `npm pack` build): dist/ for plain Node.
 * tsc emits the modules (tsconfig.build.json rewrites `.ts` imports to `.js`); the data files those
 * modules read beside themselves at runtime (`new URL('./x.json', import.meta.url)`) are copied to
 * the same place under dist/, so a relative read means the same in the source tree and the package.
 */
const SOURCE_DIRS = ['mocks', 'collections', 'scripts']
const OUT = 'dist'
/**
 * When this build started (scripts/dist-freshness.ts): a dist/ built after every source last
 * changed is packed as it is by the package spec and run by specs that start the CLI.
 */
const started = Date.now()

/**
 * `--if-stale` (npm test's pretest): nothing to do when dist/ still matches the sources, and a
 * failed build does not stop the tests (a type error is typecheck's to report; without a fresh
 * stamp the specs run the CLI from source).
 */
const ifStale = process.argv.includes('--if-stale')
if (ifStale && distIsFresh('.')) process.exit(0)

rmSync(OUT, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
if (built.status !== 0) {
  if (ifStale) {
    console.error('warning: tsc -p tsconfig.build.json failed; the specs run the CLI from source')
    process.exit(0)
  }
  console.error('error [BUILD_TSC_FAILED]: tsc -p tsconfig.build.json failed')
  process.exit(1)
}

function copyAssets(dir: string): number {
  let copied = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      copied += copyAssets(path)
      continue
    }
    if (entry.name.endsWith('.ts') || entry.name.endsWith('.md')) continue
    // A .js beside a .ts of the same name would overwrite that module's output; such a file
    // (collections/kit/portable.js) ships from the source tree instead (package.json `files`).
    if (entry.name.endsWith('.js') && existsSync(path.replace(/\.js$/, '.ts'))) continue
    cpSync(path, join(OUT, path))
    copied++
  }
  return copied
}

const copied = SOURCE_DIRS.reduce((n, dir) => n + copyAssets(dir), 0)
if (existsSync('node_modules')) {
  mkdirSync('node_modules/.cache/dinero-conformance', { recursive: true })
  writeFileSync(BUILD_STAMP, `${JSON.stringify({ started, sources: SOURCE_DIRS })}\n`)
}
console.log(`built ${OUT}/ (tsc) and copied ${copied} data files`)
