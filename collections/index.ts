/**
 * The checks as data: the catalogue in run order, the check model both runners implement, and
 * the Postman collection builder. The package's `./checks` entry re-exports this beside the
 * engine that runs it (scripts/engine/index.ts).
 */
export { type BuildCollectionOptions, buildCollection } from './build.ts'
export { catalogue, findCheck } from './catalogue/index.ts'
export {
  AREAS,
  type Area,
  type Assertion,
  type Capture,
  type Check,
  type Compute,
  type RequestSpec,
  type Step,
  type TargetClass,
} from './model/types.ts'
