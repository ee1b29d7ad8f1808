import { afterAll, afterEach, beforeAll } from 'vitest'
import { startTarget, type Target, type TargetKind } from '../../scripts/targets/targets.ts'

type StartOptions = NonNullable<Parameters<typeof startTarget>[1]>

/**
 * For a describe block whose tests each need their own grant settings: the returned `start`
 * gives a fresh target of `kind` with `options`, its clock frozen so a lifetime ends exactly
 * where a test moves it, and closes it after that test.
 */
export function targetPerTest(kind: TargetKind): (options?: StartOptions) => Promise<Target> {
  let target: Target | undefined
  afterEach(async () => {
    await target?.close()
    target = undefined
  })
  return async (options = {}) => {
    target = await startTarget(kind, { clock: { frozen: true }, ...options })
    return target
  }
}

/**
 * For a describe block whose tests share one target: a target of `kind` with `options`, started
 * before the block's tests and closed after them; call the returned function inside tests.
 */
export function targetPerBlock(kind: TargetKind, options: StartOptions = {}): () => Target {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind, options)
  })
  afterAll(() => target.close())
  return () => target
}
