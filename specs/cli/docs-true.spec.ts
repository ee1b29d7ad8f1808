import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultClients } from '../../mocks/options.ts'
import type { Flags } from '../../scripts/cli/args.ts'
import type { Command } from '../../scripts/cli/command.ts'

/**
 * The docs say what the code does: every flag a command declares (what its `--help` prints,
 * scripts/cli/args.ts) is documented exactly once, in a `| \`<command>\` flag | meaning |` table of
 * README.md or docs/*.md, and no such table names a flag the command does not have; every
 * Markdown table row has as many cells as its header (an unescaped `|` in a cell splits it); the
 * README's seeded-data table lists every client the mock seeds.
 */
const ROOT = new URL('../../', import.meta.url).pathname
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))].filter((f) =>
  f.endsWith('.md'),
)
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8')

/** The cells of a table row; `\|` is a pipe inside a cell (GFM). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

interface Table {
  file: string
  line: number
  header: string[]
  rows: string[][]
}

function tables(file: string): Table[] {
  const out: Table[] = []
  const lines = text(file).split('\n')
  let fenced = false
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? ''
    if (/^\s*```/.test(l)) fenced = !fenced
    if (fenced || !l.trim().startsWith('|') || !/^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? '')) continue
    const table: Table = { file, line: i + 1, header: cells(l), rows: [] }
    let j = i + 2
    for (; j < lines.length && (lines[j] ?? '').trim().startsWith('|'); j++)
      table.rows.push(cells(lines[j] ?? ''))
    out.push(table)
    i = j - 1
  }
  return out
}

const ALL_TABLES = DOCS.flatMap(tables)

const commands = await Promise.all(
  readdirSync(join(ROOT, 'scripts', 'commands'))
    .filter((f) => f.endsWith('.ts'))
    .map(async (f) => {
      const mod = (await import(join(ROOT, 'scripts', 'commands', f))) as { command?: Command<Flags> }
      return mod.command
    }),
).then((list) => list.filter((c): c is Command<Flags> => c !== undefined))

/** Flags each docs table documents, by command: `--name` from the first cell of each row. */
function documented(command: string): { flag: string; where: string }[] {
  return ALL_TABLES.filter((t) => t.header[0] === `\`${command}\` flag`).flatMap((t) =>
    t.rows.map((r) => ({
      flag: /^`--([a-z0-9-]+)/.exec(r[0] ?? '')?.[1] ?? `?${r[0]}`,
      where: `${t.file}:${t.line}`,
    })),
  )
}

describe('the docs are true to the code', () => {
  it('every command module is found (the flag check below covers them all)', () => {
    expect(commands.map((c) => c.name).sort()).toEqual(
      ['bench', 'check', 'checks', 'collection build', 'docs', 'grade', 'live', 'login', 'mock'].sort(),
    )
  })

  it.each(commands.map((c) => [c.name, c] as const))(
    '`%s`: every declared flag is documented exactly once in a docs flag table, and none that is not declared',
    (name, command) => {
      const declared = Object.keys(command.flags).sort()
      const docs = documented(name)
      const flags = docs.map((d) => d.flag)
      expect(
        [...new Set(flags)].sort(),
        `documented flags of ${name} (${docs.map((d) => d.where).join(', ')})`,
      ).toEqual(declared)
      expect(flags, `each flag of ${name} documented once`).toHaveLength(declared.length)
    },
  )

  it.each(DOCS)(
    '%s: every table row has as many cells as its header (a `|` in a cell is escaped)',
    (file) => {
      for (const t of tables(file))
        for (const [k, row] of t.rows.entries())
          expect(row.length, `${file}:${t.line + 2 + k}: ${row.join(' | ').slice(0, 80)}`).toBe(
            t.header.length,
          )
    },
  )

  it('the README row of the authorize endpoint keeps GET | POST in one cell', () => {
    expect(text('README.md')).toMatch(/^\| `GET \\\| POST \/connect\/authorize` \| validates client/m)
  })

  it("the README's seeded-data table lists every client the mock seeds, with its secret", () => {
    const seeded = ALL_TABLES.find(
      (t) => t.file === 'README.md' && t.header[0] === 'what' && t.rows.some((r) => r[0]?.includes('client')),
    )
    expect(seeded).toBeDefined()
    const values = seeded!.rows.map((r) => r[1] ?? '').join('\n')
    for (const client of defaultClients()) {
      expect(values).toContain(`\`${client.clientId}\` / \`${client.secret}\``)
    }
  })
})
