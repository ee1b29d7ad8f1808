import { parseArgs } from 'node:util'
import { HarnessError } from '../errors.ts'

/**
 * The one argument parser of `dinero-conformance`: node:util `parseArgs` behind a declarative
 * flag table per command, which also writes the command's `--help`. Every misuse (unknown flag,
 * missing value, stray argument, a value out of range or not among the allowed ones) becomes a
 * HarnessError `HARNESS_USAGE` naming the flag, never node's ERR_PARSE_ARGS_* stack trace.
 */
interface FlagBase {
  description: string
}
export interface BooleanFlag extends FlagBase {
  type: 'boolean'
}
export interface StringFlag extends FlagBase {
  type: 'string'
  /** The placeholder in the help text: `--reports <dir>`. */
  value: string
  default?: string
  required?: boolean
  /** Allowed values; listed in the help unless `choicesHelp` says where to find them. */
  choices?: readonly string[] | (() => readonly string[])
  choicesHelp?: string
  /** Repeatable; each value may also be a comma-separated list. */
  multiple?: boolean
}
export interface NumberFlag extends FlagBase {
  type: 'number'
  value: string
  default?: number
  min: number
  max: number
  integer?: boolean
}
export type Flag = BooleanFlag | StringFlag | NumberFlag
export type Flags = Record<string, Flag>

type ValueOf<F extends Flag> = F extends BooleanFlag
  ? boolean
  : F extends NumberFlag
    ? F extends { default: number }
      ? number
      : number | undefined
    : F extends { multiple: true }
      ? string[]
      : F extends { default: string } | { required: true }
        ? string
        : string | undefined

export type Values<F extends Flags> = { [K in keyof F]: ValueOf<F[K]> }

export interface CommandSpec<F extends Flags = Flags> {
  /** As typed after the program name: `mock`, `collection build`. */
  name: string
  summary: string
  /** Extra lines after the flag table (examples, where to read more). */
  notes?: readonly string[]
  flags: F
}

export const PROGRAM = 'dinero-conformance'

const HELP_FLAG: BooleanFlag = { type: 'boolean', description: 'print this help and exit' }

export function usageError(message: string): HarnessError {
  return new HarnessError('HARNESS_USAGE', message)
}

export function usageHint(name?: string): string {
  return name === undefined
    ? `usage: ${PROGRAM} <command> [flags]; ${PROGRAM} --help lists the commands`
    : `usage: ${PROGRAM} ${name} [flags]; ${PROGRAM} ${name} --help lists them`
}

const choicesOf = (f: StringFlag): readonly string[] | undefined =>
  typeof f.choices === 'function' ? f.choices() : f.choices

/** Parses argv for one command; `help: true` when `--help` was given (nothing else is checked then). */
export function parseCommand<F extends Flags>(
  spec: CommandSpec<F>,
  argv: readonly string[],
): { help: true } | { help: false; values: Values<F> } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
  }
  for (const [name, f] of Object.entries(spec.flags))
    options[name] = {
      type: f.type === 'boolean' ? 'boolean' : 'string',
      ...(f.type === 'string' && f.multiple ? { multiple: true } : {}),
    }
  let parsed: {
    values: Record<string, string | boolean | (string | boolean)[] | undefined>
    positionals: string[]
    tokens: { kind: string; name?: string }[]
  }
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true })
  } catch (e) {
    throw usageError(parseArgsMessage(e))
  }
  // parseArgs keeps the last of a repeated flag: `live --connect-url A … --connect-url B` ran
  // against B. A flag that takes one value is given once.
  const seen = new Set<string>()
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || t.name === undefined || options[t.name]?.multiple) continue
    if (seen.has(t.name)) throw usageError(`--${t.name} is given more than once`)
    seen.add(t.name)
  }
  if (parsed.values.help === true) return { help: true }
  const stray = parsed.positionals[0]
  if (stray !== undefined)
    throw usageError(`unexpected argument ${JSON.stringify(stray)}: ${PROGRAM} ${spec.name} takes flags only`)

  const values: Record<string, unknown> = {}
  for (const [name, f] of Object.entries(spec.flags)) {
    const raw = parsed.values[name]
    if (f.type === 'boolean') {
      values[name] = raw === true
      continue
    }
    if (f.type === 'number') {
      values[name] = raw === undefined ? f.default : numberValue(name, f, raw as string)
      continue
    }
    if (f.multiple) {
      const list = ((raw as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim())
      for (const v of list) checkChoice(name, f, v)
      values[name] = list.length === 0 && f.default !== undefined ? [f.default] : list
      continue
    }
    if (raw === undefined) {
      if (f.required) throw usageError(`--${name} is required`)
      values[name] = f.default
      continue
    }
    checkChoice(name, f, raw as string)
    values[name] = raw
  }
  return { help: false, values: values as Values<F> }
}

/** A number as a person writes one: decimal digits, an optional sign and fraction (no 0x10, 1e3, Infinity or spaces). */
const DECIMAL = /^-?\d+(?:\.\d+)?$/

function numberValue(name: string, f: NumberFlag, raw: string): number {
  const n = DECIMAL.test(raw) ? Number(raw) : Number.NaN
  const kind = f.integer ? 'an integer' : 'a number'
  if (!Number.isFinite(n) || (f.integer && !Number.isInteger(n)) || n < f.min || n > f.max)
    throw usageError(`--${name} must be ${kind} from ${f.min} to ${f.max}, not ${JSON.stringify(raw)}`)
  return n
}

function checkChoice(name: string, f: StringFlag, value: string): void {
  if (value === '') throw usageError(`--${name} needs a non-empty ${f.value}`)
  const choices = choicesOf(f)
  if (choices === undefined || choices.includes(value)) return
  const allowed = f.choicesHelp ?? `one of ${choices.join(', ')}`
  throw usageError(`--${name} ${JSON.stringify(value)} is not allowed: ${allowed}`)
}

/** node's ERR_PARSE_ARGS_* messages, shortened to the part a person needs. */
function parseArgsMessage(e: unknown): string {
  const err = e as { code?: string; message?: string }
  const message = String(err.message ?? e)
  const option = /'(-[^' ]+)/.exec(message)?.[1]
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${option ?? message}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(message)) return `${option ?? 'a flag'} needs a value`
      if (/ambiguous/.test(message))
        return `${option ?? 'a flag'} needs a value; to pass one starting with -, write ${option ?? '--flag'}=<value>`
      return `${option ?? 'a flag'} takes no value`
    default:
      return message.split('\n')[0] ?? message
  }
}

/** The `--help` text: usage line, summary, one line per flag with its default and allowed values. */
export function helpText(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.flags).map(([name, f]) => {
    const left = f.type === 'boolean' ? `--${name}` : `--${name} ${f.value}`
    const extras: string[] = []
    if (f.type === 'string') {
      const choices = choicesOf(f)
      if (f.choicesHelp) extras.push(f.choicesHelp)
      else if (choices) extras.push(`one of ${choices.join(', ')}`)
      if (f.multiple) extras.push('repeatable, or comma-separated')
      if (f.required) extras.push('required')
    }
    if (f.type === 'number') extras.push(`${f.min}–${f.max}`)
    if ('default' in f && f.default !== undefined) extras.push(`default ${f.default}`)
    return [left, extras.length > 0 ? `${f.description} (${extras.join('; ')})` : f.description]
  })
  rows.push(['--help', HELP_FLAG.description])
  const width = Math.max(...rows.map(([l]) => l.length))
  return [
    `usage: ${PROGRAM} ${spec.name} [flags]`,
    '',
    spec.summary,
    '',
    'flags:',
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes] : []),
  ].join('\n')
}
