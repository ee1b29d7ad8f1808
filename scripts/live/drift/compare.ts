import type { BodyShape, Shape, ValueShape } from './shape.ts'

/**
 * Shape against shape: every way the live answer and the mock's differ, one difference per
 * status, header, key, value type (an array's length bucket counts as its type) and error code.
 * String lengths are kept as evidence but not compared: tokens and ids legitimately differ in
 * length between Visma and the mock.
 */
export type Aspect = 'status' | 'header' | 'key' | 'type' | 'code'

export interface Difference {
  aspect: Aspect
  live: string
  mock: string
}

const ABSENT = '(absent)'

function describe(v: ValueShape): string {
  return v.type === 'array' ? `array[${v.length}]` : v.type
}

function describeBody(b: BodyShape): string {
  return b.kind === 'json' ? `json ${describe(b.value)}` : b.kind
}

function compareValues(path: string, live: ValueShape, mock: ValueShape, out: Difference[]): void {
  if (
    live.type !== mock.type ||
    (live.type === 'array' && mock.type === 'array' && live.length !== mock.length)
  )
    out.push({ aspect: 'type', live: `${path}: ${describe(live)}`, mock: `${path}: ${describe(mock)}` })
  if (live.type === 'array' && mock.type === 'array' && live.items && mock.items)
    compareValues(`${path}[]`, live.items, mock.items, out)
  if (live.type === 'object' && mock.type === 'object') {
    const names = [...new Set([...Object.keys(live.keys), ...Object.keys(mock.keys)])]
    for (const k of names) {
      const a = live.keys[k]
      const b = mock.keys[k]
      if (a === undefined || b === undefined)
        out.push({
          aspect: 'key',
          live: `${path}.${k}: ${a === undefined ? 'absent' : 'present'}`,
          mock: `${path}.${k}: ${b === undefined ? 'absent' : 'present'}`,
        })
      else compareValues(`${path}.${k}`, a, b, out)
    }
  }
}

/** Codes by path, the path compared without case: a key's casing is the key aspect's to report. */
function byPath(codes: Shape['codes']): Map<string, { path: string; value: string | number }> {
  return new Map(Object.entries(codes).map(([path, value]) => [path.toLowerCase(), { path, value }]))
}

export function compareShapes(live: Shape, mock: Shape): Difference[] {
  const out: Difference[] = []
  if (live.status !== mock.status)
    out.push({ aspect: 'status', live: String(live.status), mock: String(mock.status) })
  const headers = [...new Set([...Object.keys(live.headers), ...Object.keys(mock.headers)])].sort()
  for (const name of headers) {
    const a = live.headers[name]
    const b = mock.headers[name]
    if (a !== b)
      out.push({ aspect: 'header', live: `${name}: ${a ?? ABSENT}`, mock: `${name}: ${b ?? ABSENT}` })
  }
  if (live.body.kind === 'json' && mock.body.kind === 'json')
    compareValues('$', live.body.value, mock.body.value, out)
  else if (live.body.kind !== mock.body.kind)
    out.push({ aspect: 'type', live: `$: ${describeBody(live.body)}`, mock: `$: ${describeBody(mock.body)}` })
  const a = byPath(live.codes)
  const b = byPath(mock.codes)
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key)
    const y = b.get(key)
    if (x?.value !== y?.value)
      out.push({
        aspect: 'code',
        live: `${x?.path ?? y!.path}: ${x?.value ?? ABSENT}`,
        mock: `${y?.path ?? x!.path}: ${y?.value ?? ABSENT}`,
      })
  }
  return out
}
