import { defineNewmanBitePart, NEWMAN_BITE_PARTS } from './bite.ts'

/** Part 5 of the Newman bite proof (see bite.ts); split so vitest runs the parts side by side. */
defineNewmanBitePart(4, NEWMAN_BITE_PARTS)
