/**
 * Replaces every known secret value in a text with `[redacted]`. Secrets (client secret,
 * codes, tokens) are added to the set as they appear during a run.
 */
export function redactSecrets(text: string, secrets: ReadonlySet<string>): string {
  let out = text
  for (const s of secrets) {
    if (s.length >= 6) out = out.split(s).join('[redacted]')
  }
  return out
}
