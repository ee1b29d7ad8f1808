import { mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ITEM_SEPARATOR } from '../../../collections/build.ts'
import { writeOutputFile } from '../../cli/paths.ts'
import { HarnessError } from '../../errors.ts'
import type { NewmanExchange } from '../../newman/run.ts'
import { assertNoLeaks, type SecretSet } from '../secrets.ts'
import { type Placeholders, type Shape, shapeOf } from './shape.ts'

/**
 * Records, while a run checks, the shape of every answer a check's step received (shape.ts):
 * hooked into the one Newman wrapper's `onResponse` (scripts/newman/run.ts), so it sees each
 * answer before the step's test script. A recording (`live --record <file>`) holds shapes only
 * and is scanned for every known secret once written.
 */
export interface RecordedStep {
  check: string
  /** The step's position in the check's steps as the mock runs them (prelude first), from 1. */
  index: number
  step: string
  shape: Shape
  /** What the run asked with that the mock must ask with too (Seed); absent when the mock's own values do. */
  seed?: Seed
}

/**
 * The variables a replay takes from the run instead of the mock's own: only the scopes a pooled
 * code was asked with (login's sign-in asks for every pooled scope at once, openid among them,
 * and the token answer's keys follow the scopes: OIDC Core §3.1.3.3). Never a value of the person.
 */
export interface Seed {
  scopes?: string | undefined
}

const SCOPES = /^[\w:.\- ]{1,300}$/

export interface Recording {
  format: 'dinero-conformance/drift-shapes@1'
  steps: RecordedStep[]
}

export const RECORDING_FORMAT = 'dinero-conformance/drift-shapes@1'

/** `connect.token.get-rejected · 2. GET the token endpoint` → its check, position and name. */
export function parseItemName(itemName: string): { check: string; index: number; step: string } | undefined {
  const at = itemName.indexOf(ITEM_SEPARATOR)
  if (at < 0) return undefined
  const m = /^(\d+)\. (.*)$/s.exec(itemName.slice(at + ITEM_SEPARATOR.length))
  const check = itemName.slice(0, at)
  if (m === null || check === 'setup') return undefined
  return { check, index: Number(m[1]), step: m[2]! }
}

export class ShapeRecorder {
  readonly steps: RecordedStep[] = []
  private readonly seeds = new Map<string, Seed>()
  private readonly places: Placeholders
  /** Takes the three addresses only, so a config passed in whole leaves its secret behind. */
  constructor({ connectUrl, apiUrl, redirectUri }: Placeholders) {
    this.places = {
      ...(connectUrl === undefined ? {} : { connectUrl }),
      ...(apiUrl === undefined ? {} : { apiUrl }),
      ...(redirectUri === undefined ? {} : { redirectUri }),
    }
  }

  /** What a check was run with (Seed); a value that is not a scope list is left out. */
  seed(check: string, seed: Seed): void {
    if (seed.scopes !== undefined && SCOPES.test(seed.scopes)) this.seeds.set(check, { scopes: seed.scopes })
  }

  /** Newman's `onResponse`: no answer, nothing to shape. */
  readonly onResponse = (itemName: string, exchange: NewmanExchange | undefined): void => {
    const item = parseItemName(itemName)
    if (item === undefined || exchange === undefined) return
    const seed = this.seeds.get(item.check)
    this.steps.push({
      ...item,
      shape: shapeOf({ status: exchange.code, headers: exchange.headers, text: exchange.text }, this.places),
      ...(seed ? { seed } : {}),
    })
  }
}

/** Writes the recording, then scans it: a leak removes nothing, it fails the run (HARNESS_SECRET_LEAK). */
export function writeRecording(file: string, steps: readonly RecordedStep[], secrets: SecretSet): void {
  const recording: Recording = { format: RECORDING_FORMAT, steps: [...steps] }
  mkdirSync(dirname(file), { recursive: true })
  writeOutputFile(file, `${JSON.stringify(recording, null, 2)}\n`)
  assertNoLeaks([file], secrets)
}

export function readRecording(file: string): Recording {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new HarnessError(
      'HARNESS_CONFIG_INVALID',
      `${file} is not a drift recording: ${(e as Error).message}`,
    )
  }
  const r = parsed as Partial<Recording> | null
  if (r?.format !== RECORDING_FORMAT || !Array.isArray(r.steps))
    throw new HarnessError(
      'HARNESS_CONFIG_INVALID',
      `${file} is not a drift recording (format ${RECORDING_FORMAT})`,
    )
  return r as Recording
}
