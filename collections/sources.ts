/**
 * The sources the checks and the mock's comments cite, by stable id. docs/SOURCES.md is
 * generated from this list; a check may cite only an id defined here or an RFC section
 * (`RFC 6749 §4.1.3`), and specs/checks/sources.spec.ts fails on anything else.
 */
export interface Source {
  /** Stable id, cited as-is: `duende-token-content-type`. */
  id: string
  /** A public URL anyone can open. */
  url: string
  /** One line on what the source establishes. */
  establishes: string
}

export const SOURCES: readonly Source[] = []

const RFC_SECTION = /^RFC (\d{4})(?: §([\d.]+))?/

/** The id and URL of a cited source: a registered id or an RFC section; throws on anything else. */
export function resolveSource(cited: string): { id: string; url: string } {
  const known = SOURCES.find((s) => s.id === cited)
  if (known) return { id: known.id, url: known.url }
  const rfc = RFC_SECTION.exec(cited)
  if (rfc) {
    const [, number, section] = rfc
    const anchor = section === undefined ? '' : `#section-${section}`
    return { id: cited, url: `https://www.rfc-editor.org/rfc/rfc${number}.html${anchor}` }
  }
  throw new Error(`unknown source ${JSON.stringify(cited)}: define it in collections/sources.ts`)
}
