/**
 * The package's `./checks` entry (`import … from 'dinero-conformance/checks'`): the catalogue and
 * its model, plus the engine that runs it. `runCatalogue` needs a `Target`, a mock it can reach
 * and drive (the setup obtains the run's grant through the mock's consent shortcut), so the one
 * way to get one is `startTarget`: a fresh mock in-process (msw) or served on a loopback port.
 */
export * from '../../collections/index.ts'
export { type CallInit, type Reply, startTarget, type Target, type TargetKind } from '../targets/targets.ts'
export { runCatalogue } from './catalogue-runner.ts'
export type { CheckResult, StepFailure } from './run.ts'
