import { z } from 'zod';
import { lineText, optionalLineText } from '../shared/text.js';
import { fieldFiltersSchema } from '../fields/field.schema.js';

/** How long a contact's texts may be, counted after cleaning. */
export const CONTACT_TEXT_LIMITS = { name: 200, title: 200, companyName: 200, search: 200 } as const;

const emailSchema = z.string().trim().toLowerCase().email('an email address such as ana@acme.com').max(320);
const phoneSchema = z
  .string()
  .trim()
  .regex(/^[+()\d][\d\s().-]{3,30}$/, 'a phone number such as +1 415 555 0100');
/** A retried delivery with the same key creates nothing new. */
export const idempotencyKeySchema = z.string().trim().min(1).max(300);

export const createContactSchema = z.object({
  name: lineText(CONTACT_TEXT_LIMITS.name, 'a contact needs a name'),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
  title: optionalLineText(CONTACT_TEXT_LIMITS.title).optional(),
  companyId: z.string().min(1).optional(),
  companyName: lineText(CONTACT_TEXT_LIMITS.companyName, 'a company needs a name').optional(),
  ownerId: z.string().min(1).optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
  /** Create it even when a contact with the same name is at the same company (never with the same email). */
  allowDuplicate: z.boolean().optional(),
});
export type CreateContactInput = z.input<typeof createContactSchema>;

/** A change to a contact: only what is given changes; null clears (the company: detaches). */
export const editContactSchema = z.object({
  name: lineText(CONTACT_TEXT_LIMITS.name, 'a contact needs a name').optional(),
  email: emailSchema.nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  title: optionalLineText(CONTACT_TEXT_LIMITS.title).nullable().optional(),
  companyName: lineText(CONTACT_TEXT_LIMITS.companyName, 'a company needs a name').nullable().optional(),
  ownerId: z.string().min(1).optional(),
});
export type EditContactInput = z.input<typeof editContactSchema>;

export const contactQuerySchema = lineText(CONTACT_TEXT_LIMITS.search, 'type a name, an email or some words of one');

export const contactListScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mine'), filters: fieldFiltersSchema }),
  z.object({ type: z.literal('all'), filters: fieldFiltersSchema }),
  z.object({ type: z.literal('company'), company: lineText(CONTACT_TEXT_LIMITS.companyName, 'name a company or its domain'), filters: fieldFiltersSchema }),
  z.object({ type: z.literal('search'), query: contactQuerySchema }),
]);
