import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SecretSet } from '../secrets.ts'
import { type RecordedStep, readRecording, writeRecording } from './record.ts'
import { replayOnMock } from './replay.ts'
import { type Drift, driftSummary, measureDrift, writeDriftReports } from './report.ts'

/**
 * Drift, measured at the end of a run that recorded its answers (record.ts): the mock answers
 * the same steps (replay.ts), the shapes are compared (compare.ts), and the differences go to
 * <reports>/drift.md and drift.json (report.ts). Drift is evidence, not a verdict: it never
 * fails a run, and a replay that cannot finish says so in its one summary line.
 */
export { compareShapes, type Difference } from './compare.ts'
export { type RecordedStep, readRecording, ShapeRecorder, writeRecording } from './record.ts'
export { replayOnMock } from './replay.ts'
export { type Drift, type DriftEntry, measureDrift } from './report.ts'
export { shapeOf } from './shape.ts'

/** Where `login` keeps the shapes of its pooled checks' answers: beside the token store. */
export function loginShapesPath(tokenStore: string): string {
  return join(dirname(tokenStore), 'login-shapes.json')
}

/**
 * `login` keeps the shapes its pooled checks received (they need a person's sign-in, so `live`
 * cannot send them again), and `live` measures them with its own; the file is leak-scanned once
 * written (HARNESS_SECRET_LEAK). Returns login's one line about it.
 */
export function keepLoginShapes(
  tokenStore: string,
  steps: readonly RecordedStep[],
  secrets: SecretSet,
): string {
  const file = loginShapesPath(tokenStore)
  writeRecording(file, steps, secrets)
  return `drift: the shapes of ${steps.length} pooled answer(s) kept for live's drift report (${file})`
}

/** The shapes the last `login` kept; none when there are none or the file is not a recording. */
export function loginShapes(tokenStore: string): RecordedStep[] {
  const file = loginShapesPath(tokenStore)
  if (!existsSync(file)) return []
  try {
    return readRecording(file).steps
  } catch {
    return []
  }
}

export interface DriftInput {
  dir: string
  /** The run's answers, login's pooled ones first (loginShapes). */
  recorded: readonly RecordedStep[]
  secrets: SecretSet
  /** `--record <file>`: the scrubbed shapes, scanned for every known secret once written. */
  record?: string | undefined
}

/** Returns the run's one summary line. */
export async function reportDrift(input: DriftInput): Promise<string> {
  if (input.record !== undefined) writeRecording(input.record, input.recorded, input.secrets)
  let drift: Drift
  try {
    drift = measureDrift(input.recorded, await replayOnMock(input.recorded))
  } catch (e) {
    return `drift: not measured (the mock could not replay the run: ${input.secrets.redact((e as Error).message)})`
  }
  writeDriftReports(input.dir, drift, input.secrets)
  return driftSummary(drift)
}
