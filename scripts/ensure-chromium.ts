/**
 * `npm test` runs this first (pretest): the consent-page spec drives Debian's Chromium through
 * playwright-core, which never downloads a browser. When /usr/bin/chromium is missing and we
 * are root with apt-get (a fresh CI machine), install it; otherwise say how, and let the
 * browser spec fail loudly with the same instruction.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { processEnvironment } from './env.ts'

const CHROMIUM = '/usr/bin/chromium'

if (!existsSync(CHROMIUM)) {
  const root = process.getuid?.() === 0
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0
  if (root && apt) {
    console.log('installing Debian’s chromium for the browser specs (apt-get install chromium)…')
    const env = { ...processEnvironment(), DEBIAN_FRONTEND: 'noninteractive' }
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env })
    if (install.status !== 0) console.error('apt-get install chromium failed; specs/browser will fail')
  } else {
    console.error(
      `${CHROMIUM} is missing: install Debian's chromium (sudo apt-get install chromium) for specs/browser`,
    )
  }
}
