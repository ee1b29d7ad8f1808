/**
 * Finding known secrets in text, whole or in part. A secret leaks as much through a fragment as
 * whole: a report line cut at 200 characters still carries an access token's header and payload,
 * and a refresh token's first half is half of what an attacker needs. So a match is the whole
 * secret, or any run of at least FRAGMENT_MIN characters of it (each known form of a secret is
 * its own needle, so fragments of its encodings count too). Ordinary text matches nothing:
 * only values added here are looked for.
 *
 * How: every needle of FRAGMENT_MIN characters or more has its GRAM-character windows at every
 * STRIDE-th position indexed by a rolling hash. Any run of FRAGMENT_MIN characters of a needle
 * contains one of those windows (GRAM + STRIDE - 1 = FRAGMENT_MIN), so scanning a text once with
 * the same rolling hash finds every candidate; each is verified and grown to its full extent
 * against the needle. Shorter needles are matched whole.
 */
export const REDACTED = '[redacted]'
/** Shorter values are not treated as secrets (they would match ordinary text). */
export const SECRET_MIN = 6
/** A run of this many characters of a known secret counts as the secret. */
export const FRAGMENT_MIN = 16
const GRAM = 12
const STRIDE = FRAGMENT_MIN - GRAM + 1
const MAX_NEEDLE = 1 << 20
const BASE = 0x01000193
/** The bucket filter starts at MIN_FILTER_BITS and grows ×4 (to MAX_FILTER_BITS) while windows outnumber 1/16 of its bits. */
const MIN_FILTER_BITS = 1 << 16
const MAX_FILTER_BITS = 1 << 26
/** Keys and references stay small integers, which V8 stores without boxing. */
const KEY_MASK = 0x3fffffff

let BASE_POW = 1
for (let i = 1; i < GRAM; i++) BASE_POW = Math.imul(BASE_POW, BASE)

function hashAt(text: string, at: number): number {
  let h = 0
  for (let i = 0; i < GRAM; i++) h = (Math.imul(h, BASE) + text.charCodeAt(at + i)) | 0
  return h
}

function roll(h: number, out: number, next: number): number {
  return (Math.imul((h - Math.imul(out, BASE_POW)) | 0, BASE) + next) | 0
}

export type Range = [start: number, end: number]

export class SecretIndex {
  private readonly needles: string[] = []
  /** Where each needle starts in the concatenation of all needles: a window is one offset there. */
  private readonly starts: number[] = []
  private total = 0
  private readonly known = new Set<string>()
  private readonly short: string[] = []
  /** Rolling hash (masked) → the offset of the window with that hash, or of each window when several share it. */
  private readonly windows = new Map<number, number | number[]>()
  /**
   * A bit per hash bucket: most text positions are rejected without a map lookup. Sized to the
   * windows it holds: a fixed 2^26 bits (8 MB, zero-filled) for every set made, most of which
   * hold a handful of secrets, cost more than the scans (one SecretSet per command run).
   */
  private filterBits = 0
  private filter = new Uint8Array(0)

  /** Adds a needle; false when it is too short, too long or already known. */
  add(needle: string): boolean {
    if (needle.length < SECRET_MIN || needle.length > MAX_NEEDLE || this.known.has(needle)) return false
    this.known.add(needle)
    if (needle.length < FRAGMENT_MIN) {
      this.short.push(needle)
      return true
    }
    this.needles.push(needle)
    this.starts.push(this.total)
    for (let at = 0; at + GRAM <= needle.length; at += STRIDE) {
      const h = hashAt(needle, at)
      const key = h & KEY_MASK
      this.mark(key)
      const refs = this.windows.get(key)
      const ref = this.total + at
      if (refs === undefined) this.windows.set(key, ref)
      else if (typeof refs === 'number') this.windows.set(key, [refs, ref])
      else refs.push(ref)
    }
    this.total += needle.length
    let bits = Math.max(this.filterBits, MIN_FILTER_BITS)
    while (this.windows.size * 16 > bits && bits < MAX_FILTER_BITS) bits *= 4
    if (bits !== this.filterBits) {
      // Grown: every window's bit again, from its key (the filter's bits are the key's low bits).
      this.filterBits = bits
      this.filter = new Uint8Array(bits >> 3)
      for (const key of this.windows.keys()) this.mark(key)
    }
    return true
  }

  private mark(key: number): void {
    if (this.filterBits === 0) return
    const bucket = key & (this.filterBits - 1)
    this.filter[bucket >> 3]! |= 1 << (bucket & 7)
  }

  has(needle: string): boolean {
    return this.known.has(needle)
  }

  get size(): number {
    return this.known.size
  }

  /** Sorted, merged ranges of `text` holding a known secret or a fragment of one. */
  find(text: string): Range[] {
    const found: Range[] = []
    for (const s of this.short) {
      for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) found.push([i, i + s.length])
    }
    if (this.windows.size > 0 && text.length >= GRAM) {
      let h = hashAt(text, 0)
      let coveredTo = 0
      const mask = this.filterBits - 1
      for (let i = 0; ; i++) {
        const bucket = h & mask
        // Windows inside a range already found are skipped, except its last STRIDE - 1: another
        // secret that starts inside the range and runs on past it (by less than a stride, so its
        // last window ends inside) is grown from there, or its tail stayed in the text.
        if (i + GRAM > coveredTo - (STRIDE - 1) && (this.filter[bucket >> 3]! & (1 << (bucket & 7))) !== 0) {
          const refs = this.windows.get(h & KEY_MASK)
          for (const ref of typeof refs === 'number' ? [refs] : (refs ?? [])) {
            const range = this.grow(text, i, ref)
            if (range !== undefined) {
              found.push(range)
              coveredTo = Math.max(coveredTo, range[1])
            }
          }
        }
        if (i + GRAM >= text.length) break
        h = roll(h, text.charCodeAt(i), text.charCodeAt(i + GRAM))
      }
    }
    return merge(found)
  }

  /** Verifies a window hit and grows it to the longest common run; undefined below FRAGMENT_MIN. */
  private grow(text: string, i: number, ref: number): Range | undefined {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= ref) lo = mid
      else hi = mid - 1
    }
    const needle = this.needles[lo]!
    const at = ref - this.starts[lo]!
    for (let k = 0; k < GRAM; k++) if (text.charCodeAt(i + k) !== needle.charCodeAt(at + k)) return undefined
    let left = 0
    while (
      at - left > 0 &&
      i - left > 0 &&
      text.charCodeAt(i - left - 1) === needle.charCodeAt(at - left - 1)
    )
      left++
    let right = GRAM
    while (
      at + right < needle.length &&
      i + right < text.length &&
      text.charCodeAt(i + right) === needle.charCodeAt(at + right)
    )
      right++
    return left + right >= FRAGMENT_MIN ? [i - left, i + right] : undefined
  }

  test(text: string): boolean {
    return this.find(text).length > 0
  }

  redact(text: string, replacement = REDACTED): string {
    const ranges = this.find(text)
    if (ranges.length === 0) return text
    let out = ''
    let from = 0
    for (const [start, end] of ranges) {
      out += text.slice(from, start) + replacement
      from = end
    }
    return out + text.slice(from)
  }
}

function merge(ranges: Range[]): Range[] {
  ranges.sort((a, b) => a[0] - b[0])
  const out: Range[] = []
  for (const r of ranges) {
    const last = out.at(-1)
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1])
    else out.push([r[0], r[1]])
  }
  return out
}
