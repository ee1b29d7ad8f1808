import { z } from 'zod'
import { collectionOf, DineroErrorBody } from '../../mocks/dinero/contract/common.ts'
import type { SchemaRegistry } from '../../scripts/engine/run.ts'

/**
 * Schemas the checks refer to by name. Loose objects throughout: the live API may add fields. The collection
 * builder turns each into draft-07 JSON Schema.
 */
export const checkSchemas = {
  DineroErrorBody,
  // List items under `fields` carry only the requested keys, so the envelope is what is checked.
  DineroListEnvelope: collectionOf(z.looseObject({})),
} satisfies SchemaRegistry
