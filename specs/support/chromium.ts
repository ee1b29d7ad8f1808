import { existsSync } from 'node:fs'

/**
 * Debian's Chromium, which the browser specs drive through playwright-core (no downloaded
 * browser: `scripts/ensure-test-tools.ts` installs it before `npm test`). A spec that needs it fails
 * loudly when it is missing; none skips.
 */
export const CHROMIUM = '/usr/bin/chromium'

/** Headless, no sandbox (containers), and nothing that reaches the network on its own. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launch options for `chromium.launch` or `launchPersistentContext`; throws when Chromium is missing. */
export function chromiumOptions(): { executablePath: string; headless: true; args: string[] } {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium). This spec never skips.`,
    )
  return { executablePath: CHROMIUM, headless: true, args: [...ARGS] }
}
