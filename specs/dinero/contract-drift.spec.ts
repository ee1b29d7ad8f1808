import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  ContactCreateModel,
  CreatedResponseModel,
  contractSchemas,
  DineroErrorBody,
  guid,
  InvoiceReadModel,
  PaginationDetails,
  PaymentCreateModel,
  PaymentMean,
  SalesVoucherReadListModel,
} from '../../mocks/dinero/contract/index.ts'
import {
  compareWithComponent,
  operationModels,
  readComponents,
  readExtraction,
  requestModels,
  strictnessOf,
} from '../support/contract-compare.ts'

/**
 * `dinero-openapi`: the zod contract of the Dinero mock against the condensed official OpenAPI,
 * committed in mocks/dinero/contract/data/ (its README says where and when it was captured).
 */
const extraction = readExtraction()
const components = readComponents(extraction)
const requests = requestModels(extraction, components)

const schemas: [string, z.ZodType][] = Object.entries(contractSchemas)
const isEnum = (name: string) => components.get(name)?.enum !== undefined
const objects = schemas.filter(([name]) => !isEnum(name))
const enums = schemas.filter(([name]) => isEnum(name))

/**
 * Stated in the extraction but not in a form a zod schema can be held to: InvoiceTemplateModel types
 * three properties by a bare enum name (`InvoiceTheme`, not `$ref InvoiceTheme`), and the trade offer
 * list's items are TradeOfferReadModel, part of which is prose. The mock answers them with
 * generated schemas that are not in the contract.
 */
const NOT_HELD = ['InvoiceTemplateModel', 'TradeOfferReadModelDineroCollection']

const differences = (name: string, schema: z.ZodType) => {
  const component = components.get(name)
  if (!component) return [`${name} is not an OpenAPI component`]
  return compareWithComponent(schema, component, contractSchemas)
}

describe('Dinero contract against the OpenAPI extraction', () => {
  it.each(objects)('%s matches the OpenAPI property names and required list', (name, schema) => {
    expect(differences(name, schema)).toEqual([])
  })

  it.each(enums)('%s matches the OpenAPI enum values', (name, schema) => {
    expect(differences(name, schema)).toEqual([])
  })

  it.each(objects.filter(([name]) => requests.has(name)))(
    '%s (request body) rejects properties the OpenAPI model does not declare',
    (_name, schema) => {
      expect(strictnessOf(schema)).toBe('strict')
    },
  )

  it.each(objects.filter(([name]) => !requests.has(name)))(
    '%s (response) keeps properties the OpenAPI model does not declare',
    (_name, schema) => {
      expect(strictnessOf(schema)).toBe('loose')
    },
  )

  it('covers every body and 200 model of every operation (the mock answers them all), except models stated only in prose', () => {
    const operations = extraction.endpoints.filter((endpoint) => endpoint.method !== undefined)
    expect(operations).toHaveLength(136)
    const uncovered = operations.flatMap((endpoint) =>
      operationModels(endpoint, components)
        .filter(
          (name) =>
            !(name in contractSchemas) &&
            components.get(name)?.unresolved === undefined &&
            !NOT_HELD.includes(name),
        )
        .map((name) => `${endpoint.method} ${endpoint.path}: ${name}`),
    )
    expect(uncovered).toEqual([])
  })
})

describe('contract comparison', () => {
  it('reports a renamed property (Name → name) as missing and undeclared', () => {
    const { Name, ...rest } = ContactCreateModel.shape
    const renamed = z.strictObject({ ...rest, name: Name })
    expect(differences('ContactCreateModel', renamed)).toEqual([
      'Name: missing',
      'name: not in the OpenAPI model',
    ])
  })

  it('reports a nullable optional property made required and non-null', () => {
    const tightened = CreatedResponseModel.extend({ TimeStamp: z.string() })
    expect(differences('CreatedResponseModel', tightened)).toEqual([
      'TimeStamp: should be optional',
      'TimeStamp: should accept null',
    ])
  })

  it('reports a sub-model that is not the one the extraction names', () => {
    const payments = z.looseObject({
      ...contractSchemas.InvoicePaymentsModel.shape,
      Payments: z.array(guid).nullish(),
    })
    expect(differences('InvoicePaymentsModel', payments)).toEqual(['Payments: is not PaymentReadModel'])
  })

  it('reports enum values the extraction does not list', () => {
    expect(differences('PaymentMean', z.enum([...PaymentMean.options, 'Cash']))).toHaveLength(1)
    const narrowed = ContactCreateModel.extend({ PaymentConditionType: z.enum(['Netto', 'Paid']).nullish() })
    expect(differences('ContactCreateModel', narrowed)).toEqual([
      'PaymentConditionType: enum ["Netto","Paid"], the extraction lists ["Netto","NettoCash","CurrentMonthOut"]',
    ])
  })

  it('tells a stripping request model from a strict one', () => {
    expect(strictnessOf(z.object(PaymentCreateModel.shape))).toBe('strip')
    expect(strictnessOf(PaymentCreateModel)).toBe('strict')
  })
})

