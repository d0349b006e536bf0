import { z } from 'zod';

export const createContactSchema = z.object({
  name: z.string().trim().min(1, 'a contact needs a name').max(200),
  email: z.string().trim().toLowerCase().email('an email address such as ana@acme.com').max(320).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^[+()\d][\d\s().-]{3,30}$/, 'a phone number such as +1 415 555 0100')
    .optional(),
  title: z.string().trim().max(200).optional(),
  companyId: z.string().min(1).optional(),
  companyName: z.string().trim().min(1).max(200).optional(),
  ownerId: z.string().min(1).optional(),
});
export type CreateContactInput = z.input<typeof createContactSchema>;
