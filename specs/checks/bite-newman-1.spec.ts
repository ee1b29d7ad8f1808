import { defineNewmanBitePart } from './bite.ts'

/** Part 2 of 3 of the Newman bite proof (see bite.ts); split so vitest runs the parts side by side. */
defineNewmanBitePart(1, 3)
