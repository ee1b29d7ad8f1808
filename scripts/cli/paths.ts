import { randomBytes } from 'node:crypto'
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HarnessError } from '../errors.ts'

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

/** Kernel file systems: nothing a run writes belongs there (Node's recursive mkdir never returns on /proc). */
const KERNEL_ROOTS = ['/proc', '/sys']

/** `path` with its nearest existing ancestor's symbolic links resolved. */
function realTarget(path: string): string {
  let existing = path
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing)
  const real = existsSync(existing) ? realpathSync(existing) : existing
  return resolve(real, path.slice(existing.length).replace(/^[\\/]+/, ''))
}

/**
 * A writable directory at `dir` (made when missing), checked before a command does its work: an
 * output path found wrong after the checks ran would waste a live rotation and leave the reports
 * unscanned, and `check` or `bench` would end on a bare file-system error (HARNESS_INTERNAL).
 */
export function ensureWritableDir(flag: string, dir: string): void {
  const real = realTarget(dir)
  if (KERNEL_ROOTS.some((root) => real === root || real.startsWith(root + sep)))
    throw new HarnessError(
      'HARNESS_USAGE',
      `${flag} ${dir}: a kernel file system (${real}) is no place for run output`,
    )
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new HarnessError('HARNESS_USAGE', `${flag} ${dir}: exists and is not a directory`)
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK | constants.X_OK)
  } catch (e) {
    throw new HarnessError(
      'HARNESS_CONFIG_INVALID',
      `${flag} ${dir}: cannot create or write this directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    )
  }
}

/**
 * A run's folder in the making or on its way out, beside the folder it stands for:
 * `.<name>.staging-<12 hex>` (replaceDir; `.old-<n>` once moved aside) or `.<name>.removed-<12 hex>`
 * (removeDir). Only folders of exactly these names are passed over by the leak scan (another
 * run's work, not yet anyone's output); a file such as `.env.staging-eu` is scanned like any other.
 */
const IN_PROGRESS = /^\.[^/]+\.(staging-[0-9a-f]{12}(\.old-\d+)?|removed-[0-9a-f]{12})$/
/** A folder of that kind this much older than its last change was left by a run that was killed. */
const ABANDONED_MS = 60 * 60_000

const progressName = (dir: string, kind: 'staging' | 'removed') =>
  join(dirname(dir), `.${basename(dir)}.${kind}-${randomBytes(6).toString('hex')}`)

/**
 * Fills a new folder through `fill` and puts it in place of `dir` as a whole: built beside `dir`
 * (a `.<name>.staging-*` folder of this run's own, made with the same permissions as any other
 * report folder), then renamed into place; whatever is in the way (an earlier run's folder, a
 * file, a symbolic link: moved aside, never followed) is removed. Two runs that share a reports
 * folder each leave a complete folder (the last one's) and neither meets the other's half-removed
 * one: removing and refilling one folder in place ended one of them HARNESS_INTERNAL (ENOTEMPTY
 * from rmdir while the other wrote into it). Folders of this kind that a killed run left over an
 * hour ago are removed on the way.
 */
export function replaceDir(dir: string, fill: (staging: string) => void): void {
  const parent = dirname(dir)
  mkdirSync(parent, { recursive: true })
  removeAbandoned(parent)
  const staging = progressName(dir, 'staging')
  mkdirSync(staging)
  try {
    fill(staging)
    // Bounded: each round moves one thing out of the way; only other runs can put a new one there.
    for (let attempt = 0; ; attempt++) {
      try {
        renameSync(staging, dir)
        return
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (!['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR'].includes(code ?? '') || attempt >= 20) throw e
      }
      const aside = `${staging}.old-${attempt}`
      try {
        renameSync(dir, aside)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      }
      rmSync(aside, { recursive: true, force: true })
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true })
    throw e
  }
}

/**
 * Removes `dir` (whatever it is; a link is removed, not followed) by first renaming it to a name
 * of this run's own: another run's folder renamed into place meanwhile is left alone, where an
 * rm in place met it half-way (ENOTEMPTY).
 */
export function removeDir(dir: string): void {
  const aside = progressName(dir, 'removed')
  try {
    renameSync(dir, aside)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw e
  }
  rmSync(aside, { recursive: true, force: true })
}

function removeAbandoned(parent: string): void {
  let names: string[]
  try {
    names = readdirSync(parent).filter((name) => IN_PROGRESS.test(name))
  } catch {
    return
  }
  for (const name of names) {
    const path = join(parent, name)
    try {
      const st = lstatSync(path)
      if (st.isDirectory() && Date.now() - st.mtimeMs > ABANDONED_MS)
        rmSync(path, { recursive: true, force: true })
    } catch {
      // Gone already (its run finished, or another run cleaned it up).
    }
  }
}

/**
 * Writes a run's output file as a new file: written beside `path` and renamed over it, so a
 * symbolic link already at `path` is replaced, never followed. A link left in a reports folder
 * (a shared /tmp, a CI workspace) once made `live` write its JUnit over the token store it
 * pointed at, and the grant was gone.
 */
export function writeOutputFile(
  path: string,
  data: string | Uint8Array,
  encoding: BufferEncoding = 'utf8',
): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(temporary, data, { encoding, flag: 'wx' })
  try {
    renameSync(temporary, path)
  } catch (e) {
    rmSync(temporary, { force: true })
    throw e
  }
}

/**
 * The regular files at or under `path`, symbolic links below it not followed: what a run's
 * redaction and leak scan go over. The folder named itself is followed when it is a link to a
 * folder: a CI workspace that links `reports` to an artifacts mount had every report written
 * through the link and none redacted or scanned.
 */
export function outputFilesUnder(path: string): string[] {
  let root: Stats
  try {
    root = statSync(path)
  } catch {
    return []
  }
  return root.isDirectory() ? filesBelow(path) : walk(path)
}

function walk(path: string): string[] {
  let st: Stats
  try {
    st = lstatSync(path)
  } catch {
    return []
  }
  if (st.isFile()) return [path]
  return st.isDirectory() ? filesBelow(path) : []
}

function filesBelow(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    // Moved away since the stat (another run put its own folder in place): nothing of ours.
    return []
  }
  return names
    .filter((name) => !(IN_PROGRESS.test(name) && isDirectory(join(dir, name))))
    .flatMap((name) => walk(join(dir, name)))
}

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * A listed output file's bytes, or undefined when it is gone by now: another run sharing the
 * reports folder replaced the folder it was in (replaceDir), so there is nothing left to redact
 * or scan, and the run must not end HARNESS_INTERNAL on the ENOENT.
 */
export function readOutputFile(file: string): Buffer | undefined {
  try {
    return readFileSync(file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/** Whether two paths name one file: the same path once links are resolved, or the same inode. */
export function sameFile(a: string, b: string): boolean {
  if (realTarget(a) === realTarget(b)) return true
  try {
    const x = statSync(a)
    const y = statSync(b)
    return x.dev === y.dev && x.ino === y.ino
  } catch {
    return false
  }
}
