import { readFileSync } from 'node:fs'
import type { Assertion, Capture } from '../model/types.ts'

/**
 * Loads portable.js, the assertion vocabulary of the vitest runner, whose parsers the generated
 * Postman scripts embed verbatim (collections/build.ts).
 */
export interface PortableReply {
  status: number
  header(name: string): string | null
  text: string
}

export interface Kit {
  expand(template: string, vars: Readonly<Record<string, string>>): string
  evaluate(a: Assertion, reply: PortableReply, vars: Readonly<Record<string, string>>): string | undefined
  capture(c: Capture, reply: PortableReply): string | undefined
}

// Built, this module is itself dist/collections/kit/portable.js, so the kit's source cannot sit
// beside it: the package ships it at its source path (package.json `files`).
const KIT_FILE = import.meta.url.endsWith('.ts') ? './portable.js' : '../../../collections/kit/portable.js'
export const PORTABLE_SOURCE = readFileSync(new URL(KIT_FILE, import.meta.url), 'utf8')

export const kit: Kit = new Function('atobFn', `${PORTABLE_SOURCE}\nreturn conformanceKit(atobFn)`)(atob)
