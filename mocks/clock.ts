/**
 * The mock's clock. Every expiry (codes, tokens, sessions, rate-limit windows) reads `clock.now()`,
 * never `Date.now()`, so tests move time forward instead of sleeping.
 *
 * By default the clock follows real time plus whatever offset `advance` has added, so a person
 * using the served mock sees codes expire after 300 real seconds. `{ frozen: true }` (or a
 * `start`) stops it: time then moves only when a test says so.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the mock sees it. */
  now(): number
  /** Whole seconds since the epoch (JWT `iat`/`exp` precision). */
  nowSeconds(): number
  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void
  /** Puts the clock at an absolute time. */
  set(ms: number): void
  /**
   * Undoes every `advance` and `set`: a following clock is real time again, a frozen one is back
   * at its `start` (or at the real time of the reset when it had none).
   */
  reset(): void
  /**
   * Calls `listener(from)` after every move back by `advance`, `set` or `reset`, with the time the
   * clock left: what had expired there must stay expired (the Connect store purges it). `reset`
   * told no one, and an access token or code expired ahead worked again after it (an adversarial pass).
   */
  onMoveBack(listener: (from: number) => void): void
}

export interface ClockOptions {
  /** Epoch milliseconds to start at; implies a frozen clock. */
  start?: number
  /** Freeze time at the start; only `advance`/`set` move it. */
  frozen?: boolean
  /** The real-time source, replaceable for tests of the clock itself. */
  realNow?: () => number
}

/**
 * The instants the clock may show: 1970-01-01 to the end of 9999. Dinero's dates are four-digit
 * years (YYYY-MM-DD, dinero-openapi) and `Date#toISOString` writes others as `+271381-…`; past
 * ±8.64e15 ms there is no Date at all, and a code's `now + 300 s` rounds to `now`. A move that
 * would leave the range is refused and the clock stays where it was.
 */
export const CLOCK_RANGE = { min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) } as const

function inRange(ms: number, what: string): void {
  if (!(ms >= CLOCK_RANGE.min && ms <= CLOCK_RANGE.max))
    throw new RangeError(`${what} would put the clock outside 1970-01-01 to 9999-12-31`)
}

export function createClock(options: ClockOptions = {}): Clock {
  const realNow = options.realNow ?? Date.now
  const frozen = options.frozen === true || options.start !== undefined
  if (options.start !== undefined) inRange(options.start, 'the start')
  let base = options.start ?? realNow()
  let offset = 0
  const unheld = () => (frozen ? base : realNow()) + offset
  // A clock following real time keeps moving after an advance to the end of 9999: held there.
  const now = () => Math.min(unheld(), CLOCK_RANGE.max)
  const listeners: ((from: number) => void)[] = []
  const moved = (from: number) => {
    if (now() < from) for (const listener of listeners) listener(from)
  }
  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    advance(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('clock.advance needs a finite number of milliseconds')
      const from = now()
      inRange(from + ms, 'this advance')
      // From the time shown, not from beyond the end of 9999 where real time carried a held
      // clock: moves back from there were swallowed by the overshoot (adversarial pass).
      offset += from - unheld() + ms
      moved(from)
    },
    set(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('clock.set needs a finite epoch time in milliseconds')
      inRange(ms, 'this time')
      const from = now()
      if (frozen) {
        base = ms
        offset = 0
      } else {
        offset = ms - realNow()
      }
      moved(from)
    },
    onMoveBack(listener) {
      listeners.push(listener)
    },
    reset() {
      const from = now()
      offset = 0
      if (frozen) base = options.start ?? realNow()
      moved(from)
    },
  }
}
