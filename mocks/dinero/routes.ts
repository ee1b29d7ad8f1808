import { compileRoutePath, type Route } from '../routes.ts'
import { accountingYearRoutes } from './accounting-years.ts'
import { accountRoutes } from './accounts.ts'
import { attachmentRoutes } from './attachments.ts'
import { contactRoutes } from './contacts.ts'
import type { DineroContext } from './context.ts'
import { countryRoutes } from './countries.ts'
import { creditNoteRoutes } from './credit-notes.ts'
import { fileRoutes } from './files.ts'
import { generatedRoutes } from './generated-routes.ts'
import { invoiceRoutes } from './invoices.ts'
import { entryRoutes } from './ledger.ts'
import { ledgerItemRoutes } from './ledger-items.ts'
import { invoiceMailRoutes } from './mailouts.ts'
import { manualVoucherRoutes } from './manual-vouchers.ts'
import { organizationRoutes } from './organizations.ts'
import { productRoutes } from './products.ts'
import { purchaseCreditNoteRoutes } from './purchase-credit-notes.ts'
import { reminderRoutes } from './reminders.ts'
import { reportRoutes } from './reports.ts'
import { salesRoutes } from './sales.ts'
import { stateOfAccountRoutes } from './state-of-account.ts'
import { tradeOfferRoutes } from './trade-offers.ts'
import { vatTypeRoutes } from './vat-types.ts'
import { voucherRoutes } from './vouchers.ts'
import { webhookRoutes } from './webhooks.ts'

/**
 * Whether a hand-written pattern shadows a generated route, per hand-written table (every mock has
 * the same one): testing each generated path against each pattern was a tenth of `createMock()`.
 */
const shadowedBy = new Map<string, Map<string, boolean>>()

/**
 * The Dinero API route table (dinero-openapi), every path with its own version prefix as in the
 * spec. Organisation lists come first so `/v1/organizations` is never read as an organisation id;
 * within an area, longer (more specific) paths come before shorter ones. The hand-written routes
 * come first (the busy ones are found early); every operation of the extraction they leave out
 * follows, generated (generated-routes.ts), so every documented operation has an answer — except
 * the few literal paths a hand-written pattern would swallow, which go before it.
 */
export function dineroRoutes(ctx: DineroContext): Route[] {
  const handWritten = [
    ...organizationRoutes(ctx),
    ...contactRoutes(ctx),
    ...productRoutes(ctx),
    ...invoiceRoutes(ctx),
    ...invoiceMailRoutes(ctx),
    ...reminderRoutes(ctx),
    ...tradeOfferRoutes(ctx),
    ...creditNoteRoutes(ctx),
    ...voucherRoutes(ctx),
    ...purchaseCreditNoteRoutes(ctx),
    ...manualVoucherRoutes(ctx),
    ...ledgerItemRoutes(ctx),
    ...entryRoutes(ctx),
    ...accountRoutes(ctx),
    ...fileRoutes(ctx),
    ...attachmentRoutes(ctx),
    ...webhookRoutes(ctx),
    ...accountingYearRoutes(ctx),
    ...reportRoutes(ctx),
    ...vatTypeRoutes(ctx),
    ...countryRoutes(ctx),
    ...stateOfAccountRoutes(ctx),
    ...salesRoutes(ctx),
  ]
  const generated = generatedRoutes(ctx, handWritten)
  // A generated literal path that a hand-written pattern would also match (`/invoices/templates`
  // under `/invoices/:guid`) must be tried before it.
  const table = handWritten.map((r) => `${r.method} ${r.path}`).join('\n')
  let known = shadowedBy.get(table)
  if (known === undefined) {
    known = new Map()
    if (shadowedBy.size < 16) shadowedBy.set(table, known)
  }
  const answers = known
  const patterns = handWritten.map((r) => ({ method: r.method, local: compileRoutePath(r.path).local }))
  const shadowed = (g: Route) => {
    const key = `${g.method} ${g.path}`
    let answer = answers.get(key)
    if (answer === undefined) {
      answer = patterns.some((h) => h.method === g.method && h.local.test(g.path.replace(/:\w+/g, 'x')))
      answers.set(key, answer)
    }
    return answer
  }
  return [...generated.filter(shadowed), ...handWritten, ...generated.filter((g) => !shadowed(g))]
}