describe('captured Dinero bodies (apaq-dinero-fixtures)', () => {
  it('the spec example of CreatedResponseModel and captured pagination validate', () => {
    const created = { Guid: '3a315ad3-ddcc-419d-9fc5-219280ae4816', TimeStamp: '00000000020A5EA8' }
    expect(CreatedResponseModel.parse(created)).toEqual(created)
    const page = { MaxPageSizeAllowed: 1000, PageSize: 100, Result: 100, ResultWithoutFilter: 428, Page: 0 }
    expect(PaginationDetails.parse(page)).toEqual(page)
  })

  it('a draft numbered long.MaxValue, as JSON.parse reads it, validates as int64', () => {
    const item: unknown = JSON.parse(
      '{"Number":9223372036854775807,"Guid":"2aa6fda2-9649-483e-82ec-094567eedfd6","TotalInclVat":0,' +
        '"TotalExclVat":0,"TotalInclVatInDkk":0,"TotalExclVatInDkk":0}',
    )
    expect(SalesVoucherReadListModel.safeParse(item).success).toBe(true)
  })

  it('the 2017 invoice capture lacks only the flags the spec has required since', () => {
    const invoice = {
      PaymentDate: '2017-05-27',
      PaymentStatus: 'Draft',
      PaymentConditionNumberOfDays: 8,
      PaymentConditionType: 'Netto',
      Status: 'Draft',
      ContactGuid: '716a3105-e8fd-4fdd-a886-0490b047986f',
      Guid: '2aa6fda2-9649-483e-82ec-094567eedfd6',
      TimeStamp: '0000000008766398',
      CreatedAt: '2017-05-19T14:20:47.407',
      UpdatedAt: '2017-05-19T14:20:47.407',
      DeletedAt: null,
      Number: 2,
      ContactName: 'Børge Lund',
      ShowLinesInclVat: false,
      TotalExclVat: 0,
      TotalVatableAmount: 0,
      TotalInclVat: 0,
      TotalNonVatableAmount: 0,
      TotalVat: 0,
      TotalLines: [
        { Type: 'SubTotal', TotalAmount: 0, Position: 0, Label: 'Subtotal' },
        { Type: 'Total', TotalAmount: 0, Position: 2, Label: 'Total DKK' },
      ],
      Currency: 'DKK',
      Language: 'da-DK',
      ExternalReference: null,
      Description: 'Faktura',
      Comment: '',
      Date: '2017-05-19',
      ProductLines: [
        {
          AccountName: 'Salg af varer/ydelser m/moms',
          BaseAmountValue: 0,
          BaseAmountValueInclVat: 0,
          TotalAmount: 0,
          TotalAmountInclVat: 0,
          ProductGuid: null,
          Description: '',
          Comments: '',
          Quantity: 1,
          AccountNumber: 1000,
          Unit: 'parts',
          Discount: 0,
          LineType: 'Product',
        },
      ],
      Address: null,
    }
    const missing = InvoiceReadModel.safeParse(invoice).error?.issues.map((issue) => issue.path.join('.'))
    expect(missing).toEqual(['IsSentToDebtCollection', 'IsMobilePayInvoiceEnabled', 'IsPensoPayEnabled'])
    const current = {
      ...invoice,
      IsSentToDebtCollection: false,
      IsMobilePayInvoiceEnabled: false,
      IsPensoPayEnabled: false,
    }
    expect(InvoiceReadModel.safeParse(current).success).toBe(true)
  })

  it('both captured error bodies validate as DineroErrorBody', () => {
    const deleted = {
      code: 65,
      message: 'Item is deleted',
      validationErrors: { message: 'Invalid InvoiceGuid, the invoice is deleted.' },
      languageSpecificMessages: [
        { property: 'message', message: 'Da objektet er blevet slettet, kan du ikke rette i det.' },
        { property: 'message', message: 'Invalid InvoiceGuid, the invoice is deleted.' },
      ],
      errorMessageList: [{ Code: 'message', Message: 'Invalid InvoiceGuid, the invoice is deleted.' }],
    }
    expect(DineroErrorBody.parse(deleted)).toEqual(deleted)
    const badRequest = {
      code: 45,
      message: 'Invoices must have at least one invoice line',
      languageSpecificMessages: [],
    }
    expect(DineroErrorBody.safeParse(badRequest).success).toBe(true)
  })
})
