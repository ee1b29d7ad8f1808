/**
 * `dinero-conformance checks`: the catalogue, one line per check, or with `--json` an array of
 * `{ id, title, area, target, needs, live, sources: [{ id, url }] }` for other tools: `needs` is what a
 * run must have (collections/model/types.ts NEEDS), `live` whether `login` then `live` with default
 * flags run it against the real services. A source that does
 * not resolve (collections/sources.ts) is listed with `url: null`, named in one HARNESS_SOURCE_UNRESOLVED line on
 * stderr, and the command exits 1: the listing of every other check still comes out whole.
 */
import { catalogue } from '../../collections/catalogue/index.ts'
import { AREAS, type Area, liveByDefault, type Need } from '../../collections/model/types.ts'
import { resolveSource } from '../../collections/sources.ts'
import { defineCommand } from '../cli/command.ts'
import { HarnessError } from '../errors.ts'

export interface ListedCheck {
  id: string
  title: string
  area: Area
  target: string
  needs: Need[]
  live: boolean
  sources: { id: string; url: string | null }[]
}

export const command = defineCommand({
  name: 'checks',
  summary: 'List the conformance checks with their area, target class and sources',
  flags: {
    json: {
      type: 'boolean',
      description: 'print a JSON array of { id, title, area, target, needs, live, sources: [{ id, url }] }',
    },
    area: {
      type: 'string',
      value: '<area>',
      multiple: true,
      choices: AREAS,
      description: 'list only the checks of this area',
    },
  },
  async run(values) {
    const areas = new Set(values.area)
    const unresolved = new Set<string>()
    const listed: ListedCheck[] = catalogue
      .filter((c) => areas.size === 0 || areas.has(c.area))
      .map((c) => ({
        id: c.id,
        title: c.title,
        area: c.area,
        target: c.target,
        needs: [...c.needs],
        live: liveByDefault(c),
        sources: c.sources.map((cited) => {
          try {
            return resolveSource(cited)
          } catch {
            unresolved.add(cited)
            return { id: cited, url: null }
          }
        }),
      }))
    if (values.json) console.log(JSON.stringify(listed, null, 2))
    else {
      const width = Math.max(...listed.map((c) => c.id.length))
      for (const c of listed)
        console.log(
          `${c.id.padEnd(width)}  ${(c.live ? 'live' : 'mock').padEnd(4)}  ${(c.needs.join(',') || '-').padEnd(36)}  ${c.title}`,
        )
    }
    if (unresolved.size === 0) return 0
    throw new HarnessError(
      'HARNESS_SOURCE_UNRESOLVED',
      `${unresolved.size} cited source(s) do not resolve (define them in collections/sources.ts): ${[...unresolved].join(', ')}`,
    )
  },
})
