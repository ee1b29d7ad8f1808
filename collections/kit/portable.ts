import { readFileSync } from 'node:fs'
import type { Assertion, Capture } from '../model/types.ts'

/**
 * Loads portable.js, the assertion vocabulary shared verbatim with the generated Postman
 * scripts, for the vitest runner.
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

export const PORTABLE_SOURCE = readFileSync(new URL('./portable.js', import.meta.url), 'utf8')

export const kit: Kit = new Function('atobFn', `${PORTABLE_SOURCE}\nreturn conformanceKit(atobFn)`)(atob)
