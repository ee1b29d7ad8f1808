import type { SecretSet } from '../secrets.ts'
import { type RecordedStep, writeRecording } from './record.ts'
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

export interface DriftInput {
  dir: string
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
