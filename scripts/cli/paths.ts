import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The package's own folder, found from this module's location (never the working directory):
 * the nearest folder above with a package.json, the same from scripts/ under tsx and from
 * dist/scripts/ once built.
 */
/** Whether this is the project's clone (specs/ beside the code) rather than an installed package. */
export function inSourceTree(): boolean {
  return existsSync(join(packageRoot(), 'specs'))
}

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`)
    dir = up
  }
  return dir
}
