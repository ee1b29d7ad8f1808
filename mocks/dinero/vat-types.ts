import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { orgRoute } from './endpoint.ts'
import { vatRate } from './pricing.ts'

/**
 * VAT types (dinero-openapi): GET /v1/:org/vatTypes, a plain array of VatTypeReadModel {VatCode,
 * Name, VatRate}: the VAT codes the accounts and lines use (AccountCreateModel names U25, I25, UVC
 * and KUNS), each with the rate pricing.ts prices it at, so a list read here agrees with every
 * amount the mock computes. A VAT-free organisation charges no VAT (rate 0).
 * assumption: open-dinero-unlisted-responses — only I25's name is published (the example
 * "Dansk købsmoms"); the others are named after what the codes stand for.
 */
const VAT_TYPES: readonly { VatCode: string; Name: string }[] = [
  { VatCode: 'U25', Name: 'Dansk salgsmoms' },
  { VatCode: 'I25', Name: 'Dansk købsmoms' },
  { VatCode: 'UVC', Name: 'Salg af ydelser til udlandet' },
  { VatCode: 'KUNS', Name: 'Kunst og antikviteter' },
]

export function vatTypeRoutes(ctx: DineroContext): Route[] {
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/vatTypes', ({ org }) =>
      dineroJson(
        VAT_TYPES.map((t) => {
          const rate = vatRate(org, [], null, t.VatCode)
          return { ...t, VatRate: ctx.deviations.has('dinero.vat-rate-percent') ? rate * 100 : rate }
        }),
      ),
    ),
  ]
}
