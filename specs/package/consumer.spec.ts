import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { distIsFresh } from '../../scripts/dist-freshness.ts'

/**
 * The package as an integrator gets it: `npm pack` of this repository (which builds dist/ on
 * `prepare`, unless dist/ is already newer than every source), installed from the tarball into a copy of examples/consumer with nothing beside it,
 * then used on plain Node, with no tsx and no source tree. The install is offline: npm ci has put
 * every tarball in the npm cache, and a copy of this repository's lockfile gives npm the versions,
 * so nothing needs the registry's metadata.
 */
const ROOT = resolve(import.meta.dirname, '../..')
let work: string
let app: string

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

// Nothing of the outer run leaks in: no tsx preload, no vitest worker state, no npm lifecycle config.
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k === 'TEST' || k === 'NODE_ENV') continue
    if (k.startsWith('npm_') && k !== 'npm_config_cache' && k !== 'npm_config_userconfig') continue
    env[k] = v
  }
  return env
}

function run(command: string, args: string[], cwd: string, timeout = 120_000): Run {
  // SIGKILL at the timeout: once, under a full suite, `npm install` hung idle after fetching every
  // tarball and ignored the SIGTERM spawnSync sends by default, which blocked the worker for good.
  const r = spawnSync(command, args, {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function ok(r: Run, what: string): Run {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stderr.slice(-2000)}`)
  return r
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dinero-conformance-package-'))
  const packs = join(work, 'pack')
  app = join(work, 'app')
  mkdirSync(packs)
  const pack = ['pack', '--pack-destination', packs, ...(distIsFresh(ROOT) ? ['--ignore-scripts'] : [])]
  ok(run('npm', pack, ROOT, 240_000), 'npm pack')
  const tarball = readdirSync(packs).find((f) => f.endsWith('.tgz'))
  if (tarball === undefined) throw new Error('npm pack wrote no tarball')
  cpSync(join(ROOT, 'examples/consumer'), app, {
    recursive: true,
    filter: (src) => !src.includes('node_modules'),
  })
  cpSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'))
  ok(
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(packs, tarball)], app, 240_000),
    'npm install of the tarball',
  )
}, 600_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('dinero-conformance installed from npm pack into a project of its own', () => {
  it("import('dinero-conformance') on plain Node gives createMock as a function", () => {
    const r = ok(
      run('node', ['-e', "import('dinero-conformance').then((m) => console.log(typeof m.createMock))"], app),
      'node -e import',
    )
    expect(r.stdout.trim()).toBe('function')
  })

  it('npx dinero-conformance --help exits 0 and lists the commands', () => {
    const r = run('npx', ['dinero-conformance', '--help'], app)
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^\s+check\s/m)
  })

  it('npx dinero-conformance checks --json lists every check of the catalogue, exit 0', () => {
    const r = run('npx', ['dinero-conformance', 'checks', '--json'], app)
    expect(r.status).toBe(0)
    const listed = (JSON.parse(r.stdout) as { id: string }[]).map((c) => c.id)
    expect(listed).toEqual(catalogue.map((c) => c.id))
  })

  it('npx dinero-conformance mock --bogus exits 2 with one error [HARNESS_USAGE] line and no stack trace', () => {
    const r = run('npx', ['dinero-conformance', 'mock', '--bogus'], app)
    expect(r.status).toBe(2)
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error ['))
    expect(errors).toEqual(['error [HARNESS_USAGE]: unknown flag --bogus'])
    expect(r.stderr).not.toMatch(/^\s+at /m)
  })

  it('installed, the commands that need the clone or optional tools say so in one line, exit 2; collection build writes into the working directory', () => {
    // The installed bin itself: npx (~0.3 CPU-s more a call) is what the three tests above go through.
    const bin = join(app, 'node_modules', '.bin', 'dinero-conformance')
    const bench = run(bin, ['bench', '--only', 'served'], app)
    expect(bench.status).toBe(2)
    expect(bench.stderr.trim()).toMatch(/^error \[HARNESS_BENCH_TOOLS_MISSING\]: .*autocannon.*npm i -D/)
    const docs = run(bin, ['docs'], app)
    expect(docs.status).toBe(2)
    expect(docs.stderr.trim()).toMatch(/^error \[HARNESS_NOT_SOURCE_TREE\]: /)
    const build = run(bin, ['collection', 'build'], app)
    expect(build.status, build.stderr).toBe(0)
    const written = JSON.parse(
      readFileSync(join(app, 'collections/dinero-conformance.postman_collection.json'), 'utf8'),
    ) as { item: unknown[] }
    expect(written.item.length).toBeGreaterThan(0)
  })

  it("the consumer's npm test passes: its client against createMock() in vitest, then dinero-conformance check", () => {
    const r = run('npm', ['test'], app, 300_000)
    if (r.status !== 0) throw new Error(`npm test exited ${r.status}:\n${(r.stdout + r.stderr).slice(-3000)}`)
    const out = stripVTControlCharacters(r.stdout)
    expect(out).toMatch(/Tests\s+2 passed \(2\)/)
    expect(out).toContain(`${catalogue.length} passed, 0 failed`)
    // The Allure HTML comes from the `allure` dependency: proof that it installed with the package.
    expect(existsSync(join(app, 'reports/allure-report/index.html'))).toBe(true)
  }, 300_000)
})
