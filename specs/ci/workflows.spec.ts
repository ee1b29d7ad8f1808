import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { stripVTControlCharacters } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cliArgv } from '../support/cli-child.ts'

/**
 * The example GitHub workflows (.github/workflows, explained in docs/CI.md) are never run here,
 * so they rot silently: this spec reads them and checks that every command they run exists —
 * npm scripts in package.json, binaries under node_modules/.bin with the flags their own --help
 * lists, the project's CLI commands and flags — and that the live job keeps the grant safe.
 */
const ROOT = new URL('../../', import.meta.url)
const WORKFLOWS = new URL('.github/workflows/', ROOT)
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
  scripts: Record<string, string>
  bin?: Record<string, string>
}

interface Step {
  name?: string
  id?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  steps: Step[]
  strategy?: { matrix?: Record<string, unknown[]> }
}
interface Workflow {
  name: string
  concurrency?: { group: string; 'cancel-in-progress': boolean }
  jobs: Record<string, Job>
}

const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'))
const workflows = new Map(
  files.map((f) => [f, parse(readFileSync(new URL(f, WORKFLOWS), 'utf8')) as Workflow] as const),
)
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps)

/** Shell words that are not commands to look up. */
const SHELL = new Set([
  'if',
  'then',
  'elif',
  'else',
  'fi',
  'set',
  'echo',
  'test',
  'umask',
  'printf',
  'exit',
  'cd',
])
/** Programs the workflows take from the runner's image rather than from the project. */
const SYSTEM = new Set(['apt-get', 'mkdir', 'openssl', 'base64'])

/**
 * The simple commands of a `run:` script, as words: split outside quotes on new lines, `&&`,
 * `||`, `;` and `|`; `${{ }}` expressions become X; redirections, variable assignments and
 * the keywords of `if … then … fi` are dropped.
 */
function commandsOf(script: string): string[][] {
  const text = script.replace(/\$\{\{[^}]*\}\}/g, 'X').replace(/\\\n/g, ' ')
  const commands: string[][] = [[]]
  let word = ''
  let quote: string | undefined
  const endWord = (): void => {
    if (word !== '') commands.at(-1)!.push(word)
    word = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else word += c
    } else if (c === '"' || c === "'") quote = c
    else if (c === '\n' || c === ';' || c === '|' || (c === '&' && text[i + 1] === '&')) {
      endWord()
      commands.push([])
      if (text[i + 1] === c) i++
    } else if (c === ' ' || c === '\t') endWord()
    else word += c
  }
  endWord()
  return commands
    .map((words) => {
      const kept: string[] = []
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!
        if (w === '>' || w === '<' || w === '>>') i++
        else if (!/^[<>]/.test(w) && !(kept.length === 0 && /^[A-Z_]+=/.test(w))) kept.push(w)
      }
      while (kept.length > 0 && ['if', 'then', 'elif', 'else'].includes(kept[0]!)) kept.shift()
      return kept
    })
    .filter((words) => words.length > 0 && !words[0]!.startsWith('#'))
}

const helpCache = new Map<string, string>()
function help(argv: string[]): string {
  const key = argv.join(' ')
  if (!helpCache.has(key)) {
    const out = execFileSync(argv[0]!, [...argv.slice(1), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    })
    helpCache.set(key, stripVTControlCharacters(out))
  }
  return helpCache.get(key)!
}
/** A flag's name as its tool's help lists it: `--outputFile.junit=x` (cac's dotted form) is `outputFile`. */
const flagsOf = (words: string[]): string[] =>
  words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')[0]!.split('.')[0]!)
/** `--merge-reports` is listed as `--mergeReports` by vitest (cac); both spellings count. */
const listsFlag = (text: string, flag: string): boolean =>
  [flag, flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())].some((f) =>
    new RegExp(`--${f}(?![\\w-])`).test(text),
  )

/** Why a command would not run in a clone of this repo, or undefined when it would. */
function missing(words: string[]): string | undefined {
  const [cmd, sub, ...rest] = words
  if (cmd === undefined || SHELL.has(cmd)) return undefined
  if (SYSTEM.has(cmd)) return undefined
  if (cmd === 'npm') {
    if (sub === 'ci') return undefined
    const script = sub === 'run' ? rest[0] : sub
    return script !== undefined && pkg.scripts[script] !== undefined ? undefined : `no npm script ${script}`
  }
  if (cmd === 'npx' && sub === 'dinero-conformance') {
    if (pkg.bin?.['dinero-conformance'] === undefined) return 'package.json has no dinero-conformance bin'
    const command = rest.find((w) => !w.startsWith('-'))
    if (command === undefined) return 'no command'
    const cli = [process.execPath, ...cliArgv(), command]
    let text: string
    try {
      text = help(cli)
    } catch {
      return `dinero-conformance ${command} --help fails`
    }
    const unknown = flagsOf(rest).filter((f) => !listsFlag(text, f))
    return unknown.length === 0 ? undefined : `dinero-conformance ${command} lacks ${unknown.join(', ')}`
  }
  if (cmd === 'npx' && sub !== undefined) {
    const bin = new URL(`node_modules/.bin/${sub}`, ROOT)
    if (!existsSync(bin)) return `no binary ${sub} in node_modules/.bin`
    const subcommand = rest[0] !== undefined && !rest[0].startsWith('-') ? [rest[0]] : []
    const text = help([bin.pathname, ...subcommand])
    const unknown = flagsOf(rest).filter((f) => !listsFlag(text, f))
    return unknown.length === 0 ? undefined : `${sub} ${subcommand.join(' ')} lacks ${unknown.join(', ')}`
  }
  return `unknown command ${cmd}`
}

