import { startTarget, type Target } from '../../scripts/targets/targets.ts'

type StartOptions = NonNullable<Parameters<typeof startTarget>[1]>

/**
 * Runs `run` against a fresh in-process mock made inside the calling test (not in a hook), so a
 * mutant reached while the mock starts is seen by that test (docs/MUTATION.md); closes it after.
 */
export async function withMock<T>(
  run: (target: Target) => Promise<T>,
  options: StartOptions = {},
): Promise<T> {
  const target = await startTarget('in-process', options)
  try {
    return await run(target)
  } finally {
    await target.close()
  }
}
