/**
 * Every harness error code, with the exit code a command ends with when it stops on it. One
 * closed list: `HarnessError` takes only these, and docs/ERRORS.md documents each once
 * (specs/cli/errors.spec.ts fails when the two disagree). Exit codes: 2 the harness could not
 * run (misuse, configuration, store, grant), 1 a run that ran and failed (a leaked secret, a
 * cited source that does not resolve).
 */
export const HARNESS_CODES = {
  HARNESS_USAGE: 2,
  HARNESS_CONFIG_MISSING: 2,
  HARNESS_CONFIG_INVALID: 2,
  HARNESS_PORT_IN_USE: 2,
  HARNESS_NOT_SOURCE_TREE: 2,
  HARNESS_BENCH_TOOLS_MISSING: 2,
  HARNESS_NEWMAN_FAILED: 2,
  HARNESS_SECRET_LEAK: 1,
  HARNESS_SOURCE_UNRESOLVED: 1,
  HARNESS_REDIRECT_URI_NOT_LOOPBACK: 2,
  HARNESS_REDIRECT_URI_UNREGISTERED: 2,
  HARNESS_CONNECT_UNREACHABLE: 2,
  HARNESS_AUTHORIZE_FAILED: 2,
  HARNESS_LOGIN_TIMEOUT: 2,
  HARNESS_LOGIN_STOPPED: 2,
  HARNESS_ISSUER_MISMATCH: 2,
  HARNESS_CODE_EXCHANGE_FAILED: 2,
  HARNESS_NO_REFRESH_TOKEN: 2,
  HARNESS_ORGANIZATIONS_FAILED: 2,
  HARNESS_TOKEN_STORE_LOCKED: 2,
  HARNESS_TOKEN_STORE_MISSING: 2,
  HARNESS_TOKEN_STORE_CORRUPT: 2,
  HARNESS_TOKEN_STORE_UNSAFE: 2,
  HARNESS_TOKEN_STORE_MISMATCH: 2,
  HARNESS_TOKEN_STORE_REVOKED: 2,
  HARNESS_TOKEN_STORE_EXPIRED: 2,
  HARNESS_REFRESH_REJECTED: 2,
  HARNESS_REFRESH_UNCERTAIN: 2,
  HARNESS_REFRESH_FAILED: 2,
  HARNESS_CLIENT_REJECTED: 2,
  HARNESS_REPLAY_BLOCKED: 2,
  HARNESS_WRITES_NOT_ALLOWED: 2,
  HARNESS_DESTRUCTIVE_NOT_CONFIRMED: 2,
  HARNESS_GRADE_APP_START: 2,
  HARNESS_GRADE_APP_EXITED: 2,
  HARNESS_GRADE_APP_UNREACHABLE: 2,
  HARNESS_GRADE_LOGIN_NOT_REDIRECT: 2,
  HARNESS_GRADE_LOGIN_WRONG_TARGET: 2,
  HARNESS_GRADE_AUTHORIZE_FAILED: 2,
  HARNESS_INTERNAL: 2,
} as const satisfies Record<`HARNESS_${string}`, 1 | 2>

export type HarnessCode = keyof typeof HARNESS_CODES

/** Harness errors for people: a namespaced code the specs assert on and one clear line, no stack trace. */
export class HarnessError extends Error {
  constructor(
    readonly code: HarnessCode,
    message: string,
  ) {
    super(message)
    this.name = 'HarnessError'
  }
}

/**
 * The exit code a command ends with on this error. Anything that is not a HarnessError is a
 * harness fault (HARNESS_INTERNAL): exit 2, as exit 1 is kept for checks that ran and failed.
 */
export function exitCodeOf(e: unknown): 1 | 2 {
  return e instanceof HarnessError ? HARNESS_CODES[e.code] : HARNESS_CODES.HARNESS_INTERNAL
}

/** How much of a server's own text (an OAuth `error`, an error body) a message may quote. */
export const SERVER_TEXT_MAX = 200

/**
 * Text a server sent, made safe to print: control characters (ANSI escape sequences, carriage
 * returns that redraw a terminal line) removed and the length capped, so an answer can neither
 * rewrite the terminal nor flood the one error line. Secrets are redacted separately.
 */
export function serverText(text: string, max = SERVER_TEXT_MAX): string {
  let clean = ''
  for (let i = 0; i < text.length && clean.length <= max; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x1b && text[i + 1] === '[') {
      // CSI (ECMA-48 §5.4): parameters and intermediates up to a final byte 0x40–0x7e.
      for (i += 2; i < text.length && !(text.charCodeAt(i) >= 0x40 && text.charCodeAt(i) <= 0x7e); i++);
      continue
    }
    if (c === 0x1b && text[i + 1] === ']') {
      // OSC: up to BEL or ST (ESC \\).
      for (i += 2; i < text.length && text.charCodeAt(i) !== 0x07 && text.charCodeAt(i) !== 0x1b; i++);
      if (text[i + 1] === '\\') i++
      continue
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) continue
    clean += text[i]
  }
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