describe('example CI workflows (.github/workflows)', () => {
  it('the command splitter finds every simple command of a script', () => {
    expect(
      commandsOf('set +e\nnpx a --x=1 && B=2 npm run b > o; if test -f x; then echo "y; z" | cat; fi'),
    ).toEqual([
      ['set', '+e'],
      ['npx', 'a', '--x=1'],
      ['npm', 'run', 'b'],
      ['test', '-f', 'x'],
      ['echo', 'y; z'],
      ['cat'],
      ['fi'],
    ])
  })

  it('a command that does not exist is reported (the check bites)', () => {
    expect(missing(['npm', 'run', 'no-such-script'])).toMatch(/no npm script/)
    expect(missing(['npx', 'no-such-bin'])).toMatch(/no binary/)
    expect(missing(['npx', 'vitest', 'run', '--no-such-flag'])).toMatch(/lacks no-such-flag/)
    expect(missing(['curl', 'http://example.test'])).toMatch(/unknown command/)
  })

  it('there are the three documented workflows: ci, ci-sharded and live', () => {
    expect([...workflows.keys()].sort()).toEqual(['ci-sharded.yml', 'ci.yml', 'live.yml'])
    const doc = readFileSync(new URL('docs/CI.md', ROOT), 'utf8')
    for (const f of workflows.keys()) expect(doc).toContain(`.github/workflows/${f}`)
  })

  for (const [file, workflow] of workflows) {
    it(`${file}: every command it runs exists (npm scripts, binaries and their flags)`, () => {
      const problems = steps(workflow)
        .flatMap((s) => (s.run === undefined ? [] : commandsOf(s.run)))
        .map((words) => [words.join(' '), missing(words)] as const)
        .filter(([, why]) => why !== undefined)
      expect(problems).toEqual([])
    })

    it(`${file}: uses only official actions pinned to a major version`, () => {
      const uses = steps(workflow).flatMap((s) => (s.uses === undefined ? [] : [s.uses]))
      for (const u of uses) expect(u).toMatch(/^actions\/[a-z-]+(\/[a-z]+)?@v\d+$/)
    })
  }

  it('ci.yml runs the README commands: npm ci, npm test and npm start', () => {
    const runs = steps(workflows.get('ci.yml')!).map((s) => s.run ?? '')
    for (const cmd of ['npm ci', 'npm test', 'npm start'])
      expect(runs.some((r) => r.startsWith(cmd))).toBe(true)
  })

  it('ci-sharded.yml shards with vitest --shard and merges the blobs in one final job', () => {
    const w = workflows.get('ci-sharded.yml')!
    const shards = w.jobs.test!.strategy!.matrix!.shard!
    expect(shards.length).toBeGreaterThan(1)
    const test = w.jobs.test!.steps.map((s) => s.run ?? '').join('\n')
    expect(test).toContain(`--shard=\${{ matrix.shard }}/${shards.length}`)
    expect(test).toContain('--reporter=blob')
    const merge = w.jobs.merge!.steps.map((s) => s.run ?? '').join('\n')
    expect(merge).toContain('--merge-reports')
    expect(merge).toContain('allure generate')
    // The JUnit file it uploads is the one the merge writes: `--reporter=junit` alone prints the
    // XML to the log, and the artifact had no JUnit file in it.
    const upload = w.jobs.merge!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))
    expect(String(upload?.with?.path)).toContain('reports/junit-vitest.xml')
    expect(merge).toMatch(/--reporter=junit --outputFile\.junit=reports\/junit-vitest\.xml(\s|$)/)
  })

  describe('live.yml keeps the one-time refresh token safe', () => {
    const w = workflows.get('live.yml')!
    const all = w.jobs.live!.steps
    const index = (pred: (s: Step) => boolean): number => all.findIndex(pred)
    const live = index((s) => s.id === 'live')
    const save = index((s) => s.uses?.startsWith('actions/cache/save') === true)

    it('runs one at a time and never cancels a run in progress (two runs would replay the token)', () => {
      expect(w.concurrency?.group).toBeTruthy()
      expect(w.concurrency?.['cancel-in-progress']).toBe(false)
    })

    it('the live step cannot fail the job before the rotated store is saved', () => {
      expect(live).toBeGreaterThan(-1)
      expect(all[live]!.run).toMatch(/^set \+e/)
      expect(all[live]!.run).toContain('npx dinero-conformance live')
      expect(save).toBeGreaterThan(live)
      for (const s of all.slice(live + 1, save + 1)) expect(s.if).toMatch(/always\(\)/)
    })

    it('the store is encrypted before it is cached, and the verdict comes last', () => {
      const encrypt = all
        .slice(live + 1, save)
        .map((s) => s.run ?? '')
        .join('\n')
      expect(encrypt).toMatch(/openssl enc -aes-256-cbc -pbkdf2/)
      expect(all.at(-1)!.run).toContain('steps.live.outputs.exit')
    })

    it('the seed secret is used only when asked for: an older seed holds a consumed token', () => {
      const restore = all.map((s) => s.run ?? '').find((r) => r.includes('TOKEN_STORE_SEED'))
      expect(restore).toMatch(/if test "\$SEED_WANTED" = "true"/)
      expect(restore).toMatch(/else echo "error: no saved token store/)
    })
  })
})
