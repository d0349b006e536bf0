import { z } from 'zod';
import { lineText, optionalLineText } from '../shared/text.js';

/** How long a contact's texts may be, counted after cleaning. */
export const CONTACT_TEXT_LIMITS = { name: 200, title: 200, companyName: 200 } as const;

export const createContactSchema = z.object({
  name: lineText(CONTACT_TEXT_LIMITS.name, 'a contact needs a name'),
  email: z.string().trim().toLowerCase().email('an email address such as ana@acme.com').max(320).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^[+()\d][\d\s().-]{3,30}$/, 'a phone number such as +1 415 555 0100')
    .optional(),
  title: optionalLineText(CONTACT_TEXT_LIMITS.title).optional(),
  companyId: z.string().min(1).optional(),
  companyName: lineText(CONTACT_TEXT_LIMITS.companyName, 'a company needs a name').optional(),
  ownerId: z.string().min(1).optional(),
});
export type CreateContactInput = z.input<typeof createContactSchema>;
