/**
 * Contacts and contact notes (dinero-openapi): create/update bodies (strict, as the spec's
 * `additionalProperties: false`), the read model, the `{ContactGuid}` create result and the
 * paged list envelopes of /v1 and /v2 contacts.
 */
import { z } from 'zod'
import { collectionOf } from './common.ts'
import {
  CompanyTypeKey,
  ContactPaymentConditionType,
  dateTime,
  externalReference,
  guid,
  InvoiceMailOutOptionKey,
  paymentDays,
} from './scalars.ts'

export const ContactCreateModel = z.strictObject({
  ContactGuid: guid.nullish(),
  ExternalReference: externalReference.nullish(),
  Name: z.string().min(1),
  Street: z.string().nullish(),
  ZipCode: z.string().nullish(),
  City: z.string().nullish(),
  CountryKey: z.string().min(1),
  Phone: z.string().nullish(),
  Email: z.string().nullish(),
  Webpage: z.string().nullish(),
  AttPerson: z.string().nullish(),
  VatNumber: z.string().nullish(),
  EanNumber: z.string().nullish(),
  SENumber: z.string().nullish(),
  PNumber: z.string().nullish(),
  PaymentConditionType: ContactPaymentConditionType.nullish(),
  PaymentConditionNumberOfDays: paymentDays.nullish(),
  IsPerson: z.boolean(),
  IsMember: z.boolean(),
  MemberNumber: z.string().nullish(),
  UseCvr: z.boolean(),
  CompanyTypeKey: CompanyTypeKey.nullish(),
  InvoiceMailOutOptionKey: InvoiceMailOutOptionKey.nullish(),
  PreferredInvoiceLanguageKey: z.string().nullish(),
  PreferredInvoiceCurrencyKey: z.string().nullish(),
})
export type ContactCreateModel = z.infer<typeof ContactCreateModel>

/** PUT replaces the whole contact; the guid comes from the path. */
export const ContactUpdateModel = ContactCreateModel.omit({ ContactGuid: true })
export type ContactUpdateModel = z.infer<typeof ContactUpdateModel>

export const ContactReadModel = z.looseObject({
  ContactGuid: guid,
  CreatedAt: dateTime.nullish(),
  UpdatedAt: dateTime.nullish(),
  DeletedAt: dateTime.nullish(),
  IsDebitor: z.boolean(),
  IsCreditor: z.boolean(),
  CompanyStatus: z.string().nullish(),
  VatRegionKey: z.string().nullish(),
  ExternalReference: z.string().nullish(),
  Name: z.string(),
  Street: z.string().nullish(),
  ZipCode: z.string().nullish(),
  City: z.string().nullish(),
  CountryKey: z.string(),
  Phone: z.string().nullish(),
  Email: z.string().nullish(),
  Webpage: z.string().nullish(),
  AttPerson: z.string().nullish(),
  VatNumber: z.string().nullish(),
  EanNumber: z.string().nullish(),
  SENumber: z.string().nullish(),
  PNumber: z.string().nullish(),
  PaymentConditionType: z.string().nullish(),
  PaymentConditionNumberOfDays: paymentDays.nullish(),
  IsPerson: z.boolean(),
  IsMember: z.boolean(),
  MemberNumber: z.string().nullish(),
  UseCvr: z.boolean(),
  CompanyTypeKey: z.string().nullish(),
  InvoiceMailOutOptionKey: z.string().nullish(),
  PreferredInvoiceLanguageKey: z.string().nullish(),
  PreferredInvoiceCurrencyKey: z.string().nullish(),
})
export type ContactReadModel = z.infer<typeof ContactReadModel>

/** The spec also returns this from POST …/contacts/{contactGuid}/notes, holding the note's id. */
export const ContactCreatedResult = z.looseObject({ ContactGuid: guid })
export type ContactCreatedResult = z.infer<typeof ContactCreatedResult>

export const ContactReadModelDineroCollection = collectionOf(ContactReadModel)
export type ContactReadModelDineroCollection = z.infer<typeof ContactReadModelDineroCollection>

export const ContactNoteCreateModel = z.strictObject({ Text: z.string().min(1) })
export type ContactNoteCreateModel = z.infer<typeof ContactNoteCreateModel>

export const ContactNoteUpdateModel = z.strictObject({ Text: z.string().min(1) })
export type ContactNoteUpdateModel = z.infer<typeof ContactNoteUpdateModel>

export const ContactNoteReadModel = z.looseObject({
  Id: guid,
  NoteDate: dateTime,
  AuthorName: z.string().nullish(),
  AuthorEmail: z.string().nullish(),
  CreatedAt: dateTime.nullish(),
  UpdatedAt: dateTime.nullish(),
  DeletedAt: dateTime.nullish(),
  Text: z.string(),
})
export type ContactNoteReadModel = z.infer<typeof ContactNoteReadModel>

export const ContactNoteReadModelDineroCollection = collectionOf(ContactNoteReadModel)
export type ContactNoteReadModelDineroCollection = z.infer<typeof ContactNoteReadModelDineroCollection>
