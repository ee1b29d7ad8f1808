/** `npm run collection:build`: writes the Postman collection and environments from the catalogue. */
import { writeFileSync } from 'node:fs'
import {
  buildCollection,
  buildLiveEnvironmentTemplate,
  buildMockEnvironment,
  COLLECTION_FILES,
  serialise,
} from '../collections/build.ts'

writeFileSync(COLLECTION_FILES.collection, serialise(buildCollection()))
writeFileSync(COLLECTION_FILES.mock, serialise(buildMockEnvironment()))
writeFileSync(COLLECTION_FILES.live, serialise(buildLiveEnvironmentTemplate()))
console.log(`wrote ${Object.values(COLLECTION_FILES).join(', ')}`)
