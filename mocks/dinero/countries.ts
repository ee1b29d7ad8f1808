import { readFileSync } from 'node:fs'
import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { userRoute } from './endpoint.ts'

/**
 * Countries (dinero-openapi): GET /v1/countries, outside any organisation (token and read scope
 * only), a plain array of CountryModel {Key, DanishName, EnglishName}: the ISO 3166-1 codes
 * (iso-3166-1) with CLDR's Danish and English names (unicode-cldr); data/README.md says how the
 * list was made.
 * assumption: open-dinero-unlisted-responses — Dinero's own list is not published; this one is
 * every assigned country, in code order.
 */
interface CountryModel {
  Key: string
  DanishName: string
  EnglishName: string
}

const FILE = new URL('./data/countries.json', import.meta.url)
let cached: readonly CountryModel[] | undefined
const countries = () => {
  cached ??= JSON.parse(readFileSync(FILE, 'utf8')) as CountryModel[]
  return cached
}

export function countryRoutes(ctx: DineroContext): Route[] {
  return [userRoute(ctx, 'GET', '/v1/countries', () => dineroJson(countries()))]
}
