import fc from 'fast-check'
import { expect } from 'vitest'
import type { z } from 'zod'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import type { DineroApi } from './dinero-session.ts'

/**
 * The harness of the body properties (dinero-openapi, dinero-api-errors, open-dinero-amount-bounds):
 * whatever body arrives, the answer is a 4xx in Dinero's error format or a stored entity that reads
 * back through its own read model; never a 5xx. `FUZZ_RUNS` scales the runs per property (default 40).
 */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 40)

/** Numbers at the edges Dinero's amounts meet: overflow, precision, the 32-bit bound, denormals. */
export const extremes = fc.constantFrom(
  1e308,
  -1e308,
  1e12,
  -1e12,
  1e12 + 1,
  0,
  0.005,
  2_147_483_648,
  -1,
  5e-324,
)
export const num = fc.oneof(fc.double(), fc.integer(), extremes)
export const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', 'constructor', '__proto__', 'x'.repeat(300)),
)
/** Anything JSON can carry in a field's place. */
export const wild = fc.oneof(
  num,
  text,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.constant([['nested']]),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
)
/** Mostly a plausible value, sometimes anything at all. */
export const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: wild })

/** `run` holds for `RUNS` values of `arb`. */
export const property = <T>(arb: fc.Arbitrary<T>, run: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arb, run), { numRuns: RUNS })

/** A 4xx in Dinero's error format (dinero-api-errors), or a 2xx; never a 5xx. */
export function judged(reply: Reply): 'refused' | 'accepted' {
  expect(reply.status, reply.text).toBeLessThan(500)
  if (reply.status < 300) return 'accepted'
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/)
  const raw = JSON.parse(reply.text) as { validationErrors?: object }
  expect(DineroErrorBody.safeParse(raw).success, reply.text).toBe(true)
  // Read from the raw JSON: a zod record would assign `__proto__` and lose it.
  if (raw.validationErrors !== undefined) expect(Object.keys(raw.validationErrors).length).toBeGreaterThan(0)
  return 'refused'
}

/** What was stored reads back at `path` with 200 and parses as `model`, every issue listed. */
export async function readsBack(api: DineroApi, path: string, model: z.ZodType): Promise<void> {
  const reply = await api.get(path)
  expect(reply.status, reply.text).toBe(200)
  expect(model.safeParse(JSON.parse(reply.text)).error?.issues ?? []).toEqual([])
}

/** Where a document kind is created, read and updated (the update may sit under a later version). */
export interface DocumentPaths {
  create: string
  read: (guid: string) => string
  update: (guid: string) => string
}

/**
 * POSTs `sent`; when it is accepted the draft reads back through `model`, is PUT again with the
 * Timestamp the create answered, and, when that is accepted, reads back once more. Returns the
 * Guid of the draft it created, if any, for the caller to clean up.
 */
export async function createsThenUpdates(
  api: DineroApi,
  paths: DocumentPaths,
  model: z.ZodType,
  sent: unknown,
): Promise<string | undefined> {
  const created = await api.post(paths.create, sent)
  if (judged(created) === 'refused') return undefined
  const { Guid, TimeStamp } = created.json<{ Guid: string; TimeStamp: string }>()
  await readsBack(api, paths.read(Guid), model)
  const fields = { ...(sent as Record<string, unknown>), Timestamp: TimeStamp }
  if (judged(await api.put(paths.update(Guid), fields)) === 'accepted')
    await readsBack(api, paths.read(Guid), model)
  return Guid
}
