/**
 * `npm test` runs this first (pretest), to put in place the two tools the specs use from outside
 * Node, the way `npm ci` puts the packages:
 * - Debian's Chromium, which the browser specs drive through playwright-core (it never downloads
 *   a browser);
 * - a Python virtual environment with the unmodified third-party OAuth clients of
 *   examples/python-client (Authlib, requests-oauthlib, httpx at the versions its
 *   requirements.txt pins), which specs/clients/python-clients.spec.ts runs against the served
 *   mock. It is made under node_modules/.cache (so `npm ci` starts it afresh) when missing or
 *   when requirements.txt changed; pip reads the machine's own index configuration.
 * Where a system package is missing and we are root with apt-get (a fresh CI machine), it is
 * installed; otherwise this says how, and the spec that needs it fails loudly with the same
 * instruction (none skips).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { processEnvironment } from './env.ts'
import { PYTHON_CLIENTS } from './python-clients.ts'

const CHROMIUM = '/usr/bin/chromium'

/** apt-get install `pkg` when we may; false (with the instruction printed) when we may not or it failed. */
function aptInstall(pkg: string, forWhat: string): boolean {
  const root = process.getuid?.() === 0
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0
  if (!root || !apt) {
    console.error(`${pkg} is missing: install it (sudo apt-get install ${pkg}) for ${forWhat}`)
    return false
  }
  console.log(`installing Debian’s ${pkg} for ${forWhat} (apt-get install ${pkg})…`)
  const env = { ...processEnvironment(), DEBIAN_FRONTEND: 'noninteractive' }
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  const install = spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env })
  if (install.status !== 0) console.error(`apt-get install ${pkg} failed; ${forWhat} will fail`)
  return install.status === 0
}

if (!existsSync(CHROMIUM)) aptInstall('chromium', 'specs/browser')

const { venv, python, requirements, stamp } = PYTHON_CLIENTS
const wanted = readFileSync(requirements, 'utf8')
const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : undefined
if (!existsSync(python) || installed !== wanted) {
  // Debian splits venv's pip bootstrap (ensurepip) into python3-venv.
  const canVenv = () => spawnSync('python3', ['-c', 'import venv, ensurepip']).status === 0
  if (canVenv() || (aptInstall('python3-venv', 'specs/clients') && canVenv())) {
    console.log(`installing the Python OAuth clients for specs/clients (${venv})…`)
    rmSync(venv, { recursive: true, force: true })
    const made = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' })
    // --retries 0: where the default index is unreachable and a local one is configured beside
    // it, pip spends five retries per package (~2 minutes for this list) before using the local one.
    const pip =
      made.status === 0
        ? spawnSync(python, ['-m', 'pip', 'install', '-qq', '--retries', '0', '-r', requirements], {
            stdio: 'inherit',
          })
        : made
    if (pip.status === 0) writeFileSync(stamp, wanted)
    else
      console.error('pip could not install examples/python-client/requirements.txt; specs/clients will fail')
  }
}
