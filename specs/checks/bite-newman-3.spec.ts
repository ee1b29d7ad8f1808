import { defineNewmanBitePart, NEWMAN_BITE_PARTS } from './bite.ts'

/** Part 4 of the Newman bite proof (see bite.ts); split so vitest runs the parts side by side. */
defineNewmanBitePart(3, NEWMAN_BITE_PARTS)
